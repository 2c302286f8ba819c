import Foundation

/// What happened to a case, as the notification planner sees it.
public struct CaseChange: Sendable {
    /// The record before the change; nil for a new case.
    public var before: CaseRecord?
    public var after: CaseRecord
    public var event: AuditEvent

    public init(before: CaseRecord?, after: CaseRecord, event: AuditEvent) {
        self.before = before
        self.after = after
        self.event = event
    }
}

/// A notification to write to the outbox in the same transaction as the case change that caused it.
public struct OutboxDraft: Sendable, Hashable {
    /// Configured target name (`office-wecom`, `county-webhook`, `email` …).
    public var target: String
    /// Event kind (`case.created`, `case.assigned`, `case.reminder` …).
    public var event: String
    /// Who should receive it, when the target addresses people (e-mail, @mention); empty for group targets.
    public var recipients: [String]

    public init(target: String, event: String, recipients: [String] = []) {
        self.target = target
        self.event = event
        self.recipients = recipients
    }
}

/// Decides which notifications a case change causes. Pure and synchronous: it runs inside the store's
/// write transaction, so the outbox rows commit together with the change or not at all.
public protocol NotificationPlanner: Sendable {
    func plan(for change: CaseChange) -> [OutboxDraft]
}

/// A planner from a closure (tests, simple configurations).
public struct ClosurePlanner: NotificationPlanner {
    let body: @Sendable (CaseChange) -> [OutboxDraft]
    public init(_ body: @escaping @Sendable (CaseChange) -> [OutboxDraft]) { self.body = body }
    public func plan(for change: CaseChange) -> [OutboxDraft] { body(change) }
}

/// The outbox row of one notification; its `id` is the idempotency key every delivery carries.
public struct OutboxEntry: Sendable, Hashable, Codable {
    public enum State: String, Sendable, Codable, CaseIterable { case pending, retrying, delivered, dead }

    public var id: String
    /// The case the notification is about; nil for one that is about no single case (market-day alerts, digests).
    public var caseID: CaseID?
    public var target: String
    public var event: String
    public var recipients: [String]
    /// The case at the time of the change (so a delivery shows what the people were told then); nil with `caseID`.
    public var snapshot: CaseRecord?
    /// The template values of a notification about no single case, as a JSON object (already fit for any
    /// audience: it never holds complainants' personal data).
    public var context: String?
    /// The scheduler's job key, when a scheduled job wrote the row (at most one row per key and target).
    public var jobKey: String?
    public var state: State
    public var attempts: Int
    public var nextAttemptAt: Date
    public var createdAt: Date
    public var lastError: String?

    public init(
        id: String, caseID: CaseID?, target: String, event: String, recipients: [String], snapshot: CaseRecord?,
        context: String? = nil, jobKey: String? = nil,
        state: State, attempts: Int, nextAttemptAt: Date, createdAt: Date, lastError: String?
    ) {
        self.context = context
        self.jobKey = jobKey
        self.id = id
        self.caseID = caseID
        self.target = target
        self.event = event
        self.recipients = recipients
        self.snapshot = snapshot
        self.state = state
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.createdAt = createdAt
        self.lastError = lastError
    }
}

/// Several planners as one: the drafts of each, in order. The composition root stacks the configured targets'
/// planner with channel-specific ones (mailbox acknowledgements, 12345 status reports …).
public struct CompositePlanner: NotificationPlanner {
    public var planners: [any NotificationPlanner]
    public init(_ planners: [any NotificationPlanner]) { self.planners = planners }
    public func plan(for change: CaseChange) -> [OutboxDraft] { planners.flatMap { $0.plan(for: change) } }
}
