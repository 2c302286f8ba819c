import Foundation
import Hummingbird
import HummingbirdTesting
import MinqingCore
import Testing

/// A citizen's "no messages" choice, at intake and later by a clerk, is a case attribute in the ledger.
@Suite("Citizen opt-out of SMS and e-mail")
struct CitizenOptOutTests {
    @Test("the form's 不用短信通知我 box and the API's no_messages mark the case; an unticked form does not")
    func atIntake() async throws {
        let hub = try TestHub()
        try await hub.test { client in
            let form = try await hub.submitForm(client, change: ["no_messages": "yes"])
            #expect(form.status == .created)
            var message = sampleMessage
            message["no_messages"] = true
            let api = try await client.execute(uri: "/api/v1/messages", method: .post, headers: auth, body: json(message))
            #expect(api.status == .created)
            var other = sampleMessage
            other["source_ref"] = "form-20261122-0099"
            let plain = try await client.execute(uri: "/api/v1/messages", method: .post, headers: auth, body: json(other))
            #expect(plain.status == .created)
        }
        let cases = try await hub.store.searchCases(.init()).items
        #expect(cases.count == 3)
        let byChannelRef = Dictionary(uniqueKeysWithValues: cases.map { ($0.sourceRef, $0.citizenOptOut) })
        #expect(byChannelRef[sampleMessage["source_ref"] as! String] == true, "API no_messages: true")
        #expect(byChannelRef["form-20261122-0099"] == .some(nil), "not asked: messages allowed")
        #expect(cases.filter { $0.channel == .webform && $0.sourceRef != "form-20261122-0099" && $0.sourceRef != sampleMessage["source_ref"] as! String }
            .allSatisfy { $0.citizenOptOut == true }, "form box ticked")
        let trail = try await hub.store.auditTrail(of: try #require(cases.first { $0.citizenOptOut == true }).id)
        #expect(trail.first?.details["no_messages"] == "true", "the choice is in the case's audit trail")
    }

    @Test("a clerk records and lifts the opt-out with classify no_messages; a wrong value names the field and the choices")
    func byClerk() throws {
        let fields: [String: ActionField] = ["no_messages": .text("true")]
        #expect(try CaseAction(kind: .classify, fields: fields, timeZone: HubTime.shanghai) == .classify(Classification(citizenOptOut: true)))
        #expect(try CaseAction(kind: .classify, fields: ["no_messages": .text("否")], timeZone: HubTime.shanghai)
            == .classify(Classification(citizenOptOut: false)))
        let error = #expect(throws: TransitionError.self) {
            try CaseAction(kind: .classify, fields: ["no_messages": .text("maybe")], timeZone: HubTime.shanghai)
        }
        #expect("\(String(describing: error))".contains("no_messages"))
        var record = CaseRecord(id: CaseID("MQ-20261122-0001")!, channel: .webform, sourceRef: "f", receivedAt: Date(), registeredAt: Date(),
                                subject: "s", body: "b")
        let (optedOut, event) = try CaseStateMachine.apply(.classify(Classification(citizenOptOut: true)), to: record, actor: "wang-li", at: Date())
        #expect(optedOut.citizenOptOut == true && event.details["no_messages"] == "true")
        record = optedOut
        let (lifted, _) = try CaseStateMachine.apply(.classify(Classification(citizenOptOut: false)), to: record, actor: "wang-li", at: Date())
        #expect(lifted.citizenOptOut == nil)
    }

    @Test("the case page marks messages to the citizen as 致群众 and says when the citizen opted out")
    func casePage() async throws {
        let planner = ClosurePlanner { change in
            change.event.action == "received"
                ? [OutboxDraft(target: "citizen-sms", event: "case.created", recipients: [Contact.complainantKey])] : []
        }
        let hub = try TestHub(planner: planner)
        try await hub.addUser("liu-jianguo")
        try await hub.test { client in
            let form = try await hub.submitForm(client, change: ["no_messages": "yes"])
            #expect(form.status == .created)
            let id = try #require(try await hub.store.searchCases(.init()).items.first?.id)
            let cookie = try await hub.login(client, "liu-jianguo")
            let html = String(buffer: try await client.execute(uri: "/console/cases/\(id)", method: .get, headers: [.cookie: cookie]).body)
            #expect(html.contains("<strong>致群众</strong> · citizen-sms"))
            #expect(html.contains("id=\"citizen-opt-out\""))
        }
    }
}
