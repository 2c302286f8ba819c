import Foundation
import MinqingCore

/// One thing the scheduler must do, with a key that is the same however often it is computed: the store writes
/// each key at most once, so a restart neither repeats a job nor (since due jobs stay due) misses one.
public struct DueJob: Sendable, Hashable {
    public enum Action: Sendable, Hashable {
        /// 办理提醒 before the deadline (`case.reminder`).
        case remind(CaseID)
        /// 超期督办 to the leader or the principal leaders (`case.overdue`).
        case overdue(CaseID, level: EscalationPolicy.Level)
        /// 上报: forward the case to a county office (the state machine's `escalate`; its packet goes to `target`).
        case forward(CaseID, office: String, target: String)
        /// 回访提醒: the follow-up call of a replied case falls due (`case.follow_up_due`).
        case followUpDue(CaseID)
        /// 赶集日接访 alert (`market.duty`), the evening before or the morning of.
        case marketDuty(market: String, day: CivilDay, evening: Bool)
        /// 每日汇总 (`digest.daily`).
        case digest(CivilDay)
    }

    /// Stable identity: `remind:MQ-20261201-0001:1764662400`, `market:qingshan-market:2026-12-11:evening` …
    public var key: String
    public var due: Date
    public var action: Action
    /// Notification targets and person ids to address (empty for `forward`).
    public var targets: [String]
    public var recipients: [String]

    public init(key: String, due: Date, action: Action, targets: [String], recipients: [String]) {
        self.key = key
        self.due = due
        self.action = action
        self.targets = targets
        self.recipients = recipients
    }

    /// The event kind of the notification the job sends; nil for `forward` (its notice comes from the transition).
    public var event: NotificationEvent? {
        switch action {
        case .remind: .reminder
        case .overdue: .overdue
        case .forward: nil
        case .followUpDue: .followUpDue
        case .marketDuty: .marketDuty
        case .digest: .dailyDigest
        }
    }

    public var caseID: CaseID? {
        switch action {
        case .remind(let id), .overdue(let id, _), .forward(let id, _, _), .followUpDue(let id): id
        case .marketDuty, .digest: nil
        }
    }
}
