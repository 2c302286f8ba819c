import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MinqingCore
import MinqingStore
import MinqingWeb
import Testing

@Suite("Console and API: follow-up (回访) overdue")
struct FollowUpConsoleTests {
    @Test("a replied case past its follow-up deadline is badged and filtered in the ledger and the API; recording the follow-up clears it")
    func followUpOverdue() async throws {
        let hub = try TestHub()
        try await hub.addUser("wang-li")
        let id = try await ConsoleTests().assignedCase(hub)
        // Replied Sun 2026-11-22 09:30: the example's 2 working days end Tue 11-24 17:30.
        let replied = try await hub.store.apply(.reply(outcome: .resolved, text: "已协调施工方拆除违建围墙。"), to: id, actor: "chen-zhiqiang",
                                                expectedVersion: nil, at: hub.clock.now())
        #expect(replied.followUpDue == Date(iso: "2026-11-24T17:30:00+08:00"))
        try await hub.test { client in
            var cookie = try await hub.login(client, "wang-li")
            func get(_ uri: String) async throws -> String {
                String(buffer: try await client.execute(uri: uri, method: .get, headers: [.cookie: cookie]).body)
            }
            let early = try await get("/console?follow_up_overdue=1")
            #expect(early.contains("共 0 件"))
            #expect(try await get("/console/cases/\(id)").contains("2026-11-24 17:30"))
            hub.clock.advance(by: 3 * 86_400)  // Wed 11-25 09:30
            cookie = try await hub.login(client, "wang-li")  // a new working day, a new session
            let late = try await get("/console?follow_up_overdue=1")
            #expect(late.contains("共 1 件") && late.contains(id.description) && late.contains("回访逾期"))
            #expect(try await get("/console/cases/\(id)").contains("回访逾期"))
            let api = try await client.execute(uri: "/api/v1/cases?follow_up_overdue=2026-11-25T09:00:00%2B08:00", method: .get,
                                               headers: ExampleTokens.headers(ExampleTokens.office))
            #expect(api.status == .ok)
            #expect(String(buffer: api.body).contains("\"total\":1"))
            let bad = try await client.execute(uri: "/api/v1/cases?follow_up_overdue=soon", method: .get,
                                               headers: ExampleTokens.headers(ExampleTokens.office))
            #expect(bad.status == .badRequest && String(buffer: bad.body).contains("follow_up_overdue"))

            let recorded = try await hub.act(client, cookie: cookie, case: id.description,
                                             [("action", "follow_up"), ("satisfaction", "satisfied"), ("note", "电话回访，群众满意")])
            #expect(recorded.status == .seeOther || recorded.status == .found)
            #expect(try await get("/console?follow_up_overdue=1").contains("共 0 件"))
            #expect(try await hub.store.fetchCase(id)?.status == .followedUp)
        }
    }
}
