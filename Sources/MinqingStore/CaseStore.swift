import Foundation
import MinqingCore

/// The whole store of one office (or of a county's hubs on one database): every part below, each used by its
/// own caller. `SQLiteCaseStore` implements it; a store for several instances (PostgreSQL) implements the same
/// protocols and passes the same conformance suites (`CaseStoreConformance` in MinqingTesting).
///
/// Every implementation keeps these rules across all parts:
/// - Every change of a case writes its audit event and the planner's outbox rows in the same transaction.
/// - A call that returned has made its writes durable.
public typealias CaseStore = CaseLedger & DeliveryQueue & OutboxLedger & ScheduleLedger & ChannelCursors

/// The ledger (工作台账) as intake and the web use it: cases, their audit trail, search, raw messages.
///
/// Contract (`CaseStoreConformance.ledgerChecks`):
/// - `ingest` stores a batch in ONE transaction and returns one result per message, in order. A message whose
///   `(channel, sourceRef)` is already stored — earlier or earlier in the same batch — yields the existing case
///   with `created == false`. A message that fails is rolled back alone; the others commit. When `ingest`
///   returns, every success is durable.
/// - A new case gets the next id of its registration day (`PREFIX-YYYYMMDD-NNNN`, office time zone); ids are
///   never reused.
/// - `apply` validates through `CaseStateMachine`; on any error nothing is written.
public protocol CaseLedger: Sendable {
    func ingest(_ messages: [InboundMessage], at now: Date) async throws -> [Result<IntakeReceipt, any Error>]
    func fetchCase(_ id: CaseID) async throws -> CaseRecord?
    func auditTrail(of id: CaseID) async throws -> [AuditEvent]
    /// One page of matching cases, newest registration first, after `query.cursor` if given. Throws `FieldError`
    /// (field `q`) when `query.text` is longer than `CaseQuery.maxTextLength`; `limit` and `offset` are clamped to
    /// `1...maxLimit` and `0...maxOffset`. `total` counts the matches (ignoring cursor and offset) up to the query's
    /// `totalCap`; more than that sets `totalCapped`. `nextCursor` is set when more matches follow the page.
    /// Every filter and every cursor page is read through an index that serves the order (docs/search-and-paging.md).
    func searchCases(_ query: CaseQuery) async throws -> CasePage
    /// Applies `action`; if `expectedVersion` is given and differs, throws `TransitionError` `.staleVersion`.
    /// `onBehalfOf` (a person an API integration says it acts for) is recorded in the event's details as
    /// `on_behalf_of`, never as its actor.
    func apply(
        _ action: CaseAction, to id: CaseID, actor: String, onBehalfOf: String?, expectedVersion: Int?, at now: Date
    ) async throws -> CaseRecord
    /// Who case `id` is about now (`concerns`) and whether its citizen opted out of messages; nil when there is no
    /// such case. The dispatcher asks before every send (回避, opt-out recorded after the row was written); a store
    /// may read less than the whole case (the default reads it whole).
    func sendingFacts(of id: CaseID) async throws -> CaseSendingFacts?
    func inboundMessage(channel: Channel, sourceRef: String) async throws -> StoredMessage?
    func attachmentData(sha256: String) async throws -> Data?
    /// Throws when the store cannot serve requests (for `/readyz`).
    func checkReady() async throws
}

/// What the dispatcher checks of a case before each send (`CaseLedger.sendingFacts(of:)`).
public struct CaseSendingFacts: Sendable, Equatable {
    public var concerns: [String]
    public var citizenOptOut: Bool

    public init(concerns: [String], citizenOptOut: Bool) {
        self.concerns = concerns
        self.citizenOptOut = citizenOptOut
    }
}

extension CaseLedger {
    public func sendingFacts(of id: CaseID) async throws -> CaseSendingFacts? {
        try await fetchCase(id).map { CaseSendingFacts(concerns: $0.concerns, citizenOptOut: $0.citizenOptOut == true) }
    }
}

