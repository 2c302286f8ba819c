import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import MinqingCore
import MinqingHTTP
import MinqingWeb
import Testing
import Yams

@Suite("API credentials and scopes")
struct APIAccessTests {
    /// One API route and a request to it; `needs` are the scopes it requires.
    struct Call: Sendable, CustomStringConvertible {
        var method: HTTPRequest.Method
        var uri: String
        var body: [String: String] = [:]
        var needs: [APIScope]
        /// An example token that has every scope in `needs` (nil: none of them does; the kit's token is used).
        var allowed: String?
        /// An example token that lacks one of them, and the scope it lacks.
        var refused: String
        var missing: APIScope
        var description: String { "\(method) \(uri)" }
    }

    static let calls: [Call] = [
        Call(method: .post, uri: "/api/v1/messages", needs: [.intake], allowed: ExampleTokens.demo, refused: ExampleTokens.office, missing: .intake),
        Call(method: .post, uri: "/api/v1/letters", needs: [.intake], allowed: ExampleTokens.demo, refused: ExampleTokens.hotline, missing: .intake),
        Call(method: .get, uri: "/api/v1/cases", needs: [.read], allowed: ExampleTokens.demo, refused: ExampleTokens.hotline, missing: .read),
        Call(method: .get, uri: "/api/v1/cases/MQ-20261122-0999", needs: [.read], allowed: ExampleTokens.office, refused: ExampleTokens.countyAck, missing: .read),
        Call(method: .post, uri: "/api/v1/cases/MQ-20261122-0999/transitions", body: ["action": "accept"], needs: [.transition],
             allowed: ExampleTokens.office, refused: ExampleTokens.demo, missing: .transition),
        Call(method: .post, uri: "/api/v1/forwarded/MQ-20261122-0999/ack", body: ["by": "安仁县信访局"], needs: [.ack],
             allowed: ExampleTokens.countyAck, refused: ExampleTokens.office, missing: .ack),
        Call(method: .post, uri: "/api/v1/hotline/calls", needs: [.hotline], allowed: ExampleTokens.hotline, refused: ExampleTokens.demo, missing: .hotline),
        Call(method: .post, uri: "/api/v1/hotline/sms", needs: [.hotline], allowed: ExampleTokens.hotline, refused: ExampleTokens.office, missing: .hotline),
        Call(method: .post, uri: "/api/v1/hotline/work-orders", needs: [.hotline], allowed: ExampleTokens.hotline, refused: ExampleTokens.metrics, missing: .hotline),
        Call(method: .get, uri: "/api/v1/hotline/calls/C-1", needs: [.hotline, .readPII], allowed: nil, refused: ExampleTokens.hotline, missing: .readPII),
        Call(method: .get, uri: "/api/v1/hotline/rejected", needs: [.hotline, .readPII], allowed: nil, refused: ExampleTokens.hotline, missing: .readPII),
    ]

    @Test("every API route refuses a request without a token (401) and one with an unknown token (401)", arguments: calls)
    func unauthenticated(_ call: Call) async throws {
        try await TestHub().test { client in
            for headers: HTTPFields in [[.contentType: "application/json"], ExampleTokens.headers("not-a-configured-token-0123")] {
                let r = try await client.execute(uri: call.uri, method: call.method, headers: headers, body: json(call.body))
                #expect(r.status == .unauthorized, "\(call)")
                #expect(r.headers[.contentType] == "application/problem+json; charset=utf-8")
                #expect(r.headers[.wwwAuthenticate] == "Bearer realm=\"minqing\"")
            }
        }
    }

