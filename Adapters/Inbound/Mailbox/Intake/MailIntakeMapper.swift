import Foundation
import MinqingCore

/// Turns the raw bytes of one e-mail into the hub's `InboundMessage`, with the adapter's own parser.
///
/// Contract: never throws and always returns a message the intake accepts, so one bad e-mail never blocks a
/// mailbox. A message that cannot be read (no headers and no content, or nothing readable at all) becomes a case
/// flagged `.unreadableMessage` whose attachment is the raw message; attachments over the size limit are named
/// in the body and left on the server. The original bytes are always kept as `raw`.
public struct MailIntakeMapper: Sendable {
    public let parser: MailParser

    public init(parser: MailParser = MailParser()) {
        self.parser = parser
    }

    /// The file name under which an unreadable message's raw bytes are attached.
    public static let rawAttachmentName = "原始邮件.eml"

    public func message(from raw: Data) -> (message: InboundMessage, mail: ParsedMail) {
        let mail = parser.parse(raw)
        return (message(from: raw, parsed: mail), mail)
    }

    public func message(from raw: Data, parsed mail: ParsedMail) -> InboundMessage {
        let stored = mail.attachments.filter { !$0.tooLarge && $0.data != nil }
        let dropped = mail.attachments.filter(\.tooLarge)
        var body = mail.text
        if !dropped.isEmpty {
            let names = dropped.map { "「\($0.filename)」（\(Self.megabytes($0.size))）" }.joined(separator: "、")
            body += (body.isEmpty ? "" : "\n\n") + "【系统提示】附件 \(names) 超过大小上限，未保存到台账，请登录邮箱查看原邮件。"
        }
        var attachments = stored.map { InboundAttachment(filename: $0.filename, contentType: $0.contentType, data: $0.data!) }
        var flags: [CaseFlag] = []
        if mail.from == nil, mail.fromDisplay != nil { flags.append(.senderWithoutAddress) }
        if Self.isUnreadable(mail, body: body, attachments: attachments) {
            flags.append(.unreadableMessage)
            attachments.append(InboundAttachment(filename: Self.rawAttachmentName, contentType: "message/rfc822", data: raw))
            let reasons = mail.warnings.prefix(5).map { "· \($0)" }.joined(separator: "\n")
            body = (body.isEmpty ? "" : body + "\n\n")
                + "【系统提示】这封邮件无法正常解析，原始邮件已作为附件「\(Self.rawAttachmentName)」保存。请下载附件用邮件客户端打开，人工阅读后补录内容。"
                + (reasons.isEmpty ? "" : "\n解析时发现的问题：\n\(reasons)")
        }
        return InboundMessage(
            channel: .mailbox,
            sourceRef: MailSourceRef.forMail(messageID: mail.messageID, raw: raw),
            receivedAt: mail.date,
            complainant: Complainant(name: mail.from?.name?.nonEmpty ?? mail.fromDisplay, email: mail.from?.address.nonEmpty),
            subject: mail.subject.nonEmpty ?? (flags.contains(.unreadableMessage) ? "无法解析的来信" : nil),
            body: body,
            attachments: attachments,
            raw: raw,
            rawContentType: "message/rfc822",
            flags: flags)
    }

    /// Not mail at all (no sender, subject or id), or nothing a clerk could read.
    static func isUnreadable(_ mail: ParsedMail, body: String, attachments: [InboundAttachment]) -> Bool {
        let noHeaders = mail.from == nil && mail.fromDisplay == nil && mail.messageID == nil && mail.subject.isEmpty
        let noContent = body.nonEmpty == nil && attachments.isEmpty
        return noHeaders || noContent
    }

    static func megabytes(_ bytes: Int) -> String {
        String(format: "%.1f MB", Double(bytes) / 1_048_576)
    }
}
