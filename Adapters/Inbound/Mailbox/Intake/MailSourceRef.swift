import Crypto
import Foundation

/// The `sourceRef` of an e-mail in the ledger: `mid:<Message-ID>`, or `sha256:<hex of the raw bytes>` when the
/// message has no (usable) Message-ID.
///
/// Keyed on the message, not on its IMAP location, so the same message is one case however it is seen again:
/// a redelivered UID, a re-scan after a UIDVALIDITY change, a copy in a second configured mailbox.
/// (An IMAP UID is only unique within one UIDVALIDITY of one folder, so it cannot be the key across re-scans.)
public enum MailSourceRef {
    static let messageIDPrefix = "mid:"
    static let hashPrefix = "sha256:"
    static let maxMessageIDLength = 190

    public static func forMail(messageID: String?, raw: Data) -> String {
        if let id = messageID?.trimmingCharacters(in: .whitespaces), let ref = forMessageID(id) { return ref }
        return hashPrefix + SHA256.hex([UInt8](raw))
    }

    /// The reference a stored mail with this Message-ID has; nil for an id that cannot be a key.
    public static func forMessageID(_ id: String) -> String? {
        guard !id.isEmpty, id.count <= maxMessageIDLength, !id.contains(where: { $0.isWhitespace || $0.isNewline })
        else { return nil }
        return messageIDPrefix + id
    }
}
