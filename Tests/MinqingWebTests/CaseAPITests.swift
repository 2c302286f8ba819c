import Foundation
import Hummingbird
import HummingbirdTesting
import MinqingCore
import Testing
import Yams

@Suite("Case API")
struct CaseAPITests {
    func post(_ client: some TestClientProtocol, _ ref: String, village: String = "青山村", body: String = "反映的问题") async throws -> String {
        var m = sampleMessage
        m["source_ref"] = ref
        m["village"] = village
        m["body"] = body
        let r = try await client.execute(uri: "/api/v1/messages", method: .post, headers: auth, body: json(m))
        return try decode(r)["case_id"] as! String
    }

    func act(_ client: some TestClientProtocol, _ id: String, _ action: String, _ fields: [String: Any] = [:]) async throws -> TestResponse {
        try await client.execute(uri: "/api/v1/cases/\(id)/transitions", method: .post, headers: auth,
                                 body: json(["action": action, "actor": "王丽", "fields": fields]))
    }

    @Test("a case is read with its audit trail, and acted on from registration to closure")
    func lifecycle() async throws {
        try await TestHub().test { client in
            let id = try await post(client, "L-1")
            #expect(try await act(client, id, "accept").status == .ok)
            let assigned = try await act(client, id, "assign", ["leader": "孙伟", "staff": "陈志强", "deadline": "2026-12-07 17:30"])
            #expect(assigned.status == .ok)
            #expect(try decode(assigned)["deadline"] as? String == "2026-12-07T17:30:00+08:00")
            for (action, fields) in [("start", [:]), ("reply", ["outcome": "resolved", "text": "已现场测量，边界已划定"]),
                                     ("follow_up", ["satisfaction": "satisfied"]), ("close", [:])] as [(String, [String: Any])] {
                let r = try await act(client, id, action, fields)
                #expect(r.status == .ok, "\(action): \(String(buffer: r.body))")
            }
            let detail = try decode(try await client.execute(uri: "/api/v1/cases/\(id)", method: .get, headers: auth))
            #expect(detail["status"] as? String == "closed")
            #expect(detail["outcome"] as? String == "resolved")
            let audit = detail["audit"] as? [[String: Any]] ?? []
            #expect(audit.map { $0["action"] as? String } == ["received", "accept", "assign", "start", "reply", "follow_up", "close"])
            // The actor is the token's identity; the body's `actor` is only whom it acted for.
            #expect(audit.dropFirst().allSatisfy { $0["actor"] as? String == "测试工具" })
            #expect(audit.dropFirst().allSatisfy { ($0["details"] as? [String: Any])?["on_behalf_of"] as? String == "王丽" })
        }
    }

    @Test("an illegal transition is a 409, a bad field a 422, a conflict of interest a 422, an unknown case a 404")
    func refusals() async throws {
        try await TestHub().test { client in
            let id = try await post(client, "R-1")
            let illegal = try await act(client, id, "close")
            #expect(illegal.status == .conflict)
            #expect((try decode(illegal)["detail"] as? String)?.contains("不能对「登记」状态的案件执行「办结」") == true)
            #expect(try await act(client, id, "accept").status == .ok)
            let bad = try await act(client, id, "assign", ["leader": "孙伟", "staff": "陈志强", "deadline": "下周"])
            #expect(bad.status == .unprocessableContent)
            #expect((try decode(bad)["errors"] as? [[String: String]])?.first?["field"] == "fields.deadline")
            // Routing chose the village's 包村干部 陈志强: naming him as the subject is refused until the case is reassigned.
            let named = try await act(client, id, "classify", ["concerns": ["陈志强"]])
            #expect(named.status == .unprocessableContent)
            #expect((try decode(named)["detail"] as? String)?.contains("陈志强") == true)
            #expect(try await act(client, id, "classify", ["concerns": ["周敏"]]).status == .ok)
            let conflict = try await act(client, id, "assign", ["leader": "孙伟", "staff": "周敏", "deadline": "2026-12-07 17:30"])
            #expect(conflict.status == .unprocessableContent)
            #expect((try decode(conflict)["detail"] as? String)?.contains("回避") == true)
            let unknownVillage = try await act(client, id, "classify", ["village": "不存在村"])
            #expect((try decode(unknownVillage)["errors"] as? [[String: String]])?.first?["field"] == "fields.village")
            let unknownAction = try await act(client, id, "approve")
            #expect((try decode(unknownAction)["errors"] as? [[String: String]])?.first?["field"] == "action")
            let missing = try await act(client, "MQ-20200101-0001", "accept")
            #expect(missing.status == .notFound)
            let malformed = try await client.execute(uri: "/api/v1/cases/abc", method: .get, headers: auth)
            #expect(malformed.status == .badRequest)
        }
    }

