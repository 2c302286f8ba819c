import Foundation
import Hummingbird
import HummingbirdTesting
import MinqingCore
import MinqingStore
import Testing

@Suite("Dashboard and monthly report")
struct DashboardTests {
    /// Four cases: one replied on time and rated 满意, one replied late and rated 不满意 then re-rated 基本满意 never
    /// (stays reopened), one overdue without reply, one rejected.
    func seed(_ hub: TestHub) async throws -> [CaseID] {
        let ids = try await hub.value { client in
            var ids: [String] = []
            for i in 0..<4 {
                let r = try await hub.submitForm(client, change: ["phone": "1370000000\(i)", "subject": "诉求\(i)", "category": i < 2 ? "roads" : "land"], ip: "10.2.\(i).1")
                ids.append(firstMatch(#"id="case-id">([^<]+)<"#, in: String(buffer: r.body)) ?? "")
            }
            return ids
        }.compactMap(CaseID.init)
        let s = hub.store, t0 = hub.clock.now(), day: TimeInterval = 86_400
        func apply(_ a: CaseAction, _ id: CaseID, at: Date) async throws { _ = try await s.apply(a, to: id, actor: "wang-li", expectedVersion: nil, at: at) }
        for id in ids.prefix(3) {
            try await apply(.accept(note: nil), id, at: t0)
            try await apply(.assign(Assignment(leader: "sun-wei", staff: "chen-zhiqiang", deadline: t0 + 2 * day)), id, at: t0)
        }
        try await apply(.reply(outcome: .resolved, text: "已修复"), ids[0], at: t0 + day)
        try await apply(.followUp(satisfaction: .satisfied, note: nil), ids[0], at: t0 + day)
        try await apply(.reply(outcome: .explained, text: "已解释"), ids[1], at: t0 + 3 * day)
        try await apply(.followUp(satisfaction: .unsatisfied, note: nil), ids[1], at: t0 + 3 * day)
        try await apply(.reject(reason: "不属于本镇职责"), ids[3], at: t0)
        hub.clock.advance(by: 4 * day)
        return ids
    }

    @Test("rates: reply 2/3, on time 1/3, satisfaction 1/2; counts by category; overdue list; SVG drawn by the hub")
    func dashboard() async throws {
        let hub = try TestHub()
        try await hub.addUser("liu-jianguo")
        let ids = try await seed(hub)
        try await hub.test { client in
            let cookie = try await hub.login(client, "liu-jianguo")
            let html = String(buffer: try await client.execute(uri: "/console/dashboard?from=2026-11-01&to=2026-11-30", method: .get, headers: [.cookie: cookie]).body)
            #expect(html.contains("id=\"total\">4<"))
            #expect(html.contains("66.7%（2/3）"), "reply rate")
            #expect(html.contains("33.3%（1/3）"), "on-time rate")
            #expect(html.contains("50.0%（1/2）"), "satisfaction rate")
            #expect(html.contains("<svg") && html.contains("道路交通"))
            let overdue = firstMatch(#"id="overdue-list">([\s\S]*?)</table>"#, in: html) ?? ""
            #expect(overdue.contains(ids[2].description) && !overdue.contains(ids[0].description))
            let report = String(buffer: try await client.execute(uri: "/console/report?month=2026-11", method: .get, headers: [.cookie: cookie]).body)
            #expect(report.contains("群众诉求办理月度报表") && report.contains("2026 年 11 月") && report.contains("id=\"total\">4<"))
            let empty = String(buffer: try await client.execute(uri: "/console/report?month=2026-10", method: .get, headers: [.cookie: cookie]).body)
            #expect(empty.contains("id=\"total\">0<") && empty.contains("—"))
            let anonymous = try await client.execute(uri: "/console/dashboard", method: .get)
            #expect(anonymous.status == .seeOther)
        }
    }
}
