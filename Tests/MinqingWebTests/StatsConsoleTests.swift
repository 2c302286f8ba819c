import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MinqingCore
import MinqingStore
import MinqingWeb
import Testing

@Suite("Console: statistics by village, category, channel and week")
struct StatsConsoleTests {
    @Test("the statistics page and its CSV (UTF-8 BOM, Chinese headers) give each village's, category's, channel's and week's rates")
    func statistics() async throws {
        let hub = try TestHub()
        try await hub.addUser("wang-li")
        let now = hub.clock.now()  // Sun 2026-11-22 09:30
        func file(_ ref: String, _ village: String, _ channel: Channel) async throws -> CaseID {
            let m = InboundMessage(channel: channel, sourceRef: ref, complainant: Complainant(name: "村民", phone: "13800000001"),
                                   village: village, subject: "反映问题", body: "自来水停水两天，请尽快恢复。")
            return try await hub.store.ingest([m], at: now)[0].get().caseID
        }
        let replied = try await file("st-1", "青山村", .webform)
        _ = try await file("st-2", "青山村", .hotline)
        _ = try await file("st-3", "柳塘村", .webform)
        _ = try await hub.store.apply(.accept(note: nil), to: replied, actor: "wang-li", expectedVersion: nil, at: now)
        _ = try await hub.store.apply(.assign(Assignment(leader: "sun-wei", staff: "chen-zhiqiang", deadline: now.addingTimeInterval(86_400))),
                                      to: replied, actor: "wang-li", expectedVersion: nil, at: now)
        _ = try await hub.store.apply(.reply(outcome: .resolved, text: "已恢复供水。"), to: replied, actor: "chen-zhiqiang",
                                      expectedVersion: nil, at: now.addingTimeInterval(3600))
        _ = try await hub.store.apply(.followUp(satisfaction: .satisfied, note: nil), to: replied, actor: "wang-li",
                                      expectedVersion: nil, at: now.addingTimeInterval(7200))
        try await hub.test { client in
            let cookie = try await hub.login(client, "wang-li")
            let page = String(buffer: try await client.execute(uri: "/console/stats", method: .get, headers: [.cookie: cookie]).body)
            #expect(page.contains("id=\"stats-village\"") && page.contains("id=\"stats-week\"") && page.contains("2026 年 11 月"))
            // 青山村: 2 cases, 1 of 2 replied, on time, satisfied; 柳塘村: nothing replied yet.
            #expect(page.contains("<td>青山村</td><td>2</td><td>50.0%（1/2）</td><td>100.0%（1/1）</td><td>100.0%（1/1）</td>"), "\(page)")
            #expect(page.contains("<td>柳塘村</td><td>1</td><td>0.0%（0/1）</td><td>—（0/0）</td><td>—（0/0）</td>"))
            #expect(page.contains("<td>网上民情直通车</td><td>2</td>") || page.contains("<td>\(Channel.webform.displayName)</td><td>2</td>"))
            #expect(page.contains("2026-11-16 至 11-22"))

            let csv = try await client.execute(uri: "/console/stats.csv", method: .get, headers: [.cookie: cookie])
            #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
            let bytes = Array(csv.body.readableBytesView)
            #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
            let lines = String(decoding: bytes.dropFirst(3), as: UTF8.self).components(separatedBy: "\r\n")
            #expect(lines.first == "统计期间,分类,名称,登记数,受理办理数,已答复数,回复率,到期或已答复数,按期答复数,按期办结率,已评价数,满意数,满意率")
            #expect(lines.contains("2026 年 11 月,村（社区）,青山村,2,2,1,50.0%,1,1,100.0%,1,1,100.0%"), "\(lines)")
            #expect(lines.contains { $0.hasPrefix("2026 年 11 月,周,2026-11-16 至 11-22,3,") })

            let anonymous = try await client.execute(uri: "/console/stats.csv", method: .get)
            #expect(anonymous.status == .seeOther)
        }
    }
}
