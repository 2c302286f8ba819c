import Foundation

/// The routing decision for a new case (三定 plus what else the rules say), with the reasons people read in the
/// console ("为什么派给他?"). Stored on the case (`CaseRecord.routing`) and in the registration's audit event.
public struct RoutingOutcome: Sendable, Codable, Hashable {
    /// Names of the rules that matched, in the order they were applied.
    public var rules: [String]
    /// One Chinese sentence per step of the decision («匹配规则「土地纠纷」», «承办人员：陈志强（包村干部）»…).
    public var reasons: [String]
    public var leader: String?
    public var staff: String?
    public var deadline: Date?
    public var priority: Priority
    public var severity: Severity
    /// Configured notification targets the rules add for the new case.
    public var notify: [String]
    /// People the rules found the complaint to be about (added to `CaseRecord.concerns`).
    public var concerns: [String]
    /// The escalation policy the rules chose (a name in `schedules.yaml`), if any.
    public var escalation: String?
    /// Things a clerk must check (no leader could be chosen, holiday data missing …), in Chinese.
    public var warnings: [String]
    /// Years the deadline was counted through without holiday data (the case is flagged `deadlineUnreliable`).
    public var missingCalendarYears: [Int] = []

    public init(
        rules: [String] = [], reasons: [String] = [], leader: String? = nil, staff: String? = nil,
        deadline: Date? = nil, priority: Priority = .normal, severity: Severity = .general, notify: [String] = [],
        concerns: [String] = [], escalation: String? = nil, warnings: [String] = []
    ) {
        self.rules = rules
        self.reasons = reasons
        self.leader = leader
        self.staff = staff
        self.deadline = deadline
        self.priority = priority
        self.severity = severity
        self.notify = notify
        self.concerns = concerns
        self.escalation = escalation
        self.warnings = warnings
    }
}

/// Decides 三定 for a new case. Pure: the same record and `now` give the same outcome. It runs inside the store's
/// write transaction (through `CaseFactory`), so the decision commits with the case or not at all.
///
/// Contract: never choose (as leader or staff) a person the record is about (`CaseRecord.isAbout`), nor anyone
/// listed in the outcome's `concerns`.
public protocol CaseRouter: Sendable {
    func route(_ record: CaseRecord, at now: Date) -> RoutingOutcome
}

/// A router from a closure (tests).
public struct ClosureRouter: CaseRouter {
    let body: @Sendable (CaseRecord, Date) -> RoutingOutcome
    public init(_ body: @escaping @Sendable (CaseRecord, Date) -> RoutingOutcome) { self.body = body }
    public func route(_ record: CaseRecord, at now: Date) -> RoutingOutcome { body(record, now) }
}

extension CaseRecord {
    /// Applies a routing outcome to a new case: priority, severity, 三定, concerns; the outcome is kept on the case.
    /// Returns the audit details that describe it.
    public mutating func applyRouting(_ outcome: RoutingOutcome) -> [String: String] {
        priority = outcome.priority
        severity = outcome.severity
        leader = outcome.leader
        staff = outcome.staff
        deadline = outcome.deadline
        for person in outcome.concerns where !concerns.contains(person) { concerns.append(person) }
        routing = outcome
        if !outcome.missingCalendarYears.isEmpty, !flags.contains(.deadlineUnreliable) { flags.append(.deadlineUnreliable) }
        var details: [String: String] = ["routing": outcome.reasons.joined(separator: "；")]
        if !outcome.rules.isEmpty { details["routing.rules"] = outcome.rules.joined(separator: ",") }
        if let leader { details["leader"] = leader }
        if let staff { details["staff"] = staff }
        if let deadline { details["deadline"] = HubTime.iso(deadline) }
        if priority == .urgent { details["priority"] = priority.rawValue }
        if severity == .major { details["severity"] = severity.rawValue }
        if !outcome.concerns.isEmpty { details["concerns"] = concerns.joined(separator: "、") }
        if !outcome.warnings.isEmpty { details["routing.warnings"] = outcome.warnings.joined(separator: "；") }
        return details
    }
}
