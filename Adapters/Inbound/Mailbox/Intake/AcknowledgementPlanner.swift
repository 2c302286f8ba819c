import MinqingCore

/// Queues the receipt (回执) for a new e-mail case: one outbox draft to the configured target, addressed to
/// the complainant (`Contact.complainantKey`), with event `case.acknowledged`. It is a message to the citizen like
/// the reply: composed from what is theirs to know only, not sent when they opted out, and sent by the e-mail target
/// in the thread of their own letter (`In-Reply-To`/`References` naming its Message-ID) with a `HubMessageID`, so
/// their answer threads back to the case.
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
              change.after.complainant.email?.nonEmpty?.contains("@") == true, change.after.citizenOptOut != true
        else { return [] }
        return [OutboxDraft(target: target, event: Self.event, recipients: [Contact.complainantKey])]
    }
}
