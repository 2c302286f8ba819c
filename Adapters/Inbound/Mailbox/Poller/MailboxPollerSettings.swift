import Foundation

/// How one poller works one IMAP folder (built by the composition root from the `mailbox.accounts` config).
public struct MailboxPollerSettings: Sendable, Hashable {
    /// What happens to a message on the server once its case is durable. Mail is never deleted.
    public enum Disposition: Sendable, Hashable {
        /// `UID MOVE` into this folder (created on first use).
        case move(to: String)
        /// `UID STORE +FLAGS` with this keyword.
        case flag(String)
        /// Nothing (the fetch itself still sets `\Seen`).
        case leave
    }

    /// The cursor's key in the store; unique per configured mailbox.
    public var name: String
    public var folder: String
    /// Seconds between successful polls.
    public var interval: TimeInterval
    public var disposition: Disposition
    /// Messages fetched and submitted together; the cursor advances after each batch is durable.
    public var batchSize: Int
    public var backoff: MailboxBackoff

    public init(
        name: String, folder: String = "INBOX", interval: TimeInterval = 60, disposition: Disposition = .move(to: "已登记"),
        batchSize: Int = 8, backoff: MailboxBackoff = .init()
    ) {
        self.name = name
        self.folder = folder
        self.interval = interval
        self.disposition = disposition
        self.batchSize = max(1, batchSize)
        self.backoff = backoff
    }
}