/// The outbox as the dispatcher works it: claim, lease, record. Nothing else writes delivery state.
///
/// Contract (`CaseStoreConformance.deliveryChecks`):
/// - A claimed row is leased: it is not handed out again before `leaseUntil`, to this or any other dispatcher
///   on the same store; after it, it is (a dispatcher that died loses nothing).
/// - `recordDeliveries` writes each attempt and the row's new state, and ends its lease, in one transaction.
public protocol DeliveryQueue: Sendable {
    /// Leases, for each target in `limits`, up to that many of its notifications that are `pending` or `retrying`,
    /// due at `now` and not leased (or whose lease ran out); oldest due first.
    func claimNotifications(dueAt now: Date, leaseUntil: Date, limits: [String: Int]) async throws -> [OutboxEntry]
    /// Dead-letters the pending and retrying notifications of targets not in `known` (a target removed from the
    /// configuration), with `reason`; returns how many.
    func abandonNotifications(targetsNotIn known: Set<String>, reason: String, at now: Date) async throws -> Int
    /// Ends the leases this store handle's dispatcher holds (called when the dispatcher starts, after a crash). A
    /// store shared by several instances ends only its own instance's leases. A send those rows had reserved for
    /// a time after `now` was never made (a send happens at or after its slot), so it becomes `deferred` and stops
    /// counting against the target's limit.
    func releaseLeases(at now: Date) async throws
    /// Writes each attempt and its notification's new state (and ends its lease) in one transaction.
    func recordDeliveries(_ records: [DeliveryRecord]) async throws
    /// Reserves one rate-limited send of `attempt.target`, atomically across every dispatcher on this store (one
    /// process or several instances on one database): reads the target's sends since `now - horizon` (oldest
    /// first) and its stored pause, takes the later of `slot(history, now)` and the pause's end as the send time,
    /// and writes a `sending` attempt at that time — all before any other reservation of the same target can read
    /// the history, so the limit holds for the receiver, not per instance. A crash right after sending still
    /// counts against the limit after a restart. Returns the reservation (for `DeliveryRecord.reservation`) and
    /// the send time.
    func reserveSend(
        _ attempt: DeliveryAttempt, horizon: TimeInterval, now: Date, slot: @Sendable ([Date], Date) -> Date
    ) async throws -> (reservation: Int64, sendAt: Date)
    /// Start times of the attempts sent (or reserved) to `target` at or after `since`, oldest first.
    func sendTimes(target: String, since: Date) async throws -> [Date]
    /// The earliest time a pending or retrying notification of one of `targets` can be claimed, if any.
    func nextNotificationDue(targets: Set<String>) async throws -> Date?
    func targetStates() async throws -> [TargetState]
    func saveTargetState(_ state: TargetState) async throws
}

/// The outbox as people read and repair it: the console's case page, `minqing outbox`, the replay of dead letters.
///
/// Contract (`CaseStoreConformance.outboxChecks`): reads never change delivery state; `replayNotifications`
/// changes only dead or retrying rows.
public protocol OutboxLedger: Sendable {
    func outboxEntries(state: OutboxEntry.State?, limit: Int) async throws -> [OutboxEntry]
    func outboxEntry(id: String) async throws -> OutboxEntry?
    /// Every attempt of one notification, in order.
    func deliveryAttempts(notificationID: String) async throws -> [DeliveryAttempt]
    /// One case's notifications (oldest first), each with its attempts in order — read through the case's index,
    /// whatever the size of the outbox.
    func caseNotifications(_ id: CaseID) async throws -> [CaseNotification]
    /// Puts dead (or retrying) notifications back to `pending`, due at `now`; returns the ids it changed.
    func replayNotifications(_ ids: [String], at now: Date) async throws -> [String]
}

