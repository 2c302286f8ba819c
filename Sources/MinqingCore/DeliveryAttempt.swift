import Foundation

/// One try at delivering a notification: when, how it ended, what the receiver said. Every attempt is kept, so
/// the case page and `minqing outbox list` show the whole story of a notification.
public struct DeliveryAttempt: Sendable, Codable, Hashable {
    public enum Result: String, Sendable, Codable, CaseIterable {
        /// Reserved before sending (rate-limited targets); a crash leaves it like this, still counted as a send.
        case sending
        case delivered
        /// Failed; worth trying again.
        case failed
        /// Refused by the receiver's rate limit (429, robot errcode 45009 / 130101 / 11232).
        case rateLimited = "rate_limited"
        /// Failed for good (4xx, a robot error that retrying cannot fix).
        case rejected
        /// Not sent: a recipient is a person the case is about, or the target is disabled.
        case suppressed
        /// Not sent yet: the target's limit or a pause (stored by any instance) put the send beyond this
        /// dispatcher's lease, so the row went back to `retrying` at that time instead of waiting. Not a send.
        case deferred
    }

    public var notificationID: String
    public var target: String
    /// 1 for the first attempt.
    public var number: Int
    public var startedAt: Date
    public var result: Result
    public var httpStatus: Int?
    /// Milliseconds from sending to the answer.
    public var latencyMilliseconds: Int?
    /// What the receiver answered (excerpt) or why it failed, for people reading the log.
    public var detail: String?

    public init(
        notificationID: String, target: String, number: Int, startedAt: Date, result: Result,
        httpStatus: Int? = nil, latencyMilliseconds: Int? = nil, detail: String? = nil
    ) {
        self.notificationID = notificationID
        self.target = target
        self.number = number
        self.startedAt = startedAt
        self.result = result
        self.httpStatus = httpStatus
        self.latencyMilliseconds = latencyMilliseconds
        self.detail = detail
    }
}

/// The outcome of one attempt and where it leaves the notification, written in one transaction.
public struct DeliveryRecord: Sendable, Hashable {
    public var attempt: DeliveryAttempt
    /// The reservation this attempt completes (`CaseStore.reserveSend`), if one was made.
    public var reservation: Int64?
    /// `delivered`, `retrying` (with `nextAttemptAt`) or `dead`.
    public var state: OutboxEntry.State
    public var nextAttemptAt: Date?
    public var lastError: String?

    public init(
        attempt: DeliveryAttempt, reservation: Int64? = nil, state: OutboxEntry.State, nextAttemptAt: Date? = nil,
        lastError: String? = nil
    ) {
        self.attempt = attempt
        self.reservation = reservation
        self.state = state
        self.nextAttemptAt = nextAttemptAt
        self.lastError = lastError
    }
}

/// What the hub remembers about a target between restarts: disabled (the receiver answered 410 Gone, an SMS account
/// no longer exists) or paused (a robot blocked us for a while).
///
/// A disable holds for the address and credentials it was learned with (`disabledRevision`, see
/// `NotificationSetup.revision(of:)`): once the configuration gives the target another address or secret, the next
/// start or reload lifts it. An operator lifts it without a change (`minqing outbox enable`, `enabledAt`): a disable
/// counts only while it is later than the last enable.
public struct TargetState: Sendable, Hashable {
    public var name: String
    public var disabledAt: Date?
    public var disabledReason: String?
    /// The target configuration's revision the disable was learned with; nil for a disable stored before revisions
    /// were kept (it holds whatever the configuration).
    public var disabledRevision: String?
    /// When an operator last enabled the target again.
    public var enabledAt: Date?
    public var pausedUntil: Date?

    public init(
        name: String, disabledAt: Date? = nil, disabledReason: String? = nil, disabledRevision: String? = nil,
        enabledAt: Date? = nil, pausedUntil: Date? = nil
    ) {
        self.name = name
        self.disabledAt = disabledAt
        self.disabledReason = disabledReason
        self.disabledRevision = disabledRevision
        self.enabledAt = enabledAt
        self.pausedUntil = pausedUntil
    }

    /// Whether the target is disabled for the configuration of revision `revision`.
    public func isDisabled(forRevision revision: String) -> Bool {
        guard let disabledAt else { return false }
        if let enabledAt, enabledAt >= disabledAt { return false }
        return disabledRevision == nil || disabledRevision == revision
    }
}
