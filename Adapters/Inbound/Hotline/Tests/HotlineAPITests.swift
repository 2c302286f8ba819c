import Foundation
import HotlineAdapter
import Hummingbird
import HummingbirdTesting
import MinqingCore
import MinqingHTTP
import MinqingTesting
import Testing

/// The telephony system's credential in these tests: posts calls and reads them back.
let hotlineToken = "hotline-test-token-0123456789"
let hotlineAuth: HTTPFields = [.authorization: "Bearer \(hotlineToken)"]

extension HotlineKit {
    func api(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: BearerAuthMiddleware(credentials: APICredentials([APICredential(
            token: hotlineToken, principal: APIPrincipal(name: "热线系统", identity: "热线系统", scopes: [.hotline, .readPII]))])))
        let routes = RouteTable(router: router)
        HotlineRoutes(hotline: hotline, maxBodyBytes: 1 << 20).register(on: routes)
        try await Application(router: routes.router).test(.router, body)
    }
}

func post(_ client: some TestClientProtocol, _ uri: String, _ object: [String: Any]) async throws -> (HTTPResponse.Status, [String: Any]) {
    let r = try await client.execute(uri: uri, method: .post, headers: [.contentType: "application/json", .authorization: "Bearer \(hotlineToken)"],
                                     body: ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: object)))
    return (r.status, (try? JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [String: Any]) ?? [:])
}

@Suite("Hotline HTTP API")
struct HotlineAPITests {
    static let ring = Date(iso: "2026-11-16T09:00:00+08:00")

    /// JSON values of `ring_time`.
    @Test("ring times in ISO-8601, epoch seconds and epoch milliseconds all mean the same moment", arguments: [
        #""2026-11-16T09:00:00+08:00""#, #""2026-11-16 09:00:00""#, "1794790800", "1794790800000", #""1794790800000""#,
    ])
    func timeForms(_ ring: String) async throws {
        let kit = try HotlineKit()
        try await kit.api { client in
            let (status, body) = try await post(client, "/api/v1/hotline/calls", [
                "call_id": "t-1", "caller": "13812345678", "ring_time": try JSONSerialization.jsonObject(with: Data(ring.utf8), options: .fragmentsAllowed),
                "result": "missed", "queue": "群众热线",
            ])
            #expect(status == .ok)
            #expect(body["role"] as? String == "callback")
        }
        let stored = try #require(try await kit.store.call("t-1"))
        #expect(stored.startedAt == Self.ring)
    }

    @Test("ringing then ended over HTTP updates one record; the answered call's notes become the case body")
    func ringingThenEnded() async throws {
        let kit = try HotlineKit()
        try await kit.api { client in
            let (s1, b1) = try await post(client, "/api/v1/hotline/calls", [
                "call_id": "h-1", "caller": "13812345678", "ring_time": 1_794_790_800, "result": "ringing"])
            #expect(s1 == .ok && b1["case_id"] == nil)
            let ended: [String: Any] = [
                "call_id": "h-1", "caller": "13812345678", "answer_time": 1_794_790_805_000, "end_time": "2026-11-16 09:06:00",
                "result": "answered", "agent_id": "8001", "agent_name": "周敏", "notes": "反映低保评审不公开，要求公示名单",
                "recording_url": "https://pbx.example/rec/h-1.wav"]
            let (s2, b2) = try await post(client, "/api/v1/hotline/calls", ended)
            let (s3, b3) = try await post(client, "/api/v1/hotline/calls", ended)
            #expect(s2 == .ok && s3 == .ok)
            #expect(b2["case_id"] as? String != nil && b2["case_id"] as? String == b3["case_id"] as? String)
            let shown = try await client.execute(uri: "/api/v1/hotline/calls/h-1", method: .get, headers: hotlineAuth)
            let detail = try JSONSerialization.jsonObject(with: Data(buffer: shown.body)) as? [String: Any]
            #expect(detail?["role"] as? String == "notes")
            #expect((detail?["call"] as? [String: Any])?["agent_name"] as? String == "周敏")
            #expect(try await client.execute(uri: "/api/v1/hotline/calls/nope", method: .get, headers: hotlineAuth).status == .notFound)
        }
        #expect(try await kit.allCases().map(\.body) == ["反映低保评审不公开，要求公示名单"])
    }

