import Foundation
import Hummingbird
import HummingbirdTesting
import MinqingCore
import Testing

@Suite("Forwarded cases API")
struct ForwardedAPITests {
    @Test("the county acknowledges a forwarded case; a case not forwarded is a 409, a missing office a 422")
    func acknowledge() async throws {
        try await TestHub().test { client in
            var m = sampleMessage
            m["source_ref"] = "F-1"
            let r = try await client.execute(uri: "/api/v1/messages", method: .post, headers: auth, body: json(m))
            let id = try decode(r)["case_id"] as! String
            func act(_ action: String, _ fields: [String: Any]) async throws -> TestResponse {
                try await client.execute(uri: "/api/v1/cases/\(id)/transitions", method: .post, headers: auth,
                                         body: json(["action": action, "actor": "王丽", "fields": fields]))
            }
            func ack(_ body: [String: Any]) async throws -> TestResponse {
                try await client.execute(uri: "/api/v1/forwarded/\(id)/ack", method: .post, headers: auth, body: json(body))
            }
            #expect(try await act("accept", [:]).status == .ok)
            let early = try await ack(["by": "安仁县信访局"])
            #expect(early.status == .conflict)
            #expect(try await act("escalate", ["to": "county-xinfang", "reason": "重大事项"]).status == .ok)
            #expect(try await ack([:]).status == .unprocessableContent)
            let ok = try await ack(["by": "安仁县信访局", "reference": "AR-2026-0915", "note": "已签收"])
            #expect(ok.status == .ok, "\(String(buffer: ok.body))")
            let detail = try decode(ok)
            let last = (detail["audit"] as? [[String: Any]])?.last
            #expect(last?["action"] as? String == "acknowledge")
            #expect(last?["actor"] as? String == "安仁县信访局")
            #expect(last?["reason"] as? String == "已签收；县级编号 AR-2026-0915")
            let returned = try await ack(["by": "安仁县信访局", "result": "returned", "note": "属乡镇职权，退回办理"])
            #expect(returned.status == .ok)
            #expect(try decode(returned)["status"] as? String == "in_progress")
            let unauthorised = try await client.execute(uri: "/api/v1/forwarded/\(id)/ack", method: .post, body: json(["by": "x"]))
            #expect(unauthorised.status == .unauthorized)
        }
    }
}
