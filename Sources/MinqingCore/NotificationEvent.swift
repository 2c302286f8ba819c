/// The kinds of notification the hub sends; each has one template (`templates/<event>.mustache`).
public enum NotificationEvent: String, Sendable, Codable, CaseIterable, Hashable {
    case created = "case.created"
    case assigned = "case.assigned"
    case reminder = "case.reminder"
    case overdue = "case.overdue"
    case escalated = "case.escalated"
    case forwarded = "case.forwarded"
    case message = "case.message"
    case replied = "case.replied"
    case closed = "case.closed"
    case reopened = "case.reopened"
    /// 回访提醒: a replied case's follow-up call is due (sent by the scheduler to the clerk who makes it).
    case followUpDue = "case.follow_up_due"
    /// The receipt a citizen gets for a letter or e-mail (民情信箱 回执).
    case acknowledged = "case.acknowledged"
    case marketDuty = "market.duty"
    case dailyDigest = "digest.daily"
    /// An early warning (预警): a cluster of cases met a rule of `warnings.yaml`.
    case warningRaised = "warning.raised"
    /// A case joined the cluster of a warning already raised.
    case warningUpdated = "warning.updated"

    public var displayName: String {
        switch self {
        case .created: "新案件"
        case .assigned: "交办"
        case .reminder: "办理提醒"
        case .overdue: "超期督办"
        case .escalated: "上报"
        case .forwarded: "转县级办理"
        case .message: "群众补充"
        case .replied: "已答复"
        case .closed: "已办结"
        case .reopened: "发回重办"
        case .followUpDue: "回访提醒"
        case .acknowledged: "受理回执"
        case .marketDuty: "赶集日接访"
        case .dailyDigest: "每日汇总"
        case .warningRaised: "预警"
        case .warningUpdated: "预警更新"
        }
    }

    /// The event a case change announces, from its audit action; nil for changes nobody is told about
    /// (notes, classification fixes).
    public init?(auditAction action: String) {
        switch action {
        case "received": self = .created
        case "assign", "reassign": self = .assigned
        case "escalate": self = .escalated
        case CaseFactory.followUpAction: self = .message
        case "reply": self = .replied
        case "close": self = .closed
        case "reopen": self = .reopened
        default: return nil
        }
    }
}
