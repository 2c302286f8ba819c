import Foundation

/// Decodes raw RFC 5322 / MIME messages, as Chinese mail clients really send them, into a ``ParsedMail``.
///
/// Contract:
/// - `parse(_:)` never throws, never traps and never loops forever, whatever the input bytes are. Malformed input
///   (truncated multiparts, missing or absent boundaries, bad base64, unknown or wrong charset labels, garbage
///   headers, excessive nesting) yields the best effort plus human-readable entries in ``ParsedMail/warnings``.
/// - Work is linear in the size of the input: the message is handled as bytes and never re-concatenated
///   character by character.
/// - The parser is a value with no state besides its ``Limits``; one instance may be shared across tasks.
///
/// ```swift
/// let mail = MailParser().parse(try Data(contentsOf: url))
/// print(mail.subject, mail.from?.address ?? "-", mail.attachments.map(\.filename))
/// ```
public struct MailParser: Sendable {
    /// The bounds this parser applies to attachments and to the MIME tree.
    public let limits: Limits

    /// Creates a parser with the given limits (defaults suit a township mailbox).
    public init(limits: MailParser.Limits = .init()) {
        self.limits = limits
    }

    /// Parses one raw message (the bytes of an `.eml` file or an IMAP `BODY[]`).
    ///
    /// Line endings may be CRLF or bare LF. The result is always usable; see ``ParsedMail/warnings`` for what
    /// had to be repaired or guessed.
    public func parse(_ raw: Data) -> ParsedMail {
        let bytes = [UInt8](raw)
        var log = WarningLog()
        let header = HeaderBlock.parse(bytes, in: 0..<bytes.count, log: &log)
        // The body first, so the header is read with the charset the message declares for its text; the
        // header's warnings still come first.
        var walker = MIMEWalker(limits: limits, log: WarningLog())
        let content = walker.visit(bytes, header: header, end: bytes.count, depth: 0)
        let envelope = Envelope(header: header, rawCharset: walker.declaredCharset, log: &log)
        for message in walker.log.messages { log.add(message) }
        if envelope.fromDisplay != nil { log.add("From: no address, only the name \"\(envelope.fromDisplay!)\"; kept as the sender's name") }

        let html = content.html.isEmpty ? nil : content.html.joined(separator: "\n")
        var text = BodyText.joined(content.plain)
        if text.isEmpty, let html {
            text = BodyText.trimmed(HTMLText.plainText(fromHTML: html))
        }
        if text.isEmpty, !walker.namedPlainText.isEmpty {
            // The only text is a text/plain part with a file name (phone clients send the letter as 正文.txt).
            log.add("no inline body text; the named text/plain part is used as the body")
            text = BodyText.joined(walker.namedPlainText)
        }
        return ParsedMail(
            messageID: envelope.messageID,
            inReplyTo: envelope.inReplyTo,
            references: envelope.references,
            subject: envelope.subject,
            from: envelope.from,
            fromDisplay: envelope.fromDisplay,
            to: envelope.to,
            cc: envelope.cc,
            date: envelope.date,
            text: text,
            html: html,
            attachments: walker.attachments,
            warnings: log.messages
        )
    }
}
