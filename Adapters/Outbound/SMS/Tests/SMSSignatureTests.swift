import Foundation
import MinqingCore
import MinqingCurl
import MinqingDispatch
import MinqingTesting
import SMSAdapter
import Testing

/// Every request the SMS targets send is captured by a real loopback receiver; its shape is checked, and its
/// signature is recomputed by the vendor's own SDK code from PyPI (Fixtures/verify_sms_signature.py).
@Suite("SMS gateways: request shape and vendor-verified signatures", .timeLimit(.minutes(3)))
struct SMSSignatureTests {
    func withReceiver(_ answer: String, _ body: (LoopbackHTTPReceiver, CurlClient) async throws -> Void) async throws {
        let receiver = try await LoopbackHTTPReceiver.start { _ in .json(answer) }
        let client = try CurlClient()
        do { try await body(receiver, client) } catch { Issue.record(error) }
        await client.shutdown()
        await receiver.stop()
    }

    @Test("Tencent SendSms: a JSON POST to / with the X-TC headers, E.164 number, template parameters in order")
    func tencentShape() async throws {
        try await withReceiver(Fixture.tencentOK) { receiver, client in
            let sentAt = Date(timeIntervalSince1970: 1_795_400_000)
            let outcome = await Fixture.tencent(receiver.url("/"), client: client).deliver(Fixture.delivery(sentAt: sentAt))
            guard case .delivered = outcome else { Issue.record("expected delivered, got \(outcome)"); return }
            let request = try #require(receiver.snapshot.requests.first)
            #expect(request.method == "POST" && request.uri == "/")
            #expect(request.header("X-TC-Action") == "SendSms")
            #expect(request.header("X-TC-Version") == "2021-01-11")
            #expect(request.header("X-TC-Region") == "ap-guangzhou")
            #expect(request.header("X-TC-Timestamp") == "1795400000")
            #expect(request.header("Host") == "127.0.0.1:\(receiver.port)")
            let auth = try #require(request.header("Authorization"))
            #expect(auth.hasPrefix("TC3-HMAC-SHA256 Credential=\(Fixture.secretID)/2026-11-23/sms/tc3_request, SignedHeaders=content-type;host, Signature="))
            let json = try #require(try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])
            #expect(json["PhoneNumberSet"] as? [String] == ["+8613912345678"])
            #expect(json["SmsSdkAppId"] as? String == "1400787878")
            #expect(json["SignName"] as? String == "青山镇群工办")
            #expect(json["TemplateId"] as? String == "2000002")
            #expect(json["SessionContext"] as? String == "0b7f3c1e-5d7a-4c55-9a43-1f0e3d2c1b0a")
            let params = try #require(json["TemplateParamSet"] as? [String])
            #expect(params.count == 3)
            #expect(params[0] == "MQ-20261123-0007")
            #expect(params[1].count == 35 && params[1].hasSuffix("…") && params[1].hasPrefix("经核查"))
            #expect(params[2] == "04718352")
        }
    }

    @Test("Tencent's own SDK (tencentcloud-sdk-python-common) computes the same TC3 signature; a wrong key does not",
          .enabled(if: SMSVendorSDK.runnable, "\(SMSVendorSDK.hint)"))
    func tencentSignatureVerifies() async throws {
        guard SMSVendorSDK.python != nil else { Issue.record("missing test peer (CI=true): \(SMSVendorSDK.hint)"); return }
        try await withReceiver(Fixture.tencentOK) { receiver, client in
            let target = Fixture.tencent(receiver.url("/"), client: client)
            // Two deliveries: one now, one on another UTC day (the date is part of the key chain).
            _ = await target.deliver(Fixture.delivery())
            _ = await target.deliver(Fixture.delivery(attempt: 2, sentAt: Date(timeIntervalSince1970: 1_795_363_199)))
            let requests = receiver.snapshot.requests
            #expect(requests.count == 2)
            for request in requests {
                let good = try Fixture.verify(.tencent, request, secretID: Fixture.secretID, secretKey: Fixture.secretKey)
                #expect(good.ok, "SDK: \(good.output)")
                let bad = try Fixture.verify(.tencent, request, secretID: Fixture.secretID, secretKey: "another-key")
                #expect(!bad.ok && bad.output.hasPrefix("MISMATCH"), "a wrong key must not verify: \(bad.output)")
            }
        }
    }

