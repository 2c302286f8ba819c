import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import MinqingCore
import MinqingHTTP
import Testing

@Suite("Forwarded cases API")
struct ForwardedAPITests {
    /// A case escalated to the county by the office system (the example's `业务系统` token).
    func escalatedCase(_ client: some TestClientProtocol, ref: String) async throws -> String {
        var m = sampleMessage
        m["source_ref"] = ref
        let r = try await client.execute(uri: "/api/v1/messages", method: .post, headers: ExampleTokens.headers(ExampleTokens.demo), body: json(m))
        let id = try decode(r)["case_id"] as! String
        for (action, fields) in [("accept", [String: Any]()), ("escalate", ["to": "county-xinfang", "reason": "重大事项"])] {
            let done = try await client.execute(uri: "/api/v1/cases/\(id)/transitions", method: .post,
                                                headers: ExampleTokens.headers(ExampleTokens.office),
                                                body: json(["action": action, "actor": "王丽", "fields": fields]))
            #expect(done.status == .ok, "\(String(buffer: done.body))")
        }
        return id
    }

    @Test("the county acknowledges with an ack-scoped token: recorded under the token's identity on behalf of the office, answered without personal data")
    func acknowledge() async throws {
        let hub = try TestHub()
        try await hub.test { client in
            var m = sampleMessage
            m["source_ref"] = "F-1"
            let id = try decode(try await client.execute(uri: "/api/v1/messages", method: .post, headers: auth, body: json(m)))["case_id"] as! String
            let county = ExampleTokens.headers(ExampleTokens.countyAck)
            func ack(_ body: [String: Any], headers: HTTPFields) async throws -> TestResponse {
                try await client.execute(uri: "/api/v1/forwarded/\(id)/ack", method: .post, headers: headers, body: json(body))
            }
            #expect(try await client.execute(uri: "/api/v1/cases/\(id)/transitions", method: .post, headers: auth,
                                             body: json(["action": "accept"])).status == .ok)
            #expect(try await ack(["by": "安仁县信访局"], headers: county).status == .conflict, "not forwarded yet")
            #expect(try await client.execute(uri: "/api/v1/cases/\(id)/transitions", method: .post, headers: auth,
                                             body: json(["action": "escalate", "fields": ["to": "county-xinfang", "reason": "重大事项"]])).status == .ok)
            #expect(try await ack([:], headers: county).status == .unprocessableContent)
            let ok = try await ack(["by": "安仁县信访局", "reference": "AR-2026-0915", "note": "已签收"], headers: county)
            #expect(ok.status == .ok, "\(String(buffer: ok.body))")
            let answer = String(buffer: ok.body)
            for pii in ["张秀英", "13812345678", "11010519491231002X", "complainant", "宅基地", "audit"] {
                #expect(!answer.contains(pii), "the acknowledgement's answer carries \(pii)")
            }
            #expect(try decode(ok)["status"] as? String == "escalated")
            let last = try #require(try await hub.store.auditTrail(of: CaseID(id)!).last)
            #expect(last.action == "acknowledge")
            #expect(last.actor == "安仁县信访局（接口）")
            #expect(last.details["on_behalf_of"] == "安仁县信访局")
            #expect(last.reason == "已签收；县级编号 AR-2026-0915")
            let returned = try await ack(["by": "安仁县信访局", "result": "returned", "note": "属乡镇职权，退回办理"], headers: county)
            #expect(returned.status == .ok)
            #expect(try decode(returned)["status"] as? String == "in_progress")
        }
    }

    @Test("by default an unsigned acknowledgement without an ack-scoped token is refused: 401 without a token, 403 naming ack with another token")
    func unsignedRefused() async throws {
        let hub = try TestHub()
        try await hub.test { client in
            let id = try await escalatedCase(client, ref: "F-unsigned")
            let body = json(["by": "安仁县信访局"])
            let anonymous = try await client.execute(uri: "/api/v1/forwarded/\(id)/ack", method: .post,
                                                     headers: [.contentType: "application/json"], body: body)
            #expect(anonymous.status == .unauthorized)
            for other in [ExampleTokens.demo, ExampleTokens.office, ExampleTokens.hotline] {
                let refused = try await client.execute(uri: "/api/v1/forwarded/\(id)/ack", method: .post,
                                                       headers: ExampleTokens.headers(other), body: body)
                #expect(refused.status == .forbidden)
                #expect(refused.headers[.contentType] == "application/problem+json; charset=utf-8")
                #expect(String(buffer: refused.body).contains("ack（县级签收）"))
            }
            #expect(try await hub.store.fetchCase(CaseID(id)!)?.status == .escalated, "nothing changed")
        }
    }

    @Test("with api.ack_secrets set, a signed acknowledgement needs no token; a bad, stale or foreign signature is refused even with a token")
    func signedAcknowledgement() async throws {
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
        let hub = try TestHub(environment: ["MINQING_COUNTY_ACK_SECRET": secret])
        try await hub.test { client in
            let id = try await escalatedCase(client, ref: "F-signed")
            let body = try JSONSerialization.data(withJSONObject: ["by": "安仁县信访局", "note": "已签收"])
            func ack(signedWith key: String?, at time: Date, token: String? = nil) async throws -> TestResponse {
                var headers: HTTPFields = [.contentType: "application/json"]
                if let token { headers[.authorization] = "Bearer \(token)" }
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
            #expect(unsigned.status == .unauthorized)
            let wrongKey = try await ack(signedWith: "whsec_" + Data("another-county-key".utf8).base64EncodedString(), at: hub.clock.now(),
                                         token: ExampleTokens.countyAck)
            #expect(wrongKey.status == .unauthorized && String(buffer: wrongKey.body).contains("签名不符"), "a present signature is checked even with a token")
            let stale = try await ack(signedWith: secret, at: hub.clock.now().addingTimeInterval(-600))
            #expect(stale.status == .unauthorized && String(buffer: stale.body).contains("5 分钟"))
            #expect(try await hub.store.fetchCase(CaseID(id)!)?.status == .escalated, "nothing changed so far")
            let signed = try await ack(signedWith: secret, at: hub.clock.now())
            #expect(signed.status == .ok, "\(String(buffer: signed.body))")
            #expect(!String(buffer: signed.body).contains("13812345678"))
            let last = try #require(try await hub.store.auditTrail(of: CaseID(id)!).last)
            #expect(last.action == "acknowledge")
            #expect(last.actor == "县级签收系统（已验证签名）")
            #expect(last.details["on_behalf_of"] == "安仁县信访局")
        }
    }

    @Test("a signature on an acknowledgement is refused when no ack secret is configured")
    func signatureWithoutSecrets() async throws {
        let hub = try TestHub()
        try await hub.test { client in
            let id = try await escalatedCase(client, ref: "F-nosecret")
            let headers: HTTPFields = [.contentType: "application/json", HTTPField.Name("webhook-signature")!: "v1,AAAA",
                                       HTTPField.Name("webhook-id")!: "x", HTTPField.Name("webhook-timestamp")!: "1"]
            let r = try await client.execute(uri: "/api/v1/forwarded/\(id)/ack", method: .post, headers: headers, body: json(["by": "x"]))
            #expect(r.status == .unauthorized && String(buffer: r.body).contains("api.ack_secrets"))
        }
    }
}
