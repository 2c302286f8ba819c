import Foundation

/// The `Message-ID` of an e-mail the hub sends about a case: `<minqing.MQ-20261122-0042.TOKEN@DOMAIN>`.
///
/// Contract: an outbound e-mail target gives every message it sends about a case such an id (TOKEN is the outbox
/// entry id, so a retried delivery keeps its id); a citizen's reply carries it in `In-Reply-To` / `References`,
/// and the mailbox adapter reads the case back with `caseID(in:)` to attach the reply to that case.
///
/// ```swift
/// let id = HubMessageID.make(caseID: CaseID("MQ-20261122-0042")!, token: entry.id, domain: "qingshan.gov.cn")
/// HubMessageID.caseID(in: id)  // MQ-20261122-0042
/// ```
public enum HubMessageID {
    static let marker = "minqing."

    /// The id without angle brackets (add them in the header).
    public static func make(caseID: CaseID, token: String, domain: String) -> String {
        let safeToken = token.filter { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        return "\(marker)\(caseID).\(safeToken.isEmpty ? "0" : safeToken)@\(domain)"
    }

    /// The case a hub-made message id names; nil for any other id. Angle brackets are optional.
    public static func caseID(in messageID: String) -> CaseID? {
        var id = Substring(messageID.trimmingCharacters(in: .whitespaces))
        if id.hasPrefix("<") { id = id.dropFirst() }
        if id.hasSuffix(">") { id = id.dropLast() }
        guard id.lowercased().hasPrefix(marker), let at = id.lastIndex(of: "@") else { return nil }
        let local = id[id.index(id.startIndex, offsetBy: marker.count)..<at]
        guard let dot = local.firstIndex(of: ".") else { return nil }
        return CaseID(String(local[..<dot]))
    }
}
