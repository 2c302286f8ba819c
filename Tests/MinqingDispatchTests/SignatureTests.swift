import Foundation
import MinqingHTTP
import MinqingTesting
import RobotsAdapter
import Testing
import WebhookAdapter

/// Each vendor's signature checked against an independent implementation: Python's hmac/base64 following the
/// vendor documentation (docs/domain/robots.md) and the Standard Webhooks verification steps.
@Suite("Signatures match independent implementations")
struct SignatureTests {
    static let python = Peers.executable("python3")

    func python(_ script: String, _ arguments: [String]) async throws -> String {
        guard let python = Self.python else {
            Issue.record("python3 is needed for the signature cross-checks: apt-get install -y python3")
            return ""
        }
        let (status, output) = try await ChildProcess.run(python, ["-c", script] + arguments)
        #expect(status == 0, "python: \(output)")
        return output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test("DingTalk: base64(HMAC-SHA256(secret, ts_ms + \"\\n\" + secret)), URL-encoded in the query")
    func dingTalk() async throws {
        let secret = "SEC4a1c8e0e8f2b4b0b9b1d3f5a7c9e1f3b5d7f9a1c3e5"
        let ts: Int64 = 1_764_550_800_123
        let expected = try await python("""
            import hmac, hashlib, base64, sys
            s = sys.argv[2]
            print(base64.b64encode(hmac.new(s.encode(), (sys.argv[1] + "\\n" + s).encode(), hashlib.sha256).digest()).decode())
            """, [String(ts), secret])
        #expect(DingTalkSigner(secret: secret).sign(timestampMilliseconds: ts) == expected)
        let url = DingTalkSigner(secret: secret).signedURL(
            "https://oapi.dingtalk.com/robot/send?access_token=abc", at: Date(timeIntervalSince1970: Double(ts) / 1000))
        let quoted = try await python("import urllib.parse, sys; print(urllib.parse.quote_plus(sys.argv[1]))", [expected])
        #expect(url == "https://oapi.dingtalk.com/robot/send?access_token=abc&timestamp=\(ts)&sign=\(quoted)")
    }

    @Test("Feishu: HMAC-SHA256 keyed with ts + \"\\n\" + secret over an empty message, base64")
    func feishu() async throws {
        let secret = "qDfnh3Gxx6pLbSrvqGfNte"
        let ts: Int64 = 1_764_550_800
        let expected = try await python("""
            import hmac, hashlib, base64, sys
            key = (sys.argv[1] + "\\n" + sys.argv[2]).encode()
            print(base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode())
            """, [String(ts), secret])
        #expect(FeishuSigner(secret: secret).sign(timestampSeconds: ts) == expected)
    }

    @Test("Standard Webhooks: every v1 signature verifies with the receiver-side algorithm, for each rotated secret")
    func standardWebhooks() async throws {
        let secrets = ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_" + Data("old-secret-0123456789".utf8).base64EncodedString()]
        let body = Array(#"{"type":"case.created","data":{"case":{"id":"MQ-20261123-0001","subject":"垃圾清运"}}}"#.utf8)
        let header = try StandardWebhookSigner(secrets: secrets).signature(id: "msg_abc", timestamp: 1_764_550_800, body: body)
        let verified = try await python("""
            import hmac, hashlib, base64, sys
            msg_id, ts, header, body = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4].encode()
            content = msg_id.encode() + b"." + ts.encode() + b"." + body
            got = [p.split(",", 1)[1] for p in header.split(" ") if p.startswith("v1,")]
            ok = []
            for secret in sys.argv[5:]:
                key = base64.b64decode(secret[len("whsec_"):])
                want = base64.b64encode(hmac.new(key, content, hashlib.sha256).digest()).decode()
                ok.append(any(hmac.compare_digest(want, g) for g in got))
            print(" ".join("ok" if o else "bad" for o in ok))
            """, ["msg_abc", "1764550800", header, String(decoding: body, as: UTF8.self)] + secrets)
        #expect(verified == "ok ok")
        #expect(header.split(separator: " ").count == 2)
    }

    @Test("a malformed whsec_ secret is refused with advice, not used")
    func badSecret() {
        #expect(throws: WebhookSecretError.self) { try StandardWebhookSigner(secrets: ["whsec_***"]) }
    }
}
