import DeliverySupport
import Foundation
import MinqingCore
import MinqingCurl

/// E-mail to the people a notification addresses (the case's responsible staff and leader, or a citizen's
/// receipt), through an SMTP server with libcurl. Carries the full record: e-mail goes to named people only.
///
/// The `Message-ID` is a `HubMessageID` (case id + notification id), the same on every retry, so a reply
/// (`In-Reply-To`) threads back to the case and a mail server that saw the message already can drop the repeat. The subject carries the case
/// number in brackets (`[MQ-20261122-0042]`), which the mailbox channel also uses for threading.
public struct EmailTarget: NotificationTarget {
    /// Two SMTP sessions at once: enough for an office, gentle on its mail server.
    public static let laneDefaults = LaneDefaults(rateLimits: [], concurrency: 2)

    public let name: String
    let server: MailEndpoint
    let from: (name: String?, address: String)
    let client: CurlClient

    public init(name: String, server: MailEndpoint, fromAddress: String, fromName: String?, client: CurlClient) {
        self.name = name
        self.server = server
        self.from = (fromName, fromAddress)
        self.client = client
    }

    var domain: String {
        from.address.split(separator: "@").last.map(String.init) ?? "minqing.local"
    }

    /// Without angle brackets (`MIMEMessage` adds them), for case mail and other mail alike.
    func messageID(for delivery: Delivery) -> String {
        guard let caseID = delivery.snapshot.flatMap({ CaseID($0.id) }) else {
            let token = delivery.id.filter { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") }
            return "\(token.isEmpty ? "0" : token)@\(domain)"
        }
        return HubMessageID.make(caseID: caseID, token: delivery.id, domain: domain)
    }

    /// The citizen's own Message-ID, when this mail answers a mailbox case and goes to the citizen who wrote it:
    /// `In-Reply-To` / `References` then put it in the same thread in their mail client (RFC 5322 §3.6.4).
    func originalMessageID(for delivery: Delivery) -> String? {
        guard let s = delivery.snapshot, s.channel == Channel.mailbox.rawValue, s.sourceRef.hasPrefix("mid:") else { return nil }
        guard delivery.recipients.contains(where: { $0.id == Contact.complainantKey }) else { return nil }
        var id = Substring(s.sourceRef.dropFirst("mid:".count))
        if id.hasPrefix("<") { id = id.dropFirst() }
        if id.hasSuffix(">") { id = id.dropLast() }
        guard !id.isEmpty, id.contains("@"), id.allSatisfy({ $0.isASCII && !$0.isWhitespace && $0 != "<" && $0 != ">" && ($0.asciiValue ?? 0) >= 0x21 })
        else { return nil }
        return String(id)
    }

    func message(for delivery: Delivery) -> MIMEMessage {
        let c = delivery.content
        var text = c.plainText
        var html = c.html
        if let link = c.link {
            text += "\n\n查看详情：\(link)"
            html += "\n<p><a href=\"\(link)\">查看详情</a></p>"
        }
        let subject = delivery.snapshot.map { s in c.title.contains("[\(s.id)]") ? c.title : "[\(s.id)] \(c.title)" } ?? c.title
        return MIMEMessage(
            from: from, to: delivery.recipients.compactMap { r in r.email.map { (r.name == r.email ? nil : r.name, $0) } },
            subject: subject, messageID: messageID(for: delivery), date: delivery.sentAt, text: text,
            html: "<!DOCTYPE html><html><body style=\"font-family:sans-serif\">\n\(html)\n</body></html>",
            extraHeaders: [("Auto-Submitted", "auto-generated")] + (delivery.snapshot.map { [("X-Minqing-Case", $0.id)] } ?? [])
                + (originalMessageID(for: delivery).map { [("In-Reply-To", "<\($0)>"), ("References", "<\($0)>")] } ?? []))
    }

    public func deliver(_ delivery: Delivery) async -> DeliveryOutcome {
        let mime = message(for: delivery)
        guard !mime.to.isEmpty else {
            return .failed(DeliveryFailure(.permanent, reason: "收件人没有邮箱地址，请在 directory.yaml 中补充"))
        }
        let started = ContinuousClock.now
        do {
            let receipt = try await client.sendMail(SMTPMessage(
                server: server, from: from.address, recipients: mime.to.map(\.address),
                message: mime.render(boundary: "=_mq_\(delivery.id)")))
            return .delivered(DeliveryReceipt(status: nil, excerpt: receipt.serverResponse, latency: ContinuousClock.now - started))
        } catch {
            var failure = FailureClassifier.classify(error)
            failure.latency = ContinuousClock.now - started
            return .failed(failure)
        }
    }
}
