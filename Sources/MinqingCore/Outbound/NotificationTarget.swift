import Foundation

/// One outbound protocol (a signed webhook, a WeCom / DingTalk / Feishu group robot, e-mail).
///
/// Contract:
/// - `deliver` sends `delivery` once and says how it went; it never throws. Every failure is classified: worth
///   retrying or not, rate-limited (with the receiver's wait, if it said one), or gone (disable the target).
/// - A target does no retrying, rate limiting or bookkeeping of its own: its lane does that.
/// - The same notification is always sent with the same idempotency id (`delivery.id`), so a receiver can drop
///   a repeat that a crash between sending and recording caused.
/// - A target refuses (`.permanent`) what it cannot express rather than send something broken.
public protocol NotificationTarget: Sendable {
    /// The configured target name (`office-wecom`).
    var name: String { get }
    /// The vendor's documented limits, which the target's lane keeps unless the configuration says otherwise.
    static var laneDefaults: LaneDefaults { get }
    func deliver(_ delivery: Delivery) async -> DeliveryOutcome
}

extension NotificationTarget {
    /// A receiver without a documented limit: no rate limit, four sends in flight.
    public static var laneDefaults: LaneDefaults { LaneDefaults(rateLimits: [], concurrency: 4) }
}

/// How a target's lane runs unless configured otherwise (`rate_limits:`, `concurrency:` in `minqing.yaml`):
/// the receiver's own rate limit, and how many sends may be in flight at once.
public struct LaneDefaults: Sendable, Hashable {
    public var rateLimits: [RateWindow]
    public var concurrency: Int

    public init(rateLimits: [RateWindow], concurrency: Int) {
        self.rateLimits = rateLimits
        self.concurrency = concurrency
    }
}

/// What a lane hands its target: the notification's identity, its composed content, and who it addresses.
public struct Delivery: Sendable {
    /// The outbox id: stable across every attempt of this notification.
    public var id: String
    public var event: String
    /// When the notification was written to the outbox (the same on every attempt).
    public var createdAt: Date
    /// 1 for the first attempt.
    public var attempt: Int
    /// When this attempt is made (signatures and timestamps use it).
    public var sentAt: Date
    public var content: NotificationContent
    /// Resolved people to address (e-mail recipients, robot @mentions); never a person the case is about.
    public var recipients: [Contact]
    /// The case at the time of the change, already masked for this target's audience; nil for a notification
    /// about no single case (market-day alert, digest).
    public var snapshot: CaseSnapshot?

    public init(
        id: String, event: String, createdAt: Date, attempt: Int, sentAt: Date, content: NotificationContent, recipients: [Contact],
        snapshot: CaseSnapshot?
    ) {
        self.id = id
        self.event = event
        self.createdAt = createdAt
        self.attempt = attempt
        self.sentAt = sentAt
        self.content = content
        self.recipients = recipients
        self.snapshot = snapshot
    }
}

/// A person a notification can address, from the directory.
public struct Contact: Sendable, Hashable, Codable {
    /// The outbox recipient that stands for the case's complainant (a citizen, not a directory person): the
    /// composer resolves it from the case at send time, so the outbox never lists a citizen's number or address.
    public static let complainantKey = "#complainant"

    /// True for the recipients of a message to the citizen.
    public static func isCitizen(_ recipients: [String]) -> Bool { recipients == [complainantKey] }

    public var id: String
    public var name: String
    public var email: String?
    public var mobile: String?
    public var wecomID: String?
    public var dingtalkID: String?

    public init(
        id: String, name: String, email: String? = nil, mobile: String? = nil, wecomID: String? = nil,
        dingtalkID: String? = nil
    ) {
        self.id = id
        self.name = name
        self.email = email
        self.mobile = mobile
        self.wecomID = wecomID
        self.dingtalkID = dingtalkID
    }
}

public enum DeliveryOutcome: Sendable, Hashable {
    case delivered(DeliveryReceipt)
    case failed(DeliveryFailure)
}

/// What the receiver said when it took the notification.
public struct DeliveryReceipt: Sendable, Hashable {
    public var status: Int?
    /// The first bytes of the answer, for the attempt log.
    public var excerpt: String
    public var latency: Duration

    public init(status: Int?, excerpt: String, latency: Duration) {
        self.status = status
        self.excerpt = excerpt
        self.latency = latency
    }
}

/// Why a delivery failed, and what to do about it.
public struct DeliveryFailure: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        /// 5xx, timeouts, connection errors: try again later.
        case retryable
        /// The receiver's rate limit (429, robot errcode 45009 / 130101 / 11232): wait, then try again.
        case rateLimited
        /// The receiver will never take this (4xx, a bad robot key, a sign error): dead-letter it.
        case permanent
        /// The receiver is gone for good (410): dead-letter it and disable the target.
        case gone
    }

    public var kind: Kind
    /// What happened, in Chinese, for the clerk reading the dead-letter list.
    public var reason: String
    public var status: Int?
    public var excerpt: String?
    public var latency: Duration?
    /// How long the receiver asked us to wait (Retry-After).
    public var retryAfter: Duration?
    /// How long the whole target must stay silent (DingTalk blocks a robot for 10 minutes after 130101).
    public var pauseTarget: Duration?

    public init(
        _ kind: Kind, reason: String, status: Int? = nil, excerpt: String? = nil, latency: Duration? = nil,
        retryAfter: Duration? = nil, pauseTarget: Duration? = nil
    ) {
        self.kind = kind
        self.reason = reason
        self.status = status
        self.excerpt = excerpt
        self.latency = latency
        self.retryAfter = retryAfter
        self.pauseTarget = pauseTarget
    }

    public var description: String { status.map { "\(reason)（HTTP \($0)）" } ?? reason }
}

/// A target from a closure (tests of the dispatcher's bookkeeping).
public struct ClosureTarget: NotificationTarget {
    public let name: String
    let body: @Sendable (Delivery) async -> DeliveryOutcome

    public init(name: String, _ body: @escaping @Sendable (Delivery) async -> DeliveryOutcome) {
        self.name = name
        self.body = body
    }

    public func deliver(_ delivery: Delivery) async -> DeliveryOutcome { await body(delivery) }
}
