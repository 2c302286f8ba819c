import Foundation
import MinqingCore
import MinqingStore

/// One notification of a case as `GET /api/v1/cases/{id}` lists it (docs/api-access.md, "Notifications of a
/// case"): where it went, to whom in kind, its delivery state and times. What was said is not included (the
/// texts are in the case and its audit trail). Without `read_pii` the recipients and the last error are left out:
/// they can hold a citizen's address or mobile (an SMS gateway names the number it refused).
struct CaseNotificationView: Encodable, Equatable {
    /// `citizen` (the complainant themself), `people` (named staff or leaders, by e-mail) or `group` (a robot or
    /// webhook: everyone in it).
    enum RecipientKind: String, Encodable { case citizen, people, group }

    let id: String
    let target: String
    let event: String
    let recipientKind: RecipientKind
    /// Directory ids, `complainant` for the citizen; only with `read_pii`.
    let recipients: [String]?
    let state: OutboxEntry.State
    let attempts: Int
    let createdAt: Date
    /// When the next attempt is due, while one is.
    let nextAttemptAt: Date?
    let lastAttemptAt: Date?
    let deliveredAt: Date?
    /// Only with `read_pii`.
    let lastError: String?

    init(_ n: CaseNotification, showPII: Bool) {
        let e = n.entry
        id = e.id
        target = e.target
        event = e.event
        recipientKind = Contact.isCitizen(e.recipients) ? .citizen : e.recipients.isEmpty ? .group : .people
        recipients = showPII ? e.recipients.map { $0 == Contact.complainantKey ? "complainant" : $0 } : nil
        state = e.state
        attempts = e.attempts
        createdAt = e.createdAt
        nextAttemptAt = [.pending, .retrying].contains(e.state) ? e.nextAttemptAt : nil
        lastAttemptAt = n.attempts.last?.startedAt
        deliveredAt = n.attempts.last { $0.result == .delivered }?.startedAt
        lastError = showPII ? e.lastError : nil
    }
}