/// The scheduler's side of the outbox: notifications of scheduled jobs, each written once.
///
/// Contract (`CaseStoreConformance.scheduleChecks`, `scheduleReadChecks`).
public protocol ScheduleLedger: Sendable {
    /// Writes the notifications of scheduled jobs in one transaction, each at most once per `(jobKey, target)`:
    /// a key already written (before a restart, or by another instance) is skipped. A case-bound item carries the
    /// case as it is now as its snapshot; an item whose case does not exist is skipped. Returns how many rows
    /// were written.
    func enqueueScheduled(_ items: [ScheduledNotification], at now: Date) async throws -> Int
    /// Which of `keys` have been written (by any instance, before any restart).
    func writtenJobKeys(_ keys: Set<String>) async throws -> Set<String>
    /// The cases a scheduler pass plans for, read through the status index — never the whole ledger: every case
    /// still under its deadline's jobs (open, not replied or followed up — `CaseRecord.isOverdue` counts escalated
    /// cases too) whose deadline is before `deadlineBefore`, and every replied case (its follow-up call). Any order.
    func scheduleCases(deadlineBefore: Date) async throws -> [CaseRecord]
    /// The open cases of `villages` (a market-day alert lists them), at most `limit` of them by id, and how many
    /// there are in all.
    func openCases(inVillages villages: [String], limit: Int) async throws -> (total: Int, cases: [CaseRecord])
    /// The daily digest's counts, in SQL: open cases, open cases registered in `[from, to)`, and cases closed
    /// (their last change) in `[from, to)`.
    func digestCounts(from: Date, to: Date) async throws -> DigestCounts
}

/// Counts of the daily digest (`ScheduleLedger.digestCounts`).
public struct DigestCounts: Sendable, Hashable {
    public var open: Int
    public var openRegistered: Int
    public var closed: Int

    public init(open: Int, openRegistered: Int, closed: Int) {
        self.open = open
        self.openRegistered = openRegistered
        self.closed = closed
    }
}

extension CaseStatus {
    /// The statuses whose cases still have deadline jobs or count as overdue (`CaseRecord.isOverdue`).
    public static let underDeadline = allCases.filter { $0.isOpen && $0 != .replied && $0 != .followedUp }
    /// The open statuses.
    public static let open = allCases.filter(\.isOpen)
}

/// Where each polled channel is (the mailbox's IMAP cursor); the hotline's file cursors are in `HotlineLedger`.
///
/// Contract (`CaseStoreConformance.cursorChecks`).
public protocol ChannelCursors: Sendable {
    /// The durable IMAP cursor of a configured mailbox; nil before its first poll.
    func mailboxCursor(_ mailbox: String) async throws -> MailboxCursor?
    /// Stores a mailbox's cursor. Within one UIDVALIDITY it only moves forward (a lower `lastUID` keeps the stored
    /// one); a different UIDVALIDITY replaces it. Durable when this returns.
    func saveMailboxCursor(_ cursor: MailboxCursor, at now: Date) async throws
}

/// Where a mailbox poller is in one IMAP folder: every message with a UID up to `lastUID` under `uidValidity`
/// has been stored (its case, or follow-up, is durable).
public struct MailboxCursor: Sendable, Hashable, Codable {
    public var mailbox: String
    public var uidValidity: UInt32
    public var lastUID: UInt32

    public init(mailbox: String, uidValidity: UInt32, lastUID: UInt32) {
        self.mailbox = mailbox
        self.uidValidity = uidValidity
        self.lastUID = lastUID
    }
}


/// One notification a scheduled job sends (reminder, overdue notice, market-day alert, digest).
public struct ScheduledNotification: Sendable, Hashable {
    public var jobKey: String
    /// The case it is about; nil for a market-day alert or digest, which carry `context` instead.
    public var caseID: CaseID?
    public var target: String
    public var event: String
    public var recipients: [String]
    /// Template values as a JSON object, for notifications about no single case.
    public var context: String?

    public init(jobKey: String, caseID: CaseID?, target: String, event: String, recipients: [String], context: String? = nil) {
        self.jobKey = jobKey
        self.caseID = caseID
        self.target = target
        self.event = event
        self.recipients = recipients
        self.context = context
    }
}

