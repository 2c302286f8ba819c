import MinqingCore

/// Reports a 12345 work order's progress back to the city platform: when its case is replied (答复) or closed
/// (办结), an outbox row for the configured target (`case.replied` / `case.closed`), written in the same
/// transaction as the change. The dispatcher delivers it.
public struct WorkOrderPlanner: NotificationPlanner {
    public var target: String

    public init(target: String) { self.target = target }

    public static func isWorkOrder(_ record: CaseRecord) -> Bool {
        record.channel == .hotline && record.sourceRef.hasPrefix(WorkOrder.sourceRefPrefix)
    }

    public func plan(for change: CaseChange) -> [OutboxDraft] {
        guard Self.isWorkOrder(change.after), change.before?.status != change.after.status else { return [] }
        switch change.after.status {
        case .replied: return [OutboxDraft(target: target, event: "case.replied")]
        case .closed: return [OutboxDraft(target: target, event: "case.closed")]
        default: return []
        }
    }
}
