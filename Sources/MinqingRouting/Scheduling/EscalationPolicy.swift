/// What happens as a deadline approaches and passes (`escalation:` in `schedules.yaml`): a reminder before it,
/// then steps after it — 超期 → the responsible leader → the principal leader → forward to the county.
public struct EscalationPolicy: Sendable, Hashable {
    public enum Level: Sendable, Hashable {
        /// Tell the case's responsible leader (超期督办).
        case leader
        /// Tell the principal leaders (党政主要领导).
        case principalLeader
        /// Forward the case to the county office `office` (上报): the case packet goes to `target`.
        case county(office: String, target: String)
    }

    public struct Step: Sendable, Hashable {
        /// Time after the deadline; nil or zero: as soon as the case is overdue.
        public var after: DeadlineSpan?
        public var level: Level

        public init(after: DeadlineSpan? = nil, level: Level) {
            self.after = after
            self.level = level
        }
    }

    public var name: String
    /// The reminder to the staff and leader this long before the deadline; nil for none.
    public var remindBefore: DeadlineSpan?
    public var steps: [Step]
    /// Targets the reminders and escalation notices go to (e-mail to people, a leaders' group …).
    public var targets: [String]

    public init(name: String, remindBefore: DeadlineSpan?, steps: [Step], targets: [String]) {
        self.name = name
        self.remindBefore = remindBefore
        self.steps = steps
        self.targets = targets
    }
}