    @Test("the ledger list filters, searches Chinese text, paginates and reports the total")
    func list() async throws {
        try await TestHub().test { client in
            for i in 1...7 {
                _ = try await post(client, "Q-\(i)", village: i <= 3 ? "河西村" : "柳塘", body: i % 2 == 0 ? "拖欠工资" : "垃圾焚烧")
            }
            func page(_ query: String) async throws -> [String: Any] {
                let r = try await client.execute(uri: "/api/v1/cases?\(query)", method: .get, headers: auth)
                #expect(r.status == .ok, "\(query): \(String(buffer: r.body))")
                return try decode(r)
            }
            #expect(try await page("village=河西村")["total"] as? Int == 3)
            #expect(try await page("village=431028101203")["total"] as? Int == 4)
            let q = "q=" + "工资".addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!
            #expect(try await page(q)["total"] as? Int == 3)
            let p = try await page("limit=2&offset=6")
            #expect(p["total"] as? Int == 7 && (p["items"] as? [Any])?.count == 1)
            #expect(try await page("status=received,accepted&channel=webform")["total"] as? Int == 7)
            #expect(try await page("from=2026-11-22&to=2026-11-23")["total"] as? Int == 7)
            let bad = try await client.execute(uri: "/api/v1/cases?status=done", method: .get, headers: auth)
            #expect(bad.status == .badRequest)
            #expect((try decode(bad)["errors"] as? [[String: String]])?.first?["field"] == "status")
            let unknown = try await client.execute(uri: "/api/v1/cases?stauts=received", method: .get, headers: auth)
            #expect((try decode(unknown)["errors"] as? [[String: String]])?.first?["field"] == "stauts")
        }
    }

    @Test("the list pages by cursor: next_cursor leads through every case once, total_capped says the count is exact")
    func cursorPages() async throws {
        try await TestHub().test { client in
            var posted: [String] = []
            for i in 1...5 { posted.append(try await post(client, "C-\(i)", body: "路灯不亮\(i)")) }
            func page(_ query: String) async throws -> [String: Any] {
                let r = try await client.execute(uri: "/api/v1/cases?\(query)", method: .get, headers: auth)
                #expect(r.status == .ok, "\(query): \(String(buffer: r.body))")
                return try decode(r)
            }
            var seen: [String] = []
            var query = "limit=2"
            while true {
                let p = try await page(query)
                #expect(p["total"] as? Int == 5 && p["total_capped"] as? Bool == false)
                seen += (p["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
                guard let next = p["next_cursor"] as? String else { break }
                query = "limit=2&cursor=\(next)"
                #expect(seen.count < 6)
            }
            #expect(seen == posted.reversed())
            let q = "q=" + "路灯".addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)! + "&limit=4"
            let first = try await page(q)
            let rest = try await page(q + "&cursor=\(first["next_cursor"] as? String ?? "")")
            #expect((rest["items"] as? [Any])?.count == 1 && rest["next_cursor"] == nil)
            for (bad, field) in [("cursor=abc", "cursor"), ("cursor=c1.zz.1", "cursor"), ("cursor=", "cursor"), ("offset=10001", "offset")] {
                let r = try await client.execute(uri: "/api/v1/cases?\(bad)", method: .get, headers: auth)
                #expect(r.status == .badRequest, "\(bad)")
                let body = try decode(r)
                #expect((body["errors"] as? [[String: String]])?.first?["field"] == field, "\(bad)")
                #expect((body["detail"] as? String)?.contains(field == "cursor" ? "next_cursor" : "cursor") == true, "\(bad)")
            }
        }
    }

    @Test("health, readiness and Prometheus metrics answer without a token")
    func operations() async throws {
        try await TestHub().test { client in
            _ = try await post(client, "M-1")
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
            #expect(try await client.execute(uri: "/readyz", method: .get).status == .ok)
            let metrics = try await client.execute(uri: "/metrics", method: .get)
            #expect(String(buffer: metrics.body).contains("minqing_intake_messages_total{result=\"created\"} 1"))
        }
    }

    @Test("the OpenAPI document describes exactly the routes the server answers")
    func openAPIAgrees() throws {
        let text = try String(contentsOf: repoRoot.appendingPathComponent("Sources/MinqingWeb/openapi.yaml"), encoding: .utf8)
        let doc = try #require(try Yams.load(yaml: text) as? [String: Any])
        #expect(doc["openapi"] as? String == "3.1.0")
        let paths = try #require(doc["paths"] as? [String: [String: Any]])
        let documented = Set(paths.flatMap { path, ops in
            ops.keys.filter { ["get", "post", "put", "patch", "delete"].contains($0) }.map { "\($0.uppercased()) \(path)" }
        })
        let served = Set(try TestHub().routes.entries)
        #expect(served == documented, "served but undocumented: \(served.subtracting(documented)); documented but not served: \(documented.subtracting(served))")
    }
}
