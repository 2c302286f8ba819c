import Foundation

/// The decoded content of one e-mail message, as produced by ``MailParser/parse(_:)``.
///
/// Every string is already decoded to Unicode: RFC 2047 encoded-words, RFC 2231 parameters, transfer encodings and
/// charsets (with GB2312/GBK labels read as GB18030) have been resolved.
public struct ParsedMail: Sendable, Equatable, Codable {
    /// The `Message-ID`, without angle brackets; `nil` when absent.
    public var messageID: String?
    /// The first id of `In-Reply-To`, without angle brackets.
    public var inReplyTo: String?
    /// The ids of `References`, oldest first, without angle brackets.
    public var references: [String]
    /// The decoded `Subject`; empty when absent.
    public var subject: String
    /// The first mailbox of `From`.
    public var from: MailAddress?
    /// The `From` text when it holds no address (`From: 张三`), so the sender's name is kept; nil otherwise.
    public var fromDisplay: String?
    /// The mailboxes of `To` (groups are flattened).
    public var to: [MailAddress]
    /// The mailboxes of `Cc`.
    public var cc: [MailAddress]
    /// The `Date` header as an instant; `nil` when absent or unreadable.
    public var date: Date?
    /// The best plain text: the text/plain body parts joined, else the HTML body converted to text.
    /// Line endings are `\n`; leading and trailing whitespace is trimmed.
    public var text: String
    /// The raw (decoded to Unicode, not converted) HTML body, if the message has one.
    public var html: String?
    /// Attachments in message order, including inline images of multipart/related and enclosed messages.
    public var attachments: [MailAttachment]
    /// What had to be repaired or guessed, in the order it was noticed; empty for a clean message.
    public var warnings: [String]

    /// Creates a value directly (tests, fixtures); the parser is the usual source.
    public init(
        messageID: String? = nil, inReplyTo: String? = nil, references: [String] = [], subject: String = "",
        from: MailAddress? = nil, fromDisplay: String? = nil, to: [MailAddress] = [], cc: [MailAddress] = [], date: Date? = nil,
        text: String = "", html: String? = nil, attachments: [MailAttachment] = [], warnings: [String] = []
    ) {
        self.messageID = messageID
        self.inReplyTo = inReplyTo
        self.references = references
        self.subject = subject
        self.from = from
        self.fromDisplay = fromDisplay
        self.to = to
        self.cc = cc
        self.date = date
        self.text = text
        self.html = html
        self.attachments = attachments
        self.warnings = warnings
    }
}
