import Foundation
import MinqingCore

/// What in a message says which case it continues: hub-made Message-IDs it replies to, a `[MQ-…]` tag in the
/// subject, and any other ids it references (a citizen replying to their own earlier letter).
public struct MailThreadHints: Sendable, Hashable {
    /// Cases named by `In-Reply-To`/`References` ids the hub made (`HubMessageID`), most recent reference first.
    public var repliedCases: [CaseID]
    /// Case ids written in the subject as `[MQ-20261122-0042]` (or `【…】`).
    public var subjectCases: [CaseID]
    /// Every referenced Message-ID, most recent first.
    public var referencedIDs: [String]

    public init(mail: ParsedMail) {
        var ids: [String] = []
        for id in [mail.inReplyTo].compactMap({ $0 }) + mail.references.reversed() where !ids.contains(id) {
            ids.append(id)
        }
        referencedIDs = ids
        repliedCases = ids.compactMap(HubMessageID.caseID(in:))
        subjectCases = Self.caseTags(in: mail.subject)
    }

    /// The case the hints name without a store lookup: a reply to the hub first, then a subject tag.
    public var namedCase: CaseID? { repliedCases.first ?? subjectCases.first }

    /// `回复：[MQ-20261122-0042] 关于路灯` → [MQ-20261122-0042].
    static func caseTags(in subject: String) -> [CaseID] {
        var found: [CaseID] = []
        var rest = Substring(subject)
        while let open = rest.firstIndex(where: { $0 == "[" || $0 == "【" }) {
            let after = rest.index(after: open)
            guard let close = rest[after...].firstIndex(where: { $0 == "]" || $0 == "】" }) else { break }
            if let id = CaseID(String(rest[after..<close])), !found.contains(id) { found.append(id) }
            rest = rest[rest.index(after: close)...]
        }
        return found
    }
}
