import Foundation
import MinqingConfig
import MinqingCore
import MinqingCurl
import MinqingDispatch
import MinqingTesting
import SMSAdapter
import Testing

@Suite("SMS numbers, parameters and answer codes")
struct SMSDecisionTests {
    @Test("mainland mobiles in every written form become E.164; landlines and junk do not", arguments: [
        ("13912345678", "+8613912345678"), ("139 1234 5678", "+8613912345678"), ("+86 139-1234-5678", "+8613912345678"),
        ("008613912345678", "+8613912345678"), ("8613912345678", "+8613912345678"), ("(+86)19912345678", "+8619912345678"),
    ])
    func e164(input: String, expected: String) {
        #expect(E164.mainlandMobile(input) == expected)
    }

    @Test("no E.164 for a landline, a number that is not a mobile, or text", arguments: ["0731-84561234", "12345678901", "1391234567", "", "无"])
    func notMobile(input: String) {
        #expect(E164.mainlandMobile(input) == nil)
    }

    @Test("parameters are cut to the limit with …, lose their URLs and line breaks, and are never empty")
    func parameters() {
        let m = SMSParameterMapper(maxCharacters: 12)
        #expect(m.fit("供水管道已修复") == "供水管道已修复")
        #expect(m.fit("经核查，村东头供水管道破裂已于11月24日修复") == "经核查，村东头供水管道…")
        #expect(m.fit("详见 https://minqing.qingshan.gov.cn/status?id=1 谢谢") == "详见 谢谢")
        #expect(m.fit("见www.qingshan.gov.cn") == "见")
        #expect(m.fit("第一行\n第二行\t第三行") == "第一行 第二行 第三行")
        #expect(m.fit("") == "无")
        #expect(m.fit("https://only.example.cn/x") == "无")
        #expect(SMSParameterMapper(maxCharacters: 35).fit(String(repeating: "水", count: 1000)).count == 35)
    }

    @Test("hostile reply text cannot trap the mapper: huge, emoji, combining marks, lone URL prefixes")
    func hostile() {
        let m = SMSParameterMapper(maxCharacters: 35)
        for text in [String(repeating: "http://", count: 10_000), String(repeating: "👨‍👩‍👧", count: 5000), "e\u{301}\u{301}\u{301}",
                     String(repeating: "\n", count: 100_000), "www." + String(repeating: "a", count: 100_000)] {
            let v = m.fit(text)
            #expect(!v.isEmpty && v.count <= 35)
        }
    }

    @Test("the fields config accepts are exactly the fields the SMS targets can fill")
    func fieldsMatchConfig() {
        #expect(Set(TargetSettings.SMS.fields) == Set(SMSField.allCases.map(\.rawValue)))
    }

    static let now = Date(timeIntervalSince1970: 1_795_400_000)  // 2026-11-23 10:13:20 Beijing

    @Test("Tencent codes map onto retry / rate-limited / permanent / gone", arguments: [
        ("LimitExceeded.PhoneNumberThirtySecondLimit", DeliveryFailure.Kind.rateLimited, 30),
        ("LimitExceeded.PhoneNumberOneHourLimit", .rateLimited, 3600),
        ("LimitExceeded.PhoneNumberDailyLimit", .rateLimited, 49_600),
        ("RequestLimitExceeded", .rateLimited, 1),
        ("InternalError.Timeout", .retryable, nil),
        ("AuthFailure.SignatureExpire", .retryable, nil),
        ("AuthFailure.SignatureFailure", .permanent, nil),
        ("FailedOperation.TemplateIncorrectOrUnapproved", .permanent, nil),
        ("FailedOperation.InsufficientBalanceInSmsPackage", .permanent, nil),
        ("AuthFailure.SecretIdNotFound", .gone, nil),
        ("InvalidParameterValue.IncorrectPhoneNumber", .permanent, nil),
    ] as [(String, DeliveryFailure.Kind, Int?)])
    func tencentCodes(code: String, kind: DeliveryFailure.Kind, wait: Int?) {
        let f = TencentSMSCodes.failure(code: code, message: "", now: Self.now)
        #expect(f.kind == kind)
        #expect(f.retryAfter == wait.map { .seconds($0) })
        #expect(f.reason.contains(code), "the dead-letter reason names the vendor's code")
    }

    @Test("Aliyun codes map onto retry / rate-limited / permanent / gone; flow control waits for its window", arguments: [
        ("isv.BUSINESS_LIMIT_CONTROL", "触发分钟级流控Permits:1", DeliveryFailure.Kind.rateLimited, 60),
        ("isv.BUSINESS_LIMIT_CONTROL", "触发小时级流控Permits:5", .rateLimited, 3600),
        ("isv.BUSINESS_LIMIT_CONTROL", "触发天级流控Permits:10", .rateLimited, 49_600),
        ("isv.DAY_LIMIT_CONTROL", "", .rateLimited, 49_600),
        ("Throttling.User", "", .rateLimited, 1),
        ("isp.SYSTEM_ERROR", "", .retryable, nil),
        ("SignatureDoesNotMatch", "", .permanent, nil),
        ("isv.MOBILE_NUMBER_ILLEGAL", "", .permanent, nil),
        ("isv.TEMPLATE_MISSING_PARAMETERS", "", .permanent, nil),
        ("isv.PARAM_NOT_SUPPORT_URL", "", .permanent, nil),
        ("isv.AMOUNT_NOT_ENOUGH", "", .permanent, nil),
        ("InvalidAccessKeyId.NotFound", "", .gone, nil),
    ] as [(String, String, DeliveryFailure.Kind, Int?)])
    func aliyunCodes(code: String, message: String, kind: DeliveryFailure.Kind, wait: Int?) {
        let f = AliyunSMSCodes.failure(code: code, message: message, now: Self.now)
        #expect(f.kind == kind)
        #expect(f.retryAfter == wait.map { .seconds($0) })
    }

