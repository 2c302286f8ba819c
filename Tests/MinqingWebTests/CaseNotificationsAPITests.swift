import Foundation
import Hummingbird
import HummingbirdTesting
import MinqingCore
import MinqingStore
import Testing

@Suite("Case API: a case's notifications")
struct CaseNotificationsAPITests {
    /// A new case goes to the office's WeCom group, its cadre by e-mail and the citizen by SMS.
    static let planner = ClosurePlanner { change in
        guard change.event.action == "received" else { return [] }
        return [OutboxDraft(target: "office-wecom", event: "case.created"),
                OutboxDraft(target: "staff-email", event: "case.created", recipients: ["chen-zhiqiang"]),
                OutboxDraft(target: "citizen-sms", event: "case.created", recipients: [Contact.complainantKey])]
    }

    @Test("GET /api/v1/cases/{id} lists each notification with target, recipient kind, state, attempts and times; recipients and errors only with read_pii")
    func listed() async throws {
        let hub = try TestHub(planner: Self.planner)
        let t0 = hub.clock.now()
        try await hub.test { client in
            var m = sampleMessage
            m["source_ref"] = "N-1"
            let id = try decode(try await client.execute(uri: "/api/v1/messages", method: .post, headers: auth, body: json(m)))["case_id"] as! String
            // The SMS gateway refuses the number once (its error names it); the WeCom post is delivered.
            let claimed = try await hub.store.claimNotifications(dueAt: t0, leaseUntil: t0.addingTimeInterval(60),
                                                                 limits: ["citizen-sms": 1, "office-wecom": 1])
            let sms = try #require(claimed.first { $0.target == "citizen-sms" })
            let wecom = try #require(claimed.first { $0.target == "office-wecom" })
            try await hub.store.recordDeliveries([
                DeliveryRecord(attempt: DeliveryAttempt(notificationID: sms.id, target: sms.target, number: 1, startedAt: t0, result: .rateLimited),
                               state: .retrying, nextAttemptAt: t0.addingTimeInterval(30),
                               lastError: "LimitExceeded.PhoneNumberThirtySecondLimit: +8613812345678"),
                DeliveryRecord(attempt: DeliveryAttempt(notificationID: wecom.id, target: wecom.target, number: 1, startedAt: t0, result: .delivered),
                               state: .delivered),
            ])

            let full = try decode(try await client.execute(uri: "/api/v1/cases/\(id)", method: .get, headers: auth))
            let rows = try #require(full["notifications"] as? [[String: Any]])
            let byTarget = Dictionary(uniqueKeysWithValues: rows.map { ($0["target"] as! String, $0) })
            #expect(Set(byTarget.keys) == ["office-wecom", "staff-email", "citizen-sms"])
            #expect(byTarget["office-wecom"]?["recipient_kind"] as? String == "group")
            #expect(byTarget["office-wecom"]?["state"] as? String == "delivered")
            #expect(byTarget["office-wecom"]?["delivered_at"] as? String == "2026-11-22T09:30:00+08:00")
            #expect(byTarget["office-wecom"]?["next_attempt_at"] == nil)
            #expect(byTarget["staff-email"]?["recipient_kind"] as? String == "people")
            #expect(byTarget["staff-email"]?["recipients"] as? [String] == ["chen-zhiqiang"])
            #expect(byTarget["staff-email"]?["attempts"] as? Int == 0 && byTarget["staff-email"]?["state"] as? String == "pending")
            let citizen = try #require(byTarget["citizen-sms"])
            #expect(citizen["recipient_kind"] as? String == "citizen" && citizen["recipients"] as? [String] == ["complainant"])
            #expect(citizen["state"] as? String == "retrying" && citizen["attempts"] as? Int == 1)
            #expect(citizen["next_attempt_at"] as? String == "2026-11-22T09:30:30+08:00")
            #expect((citizen["last_error"] as? String)?.contains("ThirtySecondLimit") == true)

            // The demo token reads without read_pii: kinds, states and times, no recipients, no errors.
            let masked = try await client.execute(uri: "/api/v1/cases/\(id)", method: .get,
                                                  headers: ExampleTokens.headers(ExampleTokens.demo))
            #expect(masked.status == .ok)
            let text = String(buffer: masked.body)
            #expect(!text.contains("13812345678") && !text.contains("ThirtySecondLimit") && !text.contains("last_error"))
            let plain = try #require(try decode(masked)["notifications"] as? [[String: Any]])
            #expect(plain.count == 3 && plain.allSatisfy { $0["recipients"] == nil && $0["state"] != nil && $0["recipient_kind"] != nil })
        }
    }
}
