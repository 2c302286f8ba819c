import Foundation
import MinqingCore
import MinqingDispatch
import Testing

/// `recipients: [complainant]`: who the citizen is, per target medium, and when they get nothing.
@Suite("Notification rules addressing the citizen")
struct CitizenPlannerTests {
    static let planner = RulePlanner(
        rules: [
            .init(events: [.replied], targets: [("staff-email", true)], recipients: [.responsible]),
            .init(events: [.replied], targets: [("citizen-sms", true), ("staff-email", true)], recipients: [.complainant]),
        ],
        village: { _ in nil }, citizenReach: ["citizen-sms": .sms, "staff-email": .email])

    static func replied(phone: String? = "13812345678", email: String? = "zhangxiuying@qq.com", optOut: Bool? = nil) -> CaseChange {
        var r = CaseRecord(
            id: CaseID("MQ-20261123-0003")!, channel: .webform, sourceRef: "form:1", receivedAt: Date(timeIntervalSince1970: 0),
            registeredAt: Date(timeIntervalSince1970: 0), complainant: Complainant(name: "张秀英", phone: phone, email: email),
            subject: "垃圾清运", body: "村口垃圾堆积")
        r.staff = "chen-zhiqiang"
        r.status = .replied
        r.citizenOptOut = optOut
        let event = AuditEvent(caseID: r.id, at: Date(timeIntervalSince1970: 0), actor: "wang-li", action: "reply", from: .inProgress, to: .replied)
        return CaseChange(before: r, after: r, event: event)
    }

    @Test("a reply goes to the staff by e-mail and, separately, to the citizen by SMS and by e-mail — named #complainant, never by number")
    func bothAudiences() {
        let drafts = Self.planner.plan(for: Self.replied())
        #expect(drafts == [
            OutboxDraft(target: "staff-email", event: "case.replied", recipients: ["chen-zhiqiang"]),
            OutboxDraft(target: "citizen-sms", event: "case.replied", recipients: [Contact.complainantKey]),
            OutboxDraft(target: "staff-email", event: "case.replied", recipients: [Contact.complainantKey]),
        ])
    }

    @Test("no SMS to a landline or a missing phone, no e-mail without an address, nothing after an opt-out")
    func unreachable() {
        func citizen(_ change: CaseChange) -> [String] {
            Self.planner.plan(for: change).filter { Contact.isCitizen($0.recipients) }.map(\.target)
        }
        #expect(citizen(Self.replied(phone: "0731-84561234")) == ["staff-email"])
        #expect(citizen(Self.replied(phone: nil, email: nil)) == [])
        #expect(citizen(Self.replied(email: "张秀英")) == ["citizen-sms"])
        #expect(citizen(Self.replied(optOut: true)) == [])
        #expect(Self.planner.plan(for: Self.replied(optOut: true)).map(\.target) == ["staff-email"], "staff are still told")
    }
}
