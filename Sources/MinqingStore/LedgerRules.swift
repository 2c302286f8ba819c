import Foundation
import MinqingCore

/// What every store decides the same way around a change, apart from reading and writing its rows.
public enum LedgerRules {
    /// The detail of a reserved send that `DeliveryQueue.releaseLeases(at:)` found still in the future: the hub
    /// stopped before the send's time, so nothing was sent.
    public static let unsentReservation = "民情通在发送时刻之前停止，未发送；已交回重发"

    /// The case a merge action names (the store reads it and passes it to `transition`); nil for other actions.
    public static func mergeTarget(of action: CaseAction) -> CaseID? {
        if case .merge(let into, _) = action { return into }
        return nil
    }

    /// Checks the expected version and a merge's target (`mergeTarget`: the case `mergeTarget(of:)` named, as the
    /// store read it — nil when it does not exist), lets `CaseStateMachine` decide, and records `onBehalfOf` in the
    /// event's details. Throws `TransitionError` and changes nothing on any error.
    public static func transition(
        _ action: CaseAction, from before: CaseRecord, mergeTarget: CaseRecord?, actor: String, onBehalfOf: String?,
        expectedVersion: Int?, at now: Date, policy: CaseStateMachine.Policy
    ) throws -> (after: CaseRecord, event: AuditEvent) {
        if let expectedVersion, expectedVersion != before.version {
            throw TransitionError(.staleVersion(expected: expectedVersion, actual: before.version))
        }
        if let into = self.mergeTarget(of: action) {
            guard let target = mergeTarget else {
                throw TransitionError.invalid("fields.into", "要并入的案件 \(into) 不存在")
            }
            guard target.status != .merged else {
                throw TransitionError.invalid("fields.into", "案件 \(into) 已并入 \(target.mergedInto?.description ?? "其他案件")，请并入最终的案件")
            }
        }
        var (after, event) = try CaseStateMachine.apply(action, to: before, actor: actor, at: now, policy: policy)
        if let onBehalfOf = onBehalfOf?.nonEmpty { event.details["on_behalf_of"] = onBehalfOf }
        return (after, event)
    }

    /// A case after a citizen's further message joined it: the message's new attachments added (by hash), the
    /// version moved on; the status is left for staff to decide.
    public static func followUp(_ existing: CaseRecord, adding refs: [AttachmentRef], at now: Date) -> CaseRecord {
        var after = existing
        after.attachments += refs.filter { ref in !existing.attachments.contains { $0.sha256 == ref.sha256 } }
        after.updatedAt = now
        after.version += 1
        return after
    }
}
