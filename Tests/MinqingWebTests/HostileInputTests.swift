import Foundation
import Hummingbird
import HummingbirdTesting
import MinqingCore
import MinqingStore
import Testing

/// Each request here killed the whole process (a trap in `Int(Double)` or in paging arithmetic) or answered 500
/// with an empty body. Through the hub's real router on a real SQLite file, each now answers a 4xx that names the
/// field and says what is accepted — and the hub keeps serving.
@Suite("Hostile inputs through the real router")
struct HostileInputTests {
    /// The field and detail of a problem+json answer, after checking its status and content type.
    func problem(_ r: TestResponse, _ status: HTTPResponse.Status) throws -> (field: String?, detail: String) {
        #expect(r.status == status)
        #expect(r.headers[.contentType]?.hasPrefix("application/problem+json") == true)
        let body = try decode(r)
        return ((body["errors"] as? [[String: Any]])?.first?["field"] as? String, body["detail"] as? String ?? "")
    }

    func stillServes(_ client: any TestClientProtocol) async throws {
        #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
    }

    @Test("Open311 start_date with nan, inf or 1e20 in the time answers 400 naming start_date", arguments: [
        "2026-11-01%20nan:00", "2026-11-01%20inf:00", "2026-11-01%201e20:00", "2026-11-01T09:nan", "99999-01-01",
    ])
    func open311StartDate(_ value: String) async throws {
        let hub = try TestHub()
        try await hub.test { client in
            let r = try await client.execute(uri: "/open311/v2/requests.json?start_date=\(value)", method: .get)
            #expect(r.status == .badRequest)
            let text = String(buffer: r.body)
            #expect(text.contains("start_date") && text.contains("不是有效时间") || text.contains("超出范围"))
            try await stillServes(client)
        }
    }

    @Test("GET /api/v1/cases?from=nan time answers 400 naming from and the accepted forms")
    func casesFrom() async throws {
        let hub = try TestHub()
        try await hub.test { client in
            for value in ["2026-11-01%20nan:00", "2026-11-01%20-inf:00", "2026-11-01T1e300:00:00"] {
                let r = try await client.execute(uri: "/api/v1/cases?from=\(value)", method: .get, headers: auth)
                let (field, detail) = try problem(r, .badRequest)
                #expect(field == "from")
                #expect(detail.contains("ISO-8601"))
            }
            try await stillServes(client)
        }
    }

    @Test("paging of /api/v1/cases: a 30-digit limit or an offset past the deepest page is 400, not an overflow")
    func casesPaging() async throws {
        let hub = try TestHub()
        try await hub.test { client in
            for (query, field) in [("limit=999999999999999999999999999999", "limit"), ("offset=9223372036854775807", "offset"),
                                   ("offset=-1", "offset"), ("limit=nan", "limit")] {
                let r = try await client.execute(uri: "/api/v1/cases?\(query)", method: .get, headers: auth)
                #expect(try problem(r, .badRequest).field == field)
            }
            #expect(try await client.execute(uri: "/api/v1/cases?offset=10000", method: .get, headers: auth).status == .ok)
            #expect(try problem(try await client.execute(uri: "/api/v1/cases?offset=10000000", method: .get, headers: auth), .badRequest).field == "offset")
        }
    }

    @Test("intake received_at with nan in the time answers 422 naming received_at; no case is made")
    func intakeReceivedAt() async throws {
        let hub = try TestHub()
        try await hub.test { client in
            var message = sampleMessage
            message["received_at"] = "2026-11-01 nan:00"
            let r = try await client.execute(uri: "/api/v1/messages", method: .post, headers: auth, body: json(message))
            #expect(try problem(r, .unprocessableContent).field == "received_at")
            try await stillServes(client)
        }
        #expect(try await hub.store.searchCases(CaseQuery()).total == 0)
    }

    @Test("hotline ring_time as a 400-digit string, as the JSON number 1e300, or nan-in-a-time answers 422 naming ring_time",
          arguments: [
              #""\#(String(repeating: "9", count: 400))""#, "1e300", "-1e300", #""2026-11-01 nan:00""#, "1e20",
              #""\#(String(repeating: "1", count: 200)).5""#,
          ])
    func hotlineRingTime(_ ringTime: String) async throws {
        let hub = try TestHub()
        try await hub.test { client in
            let body = #"{"call_id": "c-1", "caller": "13812345678", "result": "missed", "ring_time": \#(ringTime)}"#
            let r = try await client.execute(uri: "/api/v1/hotline/calls", method: .post, headers: auth, body: ByteBuffer(string: body))
            let (field, detail) = try problem(r, .unprocessableContent)
            #expect(field == "ring_time")
            #expect(detail.contains("时间戳") || detail.contains("ISO-8601"))
            #expect(detail.count < 400, "a 400-digit value is not echoed whole")
            try await stillServes(client)
        }
    }

