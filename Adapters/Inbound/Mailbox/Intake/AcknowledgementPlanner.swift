import MinqingCore

/// Queues the receipt (回执) for a new e-mail case: one outbox draft to the configured target, addressed to
/// the sender, with event `case.acknowledged`. The e-mail target renders and sends it (with a `HubMessageID`,
/// so a reply threads back to the case).
///
/// Fires only on the `received` event of a new case on channel `mailbox` whose complainant has an address — never
/// on a follow-up, a transition or a redelivery (a redelivery writes no event), so a sender is told once.
/// Paper letters have no address and get none.
public struct AcknowledgementPlanner: NotificationPlanner {
    public static let event = "case.acknowledged"

    public var enabled: Bool
    public var target: String

    public init(enabled: Bool = true, target: String = "email") {
        self.enabled = enabled
        self.target = target
    }

    public func plan(for change: CaseChange) -> [OutboxDraft] {
        guard enabled, change.before == nil, change.event.action == "received", change.after.channel == .mailbox,
              let address = change.after.complainant.email?.nonEmpty, address.contains("@")
        else { return [] }
        return [OutboxDraft(target: target, event: Self.event, recipients: [address])]
    }
}