    /// What a target makes of one answer from a real loopback receiver.
    func outcome(_ vendor: SMSVendorSDK.Vendor, answer: String, status: Int = 200) async throws -> DeliveryFailure? {
        let receiver = try await LoopbackHTTPReceiver.start { _ in .json(answer, status: status) }
        let client = try CurlClient()
        let d = Fixture.delivery(sentAt: Self.now)
        let result = vendor == .tencent
            ? await Fixture.tencent(receiver.url("/"), client: client).deliver(d)
            : await Fixture.aliyun(receiver.url("/"), client: client).deliver(d)
        #expect(receiver.snapshot.requests.count == 1)
        await client.shutdown()
        await receiver.stop()
        if case .failed(let f) = result { return f }
        return nil
    }

    @Test("answers from a real receiver: per-number limit inside HTTP 200, request errors, HTTP 4xx with a code, 5xx, junk")
    func answersOverHTTP() async throws {
        #expect(try await outcome(.tencent, answer: Fixture.tencentOK) == nil)
        let limit = try await outcome(.tencent, answer: Fixture.tencentStatus("LimitExceeded.PhoneNumberOneHourLimit"))
        #expect(limit?.kind == .rateLimited && limit?.retryAfter == .seconds(3600) && limit?.status == 200)
        #expect(try await outcome(.tencent, answer: Fixture.tencentError("AuthFailure.SignatureFailure"))?.kind == .permanent)
        #expect(try await outcome(.tencent, answer: "<html>502 Bad Gateway</html>")?.kind == .retryable)
        #expect(try await outcome(.tencent, answer: "{}", status: 503)?.kind == .retryable)
        #expect(try await outcome(.tencent, answer: #"{"Response":{"RequestId":"x"}}"#)?.kind == .retryable, "no status set: not sent")
        #expect(try await outcome(.aliyun, answer: Fixture.aliyunOK) == nil)
        let sign = try await outcome(.aliyun, answer: Fixture.aliyunCode("SignatureDoesNotMatch", "Specified signature is not matched"), status: 400)
        #expect(sign?.kind == .permanent && sign?.status == 400)
        let flow = try await outcome(.aliyun, answer: Fixture.aliyunCode("isv.BUSINESS_LIMIT_CONTROL", "触发分钟级流控Permits:1"))
        #expect(flow?.kind == .rateLimited && flow?.retryAfter == .seconds(60))
        #expect(try await outcome(.aliyun, answer: "{}", status: 500)?.kind == .retryable)
    }

    @Test("a delivery without a usable mobile or without a template is refused before anything is sent")
    func refusedBeforeSending() async throws {
        let receiver = try await LoopbackHTTPReceiver.start { _ in .json(Fixture.tencentOK) }
        let client = try CurlClient()
        var landline = Fixture.repliedCase()
        landline.complainant.phone = "0731-84561234"
        let target = Fixture.tencent(receiver.url("/"), client: client)
        if case .failed(let f) = await target.deliver(Fixture.delivery(landline)) { #expect(f.kind == .permanent) } else { Issue.record("landline sent") }
        var d = Fixture.delivery()
        d.event = "case.closed"
        if case .failed(let f) = await target.deliver(d) { #expect(f.kind == .permanent && f.reason.contains("case.closed")) } else { Issue.record("no template, sent") }
        #expect(receiver.snapshot.requests.isEmpty)
        await client.shutdown()
        await receiver.stop()
    }
}

@Suite("minqing notify test through an SMS target")
struct SMSNotifyTestTests {
    @Test("the test message goes to the given mobile with the receipt template, the made-up TEST case id as its parameter")
    func notifyTest() async throws {
        let receiver = try await LoopbackHTTPReceiver.start { _ in .json(Fixture.tencentOK) }
        let client = try CurlClient()
        let delivery = Fixture.composer.testDelivery(
            recipients: [Contact(id: "13912345678", name: "13912345678", mobile: "13912345678")],
            audience: Audience(isPrivate: false, addressesPeople: true), at: Date(timeIntervalSince1970: 1_795_400_000))
        let outcome = await Fixture.tencent(receiver.url("/"), client: client).deliver(delivery)
        if case .failed(let f) = outcome { Issue.record("notify test failed: \(f)") }
        let body = try #require(receiver.snapshot.requests.first.flatMap { try JSONSerialization.jsonObject(with: Data($0.body)) as? [String: Any] })
        #expect(body["TemplateId"] as? String == "2000001")
        #expect(body["PhoneNumberSet"] as? [String] == ["+8613912345678"])
        #expect((body["TemplateParamSet"] as? [String])?.first?.hasPrefix("TEST-") == true)
        await client.shutdown()
        await receiver.stop()
    }
}