    @Test("every API route refuses a token without its scope with a 403 in Chinese naming the scope, and lets one with it through", arguments: calls)
    func scopes(_ call: Call) async throws {
        try await TestHub().test { client in
            let refused = try await client.execute(uri: call.uri, method: call.method, headers: ExampleTokens.headers(call.refused), body: json(call.body))
            #expect(refused.status == .forbidden, "\(call)")
            #expect(refused.headers[.contentType] == "application/problem+json; charset=utf-8")
            let problem = try decode(refused)
            #expect(problem["type"] as? String == "https://minqing.example/problems/forbidden")
            let detail = problem["detail"] as? String ?? ""
            #expect(detail.contains("\(call.missing.rawValue)（\(call.missing.displayName)）") && detail.contains("api.tokens"), "\(detail)")
            let allowed = try await client.execute(uri: call.uri, method: call.method, headers: ExampleTokens.headers(call.allowed ?? token),
                                                   body: json(call.body))
            #expect(allowed.status != .unauthorized && allowed.status != .forbidden, "\(call): \(String(buffer: allowed.body))")
        }
    }

    @Test("every /api/v1 route names the scopes it needs, and the OpenAPI document lists the same scopes")
    func everyRouteGuarded() throws {
        let hub = try TestHub()
        let api = hub.routes.entries.filter { $0.contains(" /api/v1/") }
        #expect(api.count == 11)
        for entry in api { #expect(hub.routes.access[entry] != nil, "\(entry) has no access guard") }
        let text = try String(contentsOf: repoRoot.appendingPathComponent("Sources/MinqingWeb/openapi.yaml"), encoding: .utf8)
        let paths = try #require((try Yams.load(yaml: text) as? [String: Any])?["paths"] as? [String: [String: Any]])
        for entry in api {
            let parts = entry.split(separator: " ")
            let op = paths[String(parts[1])]?[parts[0].lowercased()] as? [String: Any]
            let security = op?["security"] as? [[String: [String]]] ?? []
            let documented = security.compactMap { $0["bearer"] }.first ?? []
            let served: [APIScope] = switch hub.routes.access[entry] {
            case .scopes(let s): s
            case .scopeOrSigned(let s): [s]
            case nil: []
            }
            #expect(documented == served.map(\.rawValue), "\(entry): documented \(documented), served \(served)")
        }
        #expect(Self.calls.count == api.count, "the scope table covers every API route")
    }

    @Test("a transition is recorded under the token's identity; the body's actor only as on_behalf_of")
    func actorIsTheToken() async throws {
        let hub = try TestHub()
        try await hub.test { client in
            let id = try decode(try await client.execute(uri: "/api/v1/messages", method: .post, headers: ExampleTokens.headers(ExampleTokens.demo),
                                                         body: json(sampleMessage)))["case_id"] as! String
            let accepted = try await client.execute(uri: "/api/v1/cases/\(id)/transitions", method: .post,
                                                    headers: ExampleTokens.headers(ExampleTokens.office),
                                                    body: json(["action": "accept", "actor": "刘建国"]))
            #expect(accepted.status == .ok, "\(String(buffer: accepted.body))")
            let note = try await client.execute(uri: "/api/v1/cases/\(id)/transitions", method: .post,
                                                headers: ExampleTokens.headers(ExampleTokens.office),
                                                body: json(["action": "note", "fields": ["text": "已电话联系"]]))
            #expect(note.status == .ok, "no actor needed: \(String(buffer: note.body))")
            let trail = try await hub.store.auditTrail(of: CaseID(id)!)
            #expect(trail.map(\.action) == ["received", "accept", "note"])
            #expect(trail[1].actor == "镇业务系统")
            #expect(trail[1].details["on_behalf_of"] == "刘建国")
            #expect(trail[2].actor == "镇业务系统")
            #expect(trail[2].details["on_behalf_of"] == nil)
            #expect(!trail.contains { $0.actor == "刘建国" }, "nobody can write in another's name")
        }
    }

    @Test("reading without read_pii shows the complainant, numbers in the texts and the form's source reference masked; with read_pii unmasked")
    func masking() async throws {
        let hub = try TestHub()
        try await hub.test { client in
            var m = sampleMessage
            m["body"] = "我的电话是13812345678，身份证11010519491231002X，请联系我。"
            let id = try decode(try await client.execute(uri: "/api/v1/messages", method: .post, headers: auth, body: json(m)))["case_id"] as! String
            let masked = try await client.execute(uri: "/api/v1/cases/\(id)", method: .get, headers: ExampleTokens.headers(ExampleTokens.demo))
            let maskedText = String(buffer: masked.body)
            for pii in ["张秀英", "13812345678", "11010519491231002X"] { #expect(!maskedText.contains(pii), "shows \(pii) without read_pii") }
            let person = try decode(masked)["complainant"] as? [String: Any]
            #expect(person?["phone"] as? String == Masking().phone("13812345678"))
            #expect(person?["name"] as? String == Masking().name("张秀英"))
            let list = String(buffer: try await client.execute(uri: "/api/v1/cases", method: .get, headers: ExampleTokens.headers(ExampleTokens.demo)).body)
            for pii in ["张秀英", "13812345678", "11010519491231002X"] { #expect(!list.contains(pii), "the list shows \(pii) without read_pii") }
            let full = String(buffer: try await client.execute(uri: "/api/v1/cases/\(id)", method: .get, headers: ExampleTokens.headers(ExampleTokens.office)).body)
            for pii in ["张秀英", "13812345678", "11010519491231002X"] { #expect(full.contains(pii), "read_pii shows \(pii)") }
        }
    }

    @Test("a case from the public form shows no source reference (the lookup code's seed) without read_pii")
    func formSourceHidden() async throws {
        let hub = try TestHub()
        let id = try await hub.value { client in
            firstMatch(#"id="case-id">([^<]+)<"#, in: String(buffer: try await hub.submitForm(client).body)) ?? ""
        }
        let record = try #require(try await hub.store.fetchCase(CaseID(id)!))
        try await hub.test { client in
            let text = String(buffer: try await client.execute(uri: "/api/v1/cases/\(id)", method: .get, headers: ExampleTokens.headers(ExampleTokens.demo)).body)
            #expect(!text.contains(record.sourceRef))
            let full = String(buffer: try await client.execute(uri: "/api/v1/cases/\(id)", method: .get, headers: ExampleTokens.headers(ExampleTokens.office)).body)
            #expect(full.contains(record.sourceRef))
        }
    }

    @Test("without read_pii a search cannot probe numbers digit by digit; words and case ids still work", arguments: [
        ("138", false), ("1381234", false), ("１３８", false), ("张秀英", true), ("宅基地", true), ("MQ-20261122", true), ("MQ-20261122-0001", true),
        ("3号楼", true),
    ])
    func searchWithoutPII(_ q: String, _ allowed: Bool) async throws {
        let hub = try TestHub()
        try await hub.test { client in
            _ = try await client.execute(uri: "/api/v1/messages", method: .post, headers: auth, body: json(sampleMessage))
            let uri = "/api/v1/cases?q=\(q.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)"
            let r = try await client.execute(uri: uri, method: .get, headers: ExampleTokens.headers(ExampleTokens.demo))
            #expect((r.status == .ok) == allowed, "\(q): \(r.status)")
            if !allowed { #expect(String(buffer: r.body).contains("read_pii")) }
            let office = try await client.execute(uri: uri, method: .get, headers: ExampleTokens.headers(ExampleTokens.office))
            #expect(office.status == .ok, "read_pii searches anything")
        }
    }

    @Test("Open311 submissions need an api_key with the intake scope")
    func open311() async throws {
        try await TestHub().test { client in
            func submit(_ key: String) async throws -> TestResponse {
                try await client.execute(uri: "/open311/v2/requests.json", method: .post, headers: formHeaders, body: urlEncoded([
                    ("api_key", key), ("service_code", "land"), ("description", "村口路灯坏了三盏，晚上看不清路。"),
                ]))
            }
            #expect(try await submit(ExampleTokens.demo).status == .created)
            let refused = try await submit(ExampleTokens.metrics)
            #expect(refused.status == .forbidden)
            #expect(String(buffer: refused.body).contains("intake"))
            #expect(try await submit("not-a-configured-token-0123").status == .forbidden)
        }
    }
}
