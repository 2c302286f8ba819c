/// The states of a case (DESIGN.md §3). Legal moves between them are decided in one place: `CaseStateMachine`.
public enum CaseStatus: String, Sendable, Codable, CaseIterable, Hashable {
    case received
    case accepted
    case assigned
    case inProgress = "in_progress"
    case replied
    case followedUp = "followed_up"
    case closed
    case rejected
    case referred
    case escalated
    case merged
    case reopened

    public var displayName: String {
        switch self {
        case .received: "登记"
        case .accepted: "受理"
        case .assigned: "已交办"
        case .inProgress: "办理中"
        case .replied: "已答复"
        case .followedUp: "已回访"
        case .closed: "办结"
        case .rejected: "不予受理"
        case .referred: "告知其他途径"
        case .escalated: "已上报"
        case .merged: "已并单"
        case .reopened: "重办"
        }
    }

    /// A case in a terminal state takes no further action except notes (and, for `closed`, a reopen).
    public var isOpen: Bool {
        switch self {
        case .closed, .rejected, .referred, .merged: false
        default: true
        }
    }
}