    @Test("hotline duration 1e300 answers 422 naming duration")
    func hotlineDuration() async throws {
        let hub = try TestHub()
        try await hub.test { client in
            let body = #"{"call_id": "c-2", "caller": "13812345678", "result": "answered", "ring_time": 1794790800, "duration": 1e300}"#
            let r = try await client.execute(uri: "/api/v1/hotline/calls", method: .post, headers: auth, body: ByteBuffer(string: body))
            #expect(try problem(r, .unprocessableContent).field == "duration")
        }
    }

    @Test("a search text of 50,000 characters answers 400 with a Chinese body naming q; 200 characters still search")
    func longSearchText() async throws {
        let hub = try TestHub()
        try await hub.test { client in
            let long = String(repeating: "路", count: 50_000).addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let r = try await client.execute(uri: "/api/v1/cases?q=\(long)", method: .get, headers: auth)
            let (field, detail) = try problem(r, .badRequest)
            #expect(field == "q")
            #expect(detail.contains("最多 200 个字符"))
            let fits = String(repeating: "路", count: 200).addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            #expect(try await client.execute(uri: "/api/v1/cases?q=\(fits)", method: .get, headers: auth).status == .ok)
        }
    }

    @Test("the store itself refuses a search text over 200 characters, whoever the caller is")
    func storeRefusesLongText() async throws {
        let hub = try TestHub()
        var q = CaseQuery()
        q.text = String(repeating: "a", count: 50_000)
        await #expect(throws: FieldError.self) { try await hub.store.searchCases(q) }
        q.text = String(repeating: "a", count: 200)
        #expect(try await hub.store.searchCases(q).total == 0)
    }

    @Test("console: page=9223372036854775807 is clamped to a page, and a 50,000-character q shows a Chinese error in the page")
    func consolePagingAndSearch() async throws {
        let hub = try TestHub()
        try await hub.addUser("liu-jianguo")
        try await hub.test { client in
            let cookie = try await hub.login(client, "liu-jianguo")
            for page in ["9223372036854775807", "-9223372036854775808", "99999999999999999999999", "nan"] {
                let r = try await client.execute(uri: "/console?page=\(page)", method: .get, headers: [.cookie: cookie])
                #expect(r.status == .ok, "page=\(page)")
            }
            let long = String(repeating: "路", count: 50_000).addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let r = try await client.execute(uri: "/console?q=\(long)", method: .get, headers: [.cookie: cookie])
            #expect(r.status == .ok)
            let html = String(buffer: r.body)
            #expect(html.contains("id=\"error\"") && html.contains("搜索内容太长") && html.contains("最多 200 个字符"))
            let badDay = try await client.execute(uri: "/console?from=2026-11-01%20nan:00", method: .get, headers: [.cookie: cookie])
            #expect(badDay.status == .ok && String(buffer: badDay.body).contains("格式不对"))
            let month = try await client.execute(uri: "/console/dashboard?month=99999999999999999999-1e300", method: .get, headers: [.cookie: cookie])
            #expect(month.status != .internalServerError)
        }
    }

    @Test("console: a deadline with nan in the time is refused in the page, naming 办理期限")
    func consoleDeadline() async throws {
        let hub = try TestHub()
        try await hub.addUser("wang-li")
        let id = try await hub.value { client in
            firstMatch(#"id="case-id">([^<]+)<"#, in: String(buffer: try await hub.submitForm(client).body)) ?? ""
        }
        try await hub.test { client in
            let cookie = try await hub.login(client, "wang-li")
            #expect(try await hub.act(client, cookie: cookie, case: id, [("action", "accept")]).status == .seeOther)
            let before = try await hub.store.fetchCase(try #require(CaseID(id)))
            for deadline in ["2026-11-01 nan:00", "2026-12-07T1e20:00:00", "2026-12-07 inf:30"] {
                let r = try await hub.act(client, cookie: cookie, case: id,
                                          [("action", "assign"), ("leader", "sun-wei"), ("staff", "chen-zhiqiang"), ("deadline", deadline)])
                #expect(r.status == .unprocessableContent)
                #expect(String(buffer: r.body).contains("办理期限（定时限）"))
            }
            #expect(try await hub.store.fetchCase(try #require(CaseID(id))) == before, "nothing was applied")
            try await stillServes(client)
        }
    }
}