/// Filters for the ledger list. All given filters must match.
public struct CaseQuery: Sendable, Hashable {
    public var statuses: [CaseStatus] = []
    public var channel: Channel?
    public var village: String?
    public var category: String?
    public var leader: String?
    public var staff: String?
    /// Registration time range, `from` inclusive, `to` exclusive.
    public var registeredFrom: Date?
    public var registeredTo: Date?
    /// Substring of subject, body, case id or complainant phone.
    public var text: String?
    /// Only open cases whose deadline is before this time.
    public var overdueAt: Date?
    /// Only replied cases still waiting for their follow-up call (回访) whose follow-up deadline is before this
    /// time (`CaseRecord.isFollowUpOverdue(at:)`).
    public var followUpOverdueAt: Date?
    /// Leaves out every case whose `concerns` hold one of these references — the stored forms of one person
    /// (`PeopleIndex.storedForms(of:)`), so nobody sees the cases about them (信访工作条例 第三十条).
    public var excludingConcerns: [String] = []
    /// Whether `text` may match personal data: the complainant's phone, and digits in the subject or body (where
    /// citizens write their numbers). False for a reader who sees cases masked, so a search cannot recover a
    /// masked number digit by digit: such a reader's text matches case ids, and subject or body only without digits.
    public var textMatchesPII: Bool = true
    public var limit: Int = 50
    /// Rows skipped before the page (after `cursor`, if given): cheap only for the first pages — deeper pages use
    /// `cursor`.
    public var offset: Int = 0
    /// Start after this case in the list's order (the `nextCursor` of the previous page).
    public var cursor: CaseCursor?
    /// Count matches up to this many (nil: `defaultTotalCap`, or `textTotalCap` when searching text).
    public var totalCap: Int?

    public static let maxLimit = 500
    /// The deepest page start by `offset`; deeper pages are read by `cursor` (the API refuses a deeper offset, the
    /// console clamps it). 10,000 rows of an index are read in a few milliseconds.
    public static let maxOffset = 10_000
    /// The longest search text: longer text is refused before it reaches SQL (docs/parsing.md).
    public static let maxTextLength = 200
    /// How far a list counts its matches: a count reads at most this many index entries ("10000+" beyond).
    public static let defaultTotalCap = 10_000
    /// How far a text search counts: each counted match is a case read and re-checked, so fewer.
    public static let textTotalCap = 1_000

    /// True when a filter other than the text narrows the list (status, channel, village, category, people, dates,
    /// overdue): a common text's matches are then counted along that filter's index rather than the text index's.
    public var hasListFilter: Bool {
        !statuses.isEmpty || channel != nil || village != nil || category != nil || leader != nil || staff != nil
            || registeredFrom != nil || registeredTo != nil || overdueAt != nil || followUpOverdueAt != nil
    }

    /// The cap this query counts to.
    public var effectiveTotalCap: Int {
        max(1, min(totalCap ?? ((text?.isEmpty ?? true) ? Self.defaultTotalCap : Self.textTotalCap), 100_000))
    }

    public init() {}

    /// `text` when it is short enough to search for, otherwise a `FieldError` for the `q` parameter.
    public static func checkedText(_ text: String) throws(FieldError) -> String {
        try Checked.text(text, field: "q", maxCharacters: maxTextLength)
    }
}

/// A notification of one case with its delivery attempts.
public struct CaseNotification: Sendable, Hashable {
    public var entry: OutboxEntry
    public var attempts: [DeliveryAttempt]

    public init(entry: OutboxEntry, attempts: [DeliveryAttempt]) {
        self.entry = entry
        self.attempts = attempts
    }
}

/// One page of the ledger, newest registration first, with the number of all matches (up to the query's cap).
public struct CasePage: Sendable, Hashable {
    /// The number of matches, or the cap when there are more (`totalCapped`).
    public var total: Int
    public var items: [CaseRecord]
    /// True when there are more than `total` matches.
    public var totalCapped: Bool
    /// Where the next page starts; nil when no match follows this page.
    public var nextCursor: CaseCursor?

    public init(total: Int, items: [CaseRecord], totalCapped: Bool = false, nextCursor: CaseCursor? = nil) {
        self.total = total
        self.items = items
        self.totalCapped = totalCapped
        self.nextCursor = nextCursor
    }
}

