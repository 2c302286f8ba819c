import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MinqingCore
import MinqingStore
import MinqingWeb
import Testing

/// Four villagers of 青山村 report one water cut through four channels; a street light in 河西村 is unrelated.
@Suite("Repeats across channels and early warnings (example township)")
struct RepeatsAndWarningsTests {
    static let reports = [
        "青山村三组从昨天早上开始停水，到现在还没有来水，家里老人孩子没水喝，请尽快恢复供水。",
        "我是青山村三组村民，我们组从昨天早上停水到现在，一直没来水，请尽快恢复供水。",
        "青山村三组停水一天多了，从昨天早上到现在没来水，老人孩子没水喝，麻烦尽快恢复供水。",
        "反映青山村三组停水问题：从昨天早上开始没有来水，生活用水困难，希望尽快恢复供水。",
    ]
    static let streetLight = "河西村村口的路灯不亮好几天了，晚上一片漆黑，出行很不安全，请派人维修。"

    /// Files the four reports (web form, typed letter to the mailbox, hotline SMS, the office system's API) and the
    /// unrelated one; returns the case ids in order, the street light last.
    static func fileReports(_ hub: TestHub, _ client: any TestClientProtocol, fourthText: String = reports[3]) async throws -> [CaseID] {
        var ids: [CaseID] = []
        // Each report is compared as soon as it is stored, as the hub's RepeatDetector does after each intake.
        func newest() async throws -> CaseID {
            try await hub.detectRepeats()
            return try await hub.store.searchCases(CaseQuery()).items[0].id
        }
        let form = try await hub.submitForm(client, change: [
            "name": "张秀英", "phone": "13800000001", "village": "431028101201", "category": "water", "subject": "三组停水", "text": reports[0]])
        #expect(form.status == .created, "\(String(buffer: form.body))")
        ids.append(try await newest())
        hub.clock.advance(by: 1800)
        let letter = try await client.execute(uri: "/api/v1/letters", method: .post, headers: auth, body: json([
            "letter_no": "XF-2026-0201", "received_at": "2026-11-22", "name": "李桂兰", "phone": "13800000002",
            "village": "青山村", "category": "水利", "subject": "停水", "body": reports[1]]))
        #expect(letter.status == .created, "\(String(buffer: letter.body))")
        ids.append(try await newest())
        hub.clock.advance(by: 1800)
        let sms = try await client.execute(uri: "/api/v1/hotline/sms", method: .post, headers: ExampleTokens.headers(ExampleTokens.hotline),
                                           body: json(["message_id": "sms-201", "from": "13800000003", "text": reports[2]]))
        #expect(sms.status == .created, "\(String(buffer: sms.body))")
        ids.append(try await newest())
        hub.clock.advance(by: 1800)
        let api = try await client.execute(uri: "/api/v1/messages", method: .post, headers: auth, body: json([
            "channel": "visit", "source_ref": "XF-NOTE-0301", "complainant": ["name": "王建军", "phone": "13800000004"],
            "village": "青山村", "category": "水利", "subject": "下访记录：停水", "body": fourthText]))
        #expect(api.status == .created, "\(String(buffer: api.body))")
        ids.append(try await newest())
        hub.clock.advance(by: 600)
        let light = try await hub.submitForm(client, change: [
            "name": "赵德明", "phone": "13900000009", "village": "431028101202", "category": "roads", "subject": "路灯不亮", "text": streetLight])
        #expect(light.status == .created)
        ids.append(try await newest())
        return ids
    }