    @Test("a bad request is refused naming the field, kept for a clerk, and the next good one flows", arguments: [
        (#"{"caller": "13812345678", "ring_time": 1794790800, "result": "missed"}"#, "call_id"),
        (#"{"call_id": "b", "caller": "13812345678", "ring_time": "昨天上午", "result": "missed"}"#, "ring_time"),
        (#"{"call_id": "b", "caller": "13812345678", "ring_time": 1794790800, "result": "hung"}"#, "result"),
        (#"{"call_id": "b", "ring_time": 1794790800, "result": "missed"}"#, "caller"),
        (#"{"call_id": "b", "caller": "13812345678", "result": "answered"}"#, "ring_time"),
        (#"{"call_id": "b", "caller": "13812345678", "ring_time": 1794790800, "result": "missed", "direction": "sideways"}"#, "direction"),
        (#"{"call_id": 42, "caller": "13812345678", "ring_time": 1794790800, "result": "missed"}"#, "call_id"),
        // Found by schemathesis: a JSON number too large for Int64 trapped the process.
        (#"{"call_id": "b", "caller": "13812345678", "ring_time": -2.00758581830718e+223, "result": "missed"}"#, "ring_time"),
        (#"{"call_id": "b", "caller": "13812345678", "ring_time": 1e300, "result": "missed"}"#, "ring_time"),
    ])
    func badCallRequest(_ json: String, _ field: String) async throws {
        let kit = try HotlineKit()
        try await kit.api { client in
            let body = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
            let (status, problem) = try await post(client, "/api/v1/hotline/calls", body)
            #expect(status == .unprocessableContent)
            #expect((problem["errors"] as? [[String: Any]])?.first?["field"] as? String == field)
            let rejected = try await client.execute(uri: "/api/v1/hotline/rejected?source=hotline.calls", method: .get, headers: hotlineAuth)
            let items = (try JSONSerialization.jsonObject(with: Data(buffer: rejected.body)) as? [String: Any])?["items"] as? [[String: Any]]
            #expect(items?.count == 1 && items?.first?["field"] as? String == field)
            let (good, _) = try await post(client, "/api/v1/hotline/calls", [
                "call_id": "g", "caller": "13812345678", "ring_time": 1_794_790_800, "result": "busy"])
            #expect(good == .ok)
        }
        #expect(try await kit.allCases().count == 1)
    }

    @Test("an SMS opens a case (201), a second from the same number joins it (200); a work order answers 201 with its deadline")
    func smsAndWorkOrder() async throws {
        let kit = try HotlineKit()
        try await kit.api { client in
            let (s1, b1) = try await post(client, "/api/v1/hotline/sms", [
                "message_id": "sms-1", "from": "13812345678", "text": "河西村三组自来水浑浊", "received_at": "2026-11-16T07:40:00+08:00"])
            #expect(s1 == .created && b1["follow_up"] as? Bool == false)
            let (s2, b2) = try await post(client, "/api/v1/hotline/sms", [
                "message_id": "sms-2", "from": "+86 138 1234 5678", "text": "今天还是浑浊"])
            #expect(s2 == .ok && b2["follow_up"] as? Bool == true && b2["case_id"] as? String == b1["case_id"] as? String)
            let (s3, p3) = try await post(client, "/api/v1/hotline/sms", ["message_id": "sms-3", "from": "12", "text": "x"])
            #expect(s3 == .unprocessableContent && (p3["errors"] as? [[String: Any]])?.first?["field"] as? String == "from")
            let (s4, b4) = try await post(client, "/api/v1/hotline/work-orders", [
                "order_no": "GD202611160007", "content": "反映柳塘村道路积水", "name": "李建华", "phone": "13900001111",
                "address": "柳塘村二组", "category": "道路交通", "deadline": "2026-11-20 17:30:00",
                "dispatched_at": 1_794_786_000_000])
            #expect(s4 == .created)
            #expect(b4["status"] as? String == "assigned")
            #expect(b4["deadline"] as? String == "2026-11-20T17:30:00+08:00")
            let (s5, p5) = try await post(client, "/api/v1/hotline/work-orders", ["order_no": "GD1", "content": "x"])
            #expect(s5 == .unprocessableContent && (p5["errors"] as? [[String: Any]])?.first?["field"] as? String == "deadline")
        }
    }
}
