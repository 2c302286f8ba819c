import MinqingCore

/// Sends the case packet (`case.forwarded`) when a case is escalated (上报) to a county office that has a
/// forwarding target (`escalation:` steps in `schedules.yaml`), whether the scheduler or a clerk escalated it.
/// Pure: it runs inside the store's transaction, so the packet is written with the transition.
public struct ForwardPlanner: NotificationPlanner {
    /// County office code → target that receives its case packets (a webhook, e-mail, another hub's intake).
    public var targets: [String: String]

    public init(targets: [String: String]) { self.targets = targets }

    public func plan(for change: CaseChange) -> [OutboxDraft] {
        guard change.event.action == CaseAction.Kind.escalate.rawValue, let office = change.after.escalatedTo,
              let target = targets[office]
        else { return [] }
        return [OutboxDraft(target: target, event: NotificationEvent.forwarded.rawValue)]
    }
}
