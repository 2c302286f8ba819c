import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import MinqingCore
import MinqingHTTP
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

    @Test("with api.ack_secrets set, only an acknowledgement signed by the county (Standard Webhooks, fresh timestamp) counts")
    func signedAcknowledgement() async throws {
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
        let hub = try TestHub(environment: ["MINQING_COUNTY_ACK_SECRET": secret])
        try await hub.test { client in
            var m = sampleMessage
            m["source_ref"] = "F-signed"
            let id = try decode(try await client.execute(uri: "/api/v1/messages", method: .post, headers: auth, body: json(m)))["case_id"] as! String
            for (action, fields) in [("accept", [String: Any]()), ("escalate", ["to": "county-xinfang", "reason": "重大事项"])] {
                _ = try await client.execute(uri: "/api/v1/cases/\(id)/transitions", method: .post, headers: auth,
                                             body: json(["action": action, "actor": "王丽", "fields": fields]))
            }
            let body = try JSONSerialization.data(withJSONObject: ["by": "安仁县信访局", "note": "已签收"])
            func ack(signedWith key: String?, at time: Date) async throws -> TestResponse {
                var headers = auth
                if let key {
                    let ts = Int(time.timeIntervalSince1970)
                    let signature = try StandardWebhookSigner(secrets: [key]).signature(id: "msg_ack_1", timestamp: ts, body: Array(body))
                    headers[HTTPField.Name("webhook-id")!] = "msg_ack_1"
                    headers[HTTPField.Name("webhook-timestamp")!] = String(ts)
                    headers[HTTPField.Name("webhook-signature")!] = signature
                }
                return try await client.execute(uri: "/api/v1/forwarded/\(id)/ack", method: .post, headers: headers, body: ByteBuffer(data: body))
            }
            let unsigned = try await ack(signedWith: nil, at: hub.clock.now())
            #expect(unsigned.status == .unauthorized && String(buffer: unsigned.body).contains("签收须带签名"))
            let wrongKey = try await ack(signedWith: "whsec_" + Data("another-county-key".utf8).base64EncodedString(), at: hub.clock.now())
            #expect(wrongKey.status == .unauthorized && String(buffer: wrongKey.body).contains("签名不符"))
            let stale = try await ack(signedWith: secret, at: hub.clock.now().addingTimeInterval(-600))
            #expect(stale.status == .unauthorized && String(buffer: stale.body).contains("5 分钟"))
            #expect(try await hub.store.fetchCase(CaseID(id)!)?.status == .escalated, "nothing changed so far")
            let signed = try await ack(signedWith: secret, at: hub.clock.now())
            #expect(signed.status == .ok, "\(String(buffer: signed.body))")
            #expect(try await hub.store.auditTrail(of: CaseID(id)!).last?.action == "acknowledge")
        }
    }
}
