import Foundation

/// A non-body part of a message: a file, an inline image of multipart/related, or an enclosed message/rfc822.
///
/// `size` and `sha256` always describe the decoded bytes, even when ``tooLarge`` dropped them. ``data`` is never
/// part of the JSON form (it decodes back as `nil`).
public struct MailAttachment: Sendable, Equatable, Codable {
    /// The decoded file name; a generated `unnamed-N.ext` when the message gives none, and
    /// `<subject>.eml` for an unnamed enclosed message.
    public var filename: String
    /// The lower-cased media type without parameters, e.g. `application/pdf`.
    public var contentType: String
    /// The decoded size in bytes.
    public var size: Int
    /// Lower-case hex SHA-256 of the decoded bytes.
    public var sha256: String
    /// True for `Content-Disposition: inline`, or for a part with a `Content-ID` and no disposition.
    public var isInline: Bool
    /// True when ``size`` exceeded ``MailParser/Limits/maxAttachmentBytes``; ``data`` is then `nil`.
    public var tooLarge: Bool
    /// The `Content-ID` without angle brackets (what `cid:` URLs in the HTML refer to).
    public var contentID: String?
    /// For message/rfc822 attachments: the decoded subject of the enclosed message.
    public var messageSubject: String?
    /// The decoded bytes, unless ``tooLarge``.
    public var data: Data?

    /// Creates a value directly (tests, fixtures); the parser is the usual source.
    public init(
        filename: String, contentType: String, size: Int, sha256: String, isInline: Bool = false,
        tooLarge: Bool = false, contentID: String? = nil, messageSubject: String? = nil, data: Data? = nil
    ) {
        self.filename = filename
        self.contentType = contentType
        self.size = size
        self.sha256 = sha256
        self.isInline = isInline
        self.tooLarge = tooLarge
        self.contentID = contentID
        self.messageSubject = messageSubject
        self.data = data
    }

    private enum CodingKeys: String, CodingKey {
        case filename, contentType, size, sha256, isInline, tooLarge, contentID, messageSubject
    }
}