    @Test("Aliyun SendSms: RPC POST with the parameters in the query, x-acs headers, named TemplateParam JSON")
    func aliyunShape() async throws {
        try await withReceiver(Fixture.aliyunOK) { receiver, client in
            let outcome = await Fixture.aliyun(receiver.url("/"), client: client)
                .deliver(Fixture.delivery(sentAt: Date(timeIntervalSince1970: 1_795_400_000)))
            guard case .delivered = outcome else { Issue.record("expected delivered, got \(outcome)"); return }
            let request = try #require(receiver.snapshot.requests.first)
            #expect(request.method == "POST" && request.body.isEmpty)
            #expect(request.header("x-acs-action") == "SendSms")
            #expect(request.header("x-acs-version") == "2017-05-25")
            #expect(request.header("x-acs-date") == "2026-11-23T02:13:20Z")
            #expect(request.header("x-acs-content-sha256") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
            #expect(request.header("x-acs-signature-nonce")?.count == 32)
            let auth = try #require(request.header("Authorization"))
            #expect(auth.hasPrefix("ACS3-HMAC-SHA256 Credential=LTAI5tExampleAccessKey,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature="))
            let query = try #require(URLComponents(string: "http://h\(request.uri)")?.queryItems)
            func q(_ name: String) -> String? { query.first { $0.name == name }?.value }
            #expect(q("PhoneNumbers") == "13912345678")
            #expect(q("SignName") == "青山镇群工办")
            #expect(q("TemplateCode") == "SMS_468151234")
            #expect(q("OutId") == "0b7f3c1e-5d7a-4c55-9a43-1f0e3d2c1b0a")
            let param = try #require(q("TemplateParam").flatMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: String] })
            #expect(param["code"] == "MQ-20261123-0007" && param["query"] == "04718352")
            #expect(param["reply"]?.count == 35)
        }
    }

    @Test("Aliyun's own SDK (alibabacloud-openapi-util) computes the same ACS3 signature; a wrong secret does not",
          .enabled(if: SMSVendorSDK.runnable, "\(SMSVendorSDK.hint)"))
    func aliyunSignatureVerifies() async throws {
        guard SMSVendorSDK.python != nil else { Issue.record("missing test peer (CI=true): \(SMSVendorSDK.hint)"); return }
        try await withReceiver(Fixture.aliyunOK) { receiver, client in
            // Reply text with spaces, a plus, an asterisk, a tilde and quotes: the query encoding must match the SDK's.
            let reply = "已修复 (1+1) *供水* ~恢复~ \"正常\"；费用 50% 由村里承担"
            _ = await Fixture.aliyun(receiver.url("/"), client: client).deliver(Fixture.delivery(Fixture.repliedCase(reply: reply)))
            let request = try #require(receiver.snapshot.requests.first)
            let good = try Fixture.verify(.aliyun, request, secretID: "LTAI5tExampleAccessKey", secretKey: "ExampleAccessKeySecret0123456789")
            #expect(good.ok, "SDK: \(good.output)")
            let bad = try Fixture.verify(.aliyun, request, secretID: "LTAI5tExampleAccessKey", secretKey: "wrong")
            #expect(!bad.ok, "a wrong secret must not verify: \(bad.output)")
        }
    }

    @Test("a citizen's SMS carries only their case id, the reply and the lookup code: no staff, leader, concerns, name or other numbers")
    func nothingInternal() async throws {
        try await withReceiver(Fixture.tencentOK) { receiver, client in
            _ = await Fixture.tencent(receiver.url("/"), client: client, maxChars: 500).deliver(Fixture.delivery())
            _ = await Fixture.aliyun(receiver.url("/"), client: client).deliver(Fixture.delivery())
            let requests = receiver.snapshot.requests
            #expect(requests.count == 2)
            for request in requests {
                let text = request.bodyText + (request.uri.removingPercentEncoding ?? request.uri)
                for secret in ["陈志强", "chen-zhiqiang", "sun-wei", "zhao-hongmei", "李桂兰", "11010519491231002X",
                                 "13600002222", "王大爷", "qingshan", "form:5f1c0a9e"] {
                    #expect(!text.contains(secret), "「\(secret)」must not reach the citizen's SMS")
                }
                #expect(text.contains("MQ-20261123-0007"))
            }
        }
    }
}