    @Test("four channels, one water cut: linked as related, one warning raised once (one row per target); the street light stays apart")
    func endToEnd() async throws {
        let hub = try TestHub(environment: ExampleTokens.environment)
        let ids = try await hub.value { client in try await Self.fileReports(hub, client) }
        let channels = try await ids.prefix(4).asyncMap { try await hub.store.fetchCase($0)!.channel }
        #expect(channels == [.webform, .mailbox, .hotline, .visit])
        try await hub.test { client in
            for (i, id) in ids.prefix(4).enumerated() {
                let detail = try decode(try await client.execute(uri: "/api/v1/cases/\(id)", method: .get, headers: auth))
                let related = (detail["related"] as? [[String: Any]]) ?? []
                let others = Set(related.compactMap { $0["case_id"] as? String })
                // Villagers word it differently: each later report is linked to the first, the first to all of them.
                let expected = i == 0 ? Set(ids[1...3].map(\.description)) : [ids[0].description]
                #expect(others.isSuperset(of: expected), "case \(i): \(related)")
                #expect(!others.contains(ids[4].description))
                #expect(related.allSatisfy { ($0["reason"] as? String) == "similar_text" && (($0["score"] as? Double) ?? -1) >= 0.25 })
            }
            let light = try decode(try await client.execute(uri: "/api/v1/cases/\(ids[4])", method: .get, headers: auth))
            #expect((light["related"] as? [Any])?.isEmpty == true)
        }
        let warnings = try await hub.store.warnings(states: [], limit: 10)
        #expect(warnings.count == 1)
        #expect(warnings.first?.rule == "同村同类诉求集中")
        #expect(warnings.first?.members == Array(ids.prefix(4)))
        let rows = try await hub.store.outboxEntries(state: nil, limit: 100)
        let raised = rows.filter { $0.event == "warning.raised" }
        #expect(raised.map(\.target).sorted() == ["county-webhook", "leaders-dingtalk"])
        #expect(rows.filter { $0.event == "warning.updated" }.map(\.target).sorted() == ["county-webhook", "leaders-dingtalk"])
        #expect(raised.allSatisfy { ($0.context ?? "").contains("青山村") && !($0.context ?? "").contains("13800000001") })
        // Nothing was merged automatically.
        for id in ids { #expect(try await hub.store.fetchCase(id)?.status == .received) }
    }

    @Test("the case page shows 可能重复 with reason and score; a clerk's 并单 merges the newer case into the older, audited")
    func panelAndMerge() async throws {
        let hub = try TestHub(environment: ExampleTokens.environment)
        try await hub.addUser("wang-li", roles: [.clerk])
        try await hub.addUser("deng-qiang", roles: [.staff])
        try await hub.test { client in
            let ids = try await Self.fileReports(hub, client)
            let cookie = try await hub.login(client, "wang-li")
            let page = String(buffer: try await client.execute(uri: "/console/cases/\(ids[1])", method: .get, headers: [.cookie: cookie]).body)
            #expect(page.contains("可能重复"))
            #expect(page.contains("data-id=\"\(ids[0])\" data-reason=\"similar_text\""))
            #expect(page.contains("内容相似"))
            #expect(!page.contains("data-id=\"\(ids[4])\""))
            #expect(page.contains("id=\"merge-\(ids[1])-\(ids[0])\""), "newer into older")
            #expect(page.contains("本案属于预警"))
            let staff = try await hub.login(client, "deng-qiang")
            let staffPage = String(buffer: try await client.execute(uri: "/console/cases/\(ids[1])", method: .get, headers: [.cookie: staff]).body)
            #expect(staffPage.contains("可能重复") && !staffPage.contains("id=\"merge-"), "staff see the panel but cannot merge")
            let merged = try await hub.act(client, cookie: cookie, case: ids[1].description,
                                           [("action", "merge"), ("into", ids[0].description), ("reason", "同一事项重复反映（可能重复）")])
            #expect(merged.status == .seeOther)
            let record = try await hub.store.fetchCase(ids[1])
            #expect(record?.status == .merged && record?.mergedInto == ids[0])
            #expect(try await hub.store.auditTrail(of: ids[1]).last.map { [$0.action, $0.actor] } == ["merge", "wang-li"])
            let older = String(buffer: try await client.execute(uri: "/console/cases/\(ids[0])", method: .get, headers: [.cookie: cookie]).body)
            #expect(!older.contains("data-id=\"\(ids[1])\""), "a merged case drops out of the panel")
        }
    }

    @Test("a leader sees the 预警 page with cluster and villages and acknowledges it once, audited; a clerk cannot")
    func warningsPageAndAcknowledgement() async throws {
        let hub = try TestHub(environment: ExampleTokens.environment)
        try await hub.addUser("wang-li", roles: [.clerk])
        try await hub.addUser("liu-jianguo", roles: [.principalLeader])
        try await hub.test { client in
            let ids = try await Self.fileReports(hub, client)
            let warning = try #require(try await hub.store.warnings(states: [.open], limit: 5).first)
            let leader = try await hub.login(client, "liu-jianguo")
            let list = String(buffer: try await client.execute(uri: "/console/warnings", method: .get, headers: [.cookie: leader]).body)
            #expect(list.contains("同村同类诉求集中") && list.contains("青山村"))
            for id in ids.prefix(4) { #expect(list.contains(id.description)) }
            #expect(!list.contains(ids[4].description))
            let clerk = try await hub.login(client, "wang-li")
            let clerkPage = "/console/warnings/\(warning.id)"
            let clerkToken = try await hub.csrf(client, cookie: clerk, page: clerkPage)
            var headers = formHeaders
            headers[.cookie] = clerk
            let refused = try await client.execute(uri: "/console/warnings/\(warning.id)/acknowledge", method: .post, headers: headers,
                                                   body: urlEncoded([("_csrf", clerkToken), ("note", "")]))
            #expect(refused.status == .forbidden)
            let page = String(buffer: try await client.execute(uri: clerkPage, method: .get, headers: [.cookie: leader]).body)
            #expect(page.contains("id=\"do-acknowledge\""))
            let token = try await hub.csrf(client, cookie: leader, page: clerkPage)
            headers[.cookie] = leader
            let ok = try await client.execute(uri: "/console/warnings/\(warning.id)/acknowledge", method: .post, headers: headers,
                                              body: urlEncoded([("_csrf", token), ("note", "已安排水利站排查")]))
            #expect(ok.status == .seeOther)
            let after = try await hub.store.warning(id: warning.id)
            #expect(after?.state == .acknowledged && after?.acknowledgedBy == "liu-jianguo" && after?.acknowledgementNote == "已安排水利站排查")
            let shown = String(buffer: try await client.execute(uri: clerkPage, method: .get, headers: [.cookie: leader]).body)
            #expect(shown.contains("已签收") && shown.contains("已安排水利站排查") && !shown.contains("id=\"do-acknowledge\""))
            #expect(try await hub.store.warningEvents(id: warning.id).map(\.action) == ["raised", "grown", "acknowledged"])
        }
    }

    @Test("a case about the reader is left out of their 可能重复 panel and the warning's case list (回避)")
    func conflictOfInterest() async throws {
        let hub = try TestHub(environment: ExampleTokens.environment)
        try await hub.addUser("sun-wei", roles: [.leader])
        try await hub.test { client in
            // The fourth villager names 孙伟, the village's contact leader: the case is about him.
            let ids = try await Self.fileReports(hub, client, fourthText: Self.reports[3] + "找包村领导孙伟反映过也没人管。")
            #expect(try await hub.store.fetchCase(ids[3])?.concerns.isEmpty == false)
            let cookie = try await hub.login(client, "sun-wei")
            let panel = String(buffer: try await client.execute(uri: "/console/cases/\(ids[0])", method: .get, headers: [.cookie: cookie]).body)
            #expect(panel.contains("data-id=\"\(ids[1])\""))
            #expect(!panel.contains(ids[3].description), "the case about him is not listed")
            let list = String(buffer: try await client.execute(uri: "/console/warnings", method: .get, headers: [.cookie: cookie]).body)
            #expect(list.contains(ids[0].description) && !list.contains(ids[3].description))
            let hidden = try await client.execute(uri: "/console/cases/\(ids[3])", method: .get, headers: [.cookie: cookie])
            #expect(hidden.status == .notFound)
            // The warning's notifications (robot groups he may sit in) list the case without its subject.
            let notices = try await hub.store.outboxEntries(state: .pending, limit: 100).filter { $0.event.hasPrefix("warning.") }
            let naming = notices.compactMap(\.context).filter { $0.contains(ids[3].description) }
            #expect(!naming.isEmpty, "the grown warning's update lists the case")
            #expect(naming.allSatisfy { $0.contains("涉及回避") }, "without its subject")
        }
    }
}

extension Sequence {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var out: [T] = []
        for e in self { out.append(try await transform(e)) }
        return out
    }
}
