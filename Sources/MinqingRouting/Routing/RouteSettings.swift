import MinqingCore

/// What a route decides. Unset fields are left to later routes, then to the tree's defaults. A child route's
/// settings override its parent's.
public struct RouteSettings: Sendable, Hashable {
    public var leader: Assignee?
    public var staff: Assignee?
    public var deadline: DeadlineSpan?
    public var priority: Priority?
    public var severity: Severity?
    /// Notification targets (names in `minqing.yaml`) told about the new case.
    public var notify: [String] = []
    /// Escalation policy name (`schedules.yaml`).
    public var escalation: String?

    public init(
        leader: Assignee? = nil, staff: Assignee? = nil, deadline: DeadlineSpan? = nil, priority: Priority? = nil,
        severity: Severity? = nil, notify: [String] = [], escalation: String? = nil
    ) {
        self.leader = leader
        self.staff = staff
        self.deadline = deadline
        self.priority = priority
        self.severity = severity
        self.notify = notify
        self.escalation = escalation
    }

    /// `self` with every field `child` sets replaced; notification targets are added.
    func overlaid(by child: RouteSettings) -> RouteSettings {
        var out = self
        out.leader = child.leader ?? leader
        out.staff = child.staff ?? staff
        out.deadline = child.deadline ?? deadline
        out.priority = child.priority ?? priority
        out.severity = child.severity ?? severity
        out.escalation = child.escalation ?? escalation
        for target in child.notify where !out.notify.contains(target) { out.notify.append(target) }
        return out
    }
}
