import Foundation

/// Who is responsible and by when (三定).
public struct Assignment: Sendable, Codable, Hashable {
    public var leader: String
    public var staff: String
    public var deadline: Date

    public init(leader: String, staff: String, deadline: Date) {
        self.leader = leader
        self.staff = staff
        self.deadline = deadline
    }
}

/// A clerk's correction of how a case is filed. Nil fields stay as they are.
public struct Classification: Sendable, Codable, Hashable {
    public var village: String?
    public var category: String?
    public var priority: Priority?
    public var severity: Severity?
    public var level: CaseLevel?
    /// People or units the complaint is about (replaces the list when given).
    public var concerns: [String]?
    /// True: the complainant wants no SMS or e-mail about the case (`CaseRecord.citizenOptOut`); false lifts it.
    public var citizenOptOut: Bool?

    public init(
        village: String? = nil, category: String? = nil, priority: Priority? = nil,
        severity: Severity? = nil, level: CaseLevel? = nil, concerns: [String]? = nil, citizenOptOut: Bool? = nil
    ) {
        self.citizenOptOut = citizenOptOut
        self.village = village
        self.category = category
        self.priority = priority
        self.severity = severity
        self.level = level
        self.concerns = concerns
    }
}

/// Everything that can be done to a case. `CaseStateMachine` decides when each is legal.
public enum CaseAction: Sendable, Hashable {
    case accept(note: String?)
    /// 不予受理, with the reason told to the complainant.
    case reject(reason: String)
    /// 告知其他途径: the matter belongs to another channel (court, arbitration …).
    case refer(to: String, reason: String)
    case assign(Assignment)
    /// 改派.
    case reassign(Assignment, reason: String)
    case start
    /// 延期: a new deadline, approved by the office's head (信访工作条例 art. 34).
    case extend(until: Date, reason: String, approver: String)
    /// Progress note (四包 checklist items go here); changes no state.
    case note(text: String)
    case classify(Classification)
    /// 上报: to a county office.
    case escalate(to: String, reason: String)
    /// The county office acknowledged an escalated case.
    case acknowledge(by: String, note: String?)
    /// The county office returned an escalated case to the township.
    case returnToTownship(reason: String)
    case reply(outcome: Outcome, text: String)
    /// 回访: `unsatisfied` sends the case back (发回重办).
    case followUp(satisfaction: Satisfaction, note: String?)
    case close(note: String?)
    case reopen(reason: String)
    /// 并单: this case is folded into another.
    case merge(into: CaseID, reason: String?)

    public var kind: Kind {
        switch self {
        case .accept: .accept
        case .reject: .reject
        case .refer: .refer
        case .assign: .assign
        case .reassign: .reassign
        case .start: .start
        case .extend: .extend
        case .note: .note
        case .classify: .classify
        case .escalate: .escalate
        case .acknowledge: .acknowledge
        case .returnToTownship: .returnToTownship
        case .reply: .reply
        case .followUp: .followUp
        case .close: .close
        case .reopen: .reopen
        case .merge: .merge
        }
    }

    /// The action names used by the API, CLI and audit trail.
    public enum Kind: String, Sendable, Codable, CaseIterable, Hashable {
        case accept, reject, refer, assign, reassign, start, extend, note, classify, escalate, acknowledge
        case returnToTownship = "return"
        case reply
        case followUp = "follow_up"
        case close, reopen, merge

        public var displayName: String {
            switch self {
            case .accept: "受理"
            case .reject: "不予受理"
            case .refer: "告知其他途径"
            case .assign: "交办（三定）"
            case .reassign: "改派"
            case .start: "开始办理"
            case .extend: "延期"
            case .note: "添加进展"
            case .classify: "更正分类"
            case .escalate: "上报"
            case .acknowledge: "上级签收"
            case .returnToTownship: "上级退回"
            case .reply: "答复"
            case .followUp: "回访"
            case .close: "办结"
            case .reopen: "重办"
            case .merge: "并单"
            }
        }
    }
}