/// A raw inbound message as kept next to its case.
public struct StoredMessage: Sendable, Hashable {
    public var channel: Channel
    public var sourceRef: String
    public var caseID: CaseID
    public var registeredAt: Date
    public var contentType: String
    public var raw: Data
}

/// Store errors a caller can act on.
public enum CaseStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    case caseNotFound(CaseID)
    /// A stored value this version does not know (`place` is `table.column`): written by a newer version sharing the
    /// database, or edited by hand. The read fails instead of the process.
    case unreadableValue(place: String, value: String)

    public var description: String {
        switch self {
        case .caseNotFound(let id): "案件 \(id) 不存在，请核对编号"
        case .unreadableValue(let place, let value):
            "台账中 \(place) 的值「\(value.prefix(80))」无法识别：可能是更新版本的民情通写入的，或被手工修改过。"
                + "请让连接这个数据库的所有实例使用同一版本（或更新本实例），手工修改过的请从备份恢复该行。"
        }
    }

    /// `T(rawValue: raw)` of a value read from `place` (`table.column`), or `unreadableValue`.
    public static func stored<T: RawRepresentable>(_ raw: T.RawValue, as _: T.Type, at place: String) throws -> T
    where T.RawValue == String {
        guard let value = T(rawValue: raw) else { throw unreadableValue(place: place, value: raw) }
        return value
    }

    /// A case id read from `place`, or `unreadableValue`.
    public static func storedCaseID(_ raw: String, at place: String) throws -> CaseID {
        guard let id = CaseID(raw) else { throw unreadableValue(place: place, value: raw) }
        return id
    }
}

/// How an office's ledger files new cases.
public struct LedgerSettings: Sendable {
    public var caseIDPrefix: String
    public var timeZone: TimeZone
    /// Files new cases (start value; see `rules`).
    public var factory: CaseFactory
    public var planner: any NotificationPlanner
    /// The state machine's policy (start value; see `rules`).
    public var policy: CaseStateMachine.Policy
    /// Notified after every commit that wrote outbox rows (the dispatcher waits on it).
    public var outboxSignal: ChangeSignal
    /// Notified after every commit that created or changed a case — a new deadline, a status that ends or starts
    /// scheduled jobs (the scheduler waits on it). A separate signal: each `ChangeSignal` wakes one consumer's wait.
    public var caseSignal: ChangeSignal
    /// Notified after every commit that queued new cases for repeat detection (the hub's `RepeatDetector` waits on it).
    public var repeatSignal = ChangeSignal()
    /// Related cases and early warnings (`warnings.yaml`); nil: new cases are not compared (start value; see `rules`).
    public var warnings: WarningSettings?
    /// The rules a configuration reload replaces while the store runs (the hub's `HubReloader` sets them). When
    /// given, the store reads `factory`, `policy` and `warnings` from here and ignores the three fields above.
    public var rules: IntakeRulesSlot?
    /// How much rejected hotline/intake input is kept.
    public var rejectedRetention = RejectedRetention()

    public init(
        caseIDPrefix: String = "MQ", timeZone: TimeZone = HubTime.shanghai, factory: CaseFactory = .init(),
        planner: any NotificationPlanner = ClosurePlanner { _ in [] }, policy: CaseStateMachine.Policy = .init(),
        outboxSignal: ChangeSignal = ChangeSignal(), caseSignal: ChangeSignal = ChangeSignal()
    ) {
        self.outboxSignal = outboxSignal
        self.caseSignal = caseSignal
        self.caseIDPrefix = caseIDPrefix
        self.timeZone = timeZone
        self.factory = factory
        self.planner = planner
        self.policy = policy
    }
}

extension CaseLedger {
    /// Applies `action` for `actor` acting on their own behalf.
    public func apply(
        _ action: CaseAction, to id: CaseID, actor: String, expectedVersion: Int?, at now: Date
    ) async throws -> CaseRecord {
        try await apply(action, to: id, actor: actor, onBehalfOf: nil, expectedVersion: expectedVersion, at: now)
    }
}
