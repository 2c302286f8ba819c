import Foundation
import MinqingCore
import MinqingCurl
import MinqingDispatch
import MinqingTesting
import RobotsAdapter
import Testing
import WebhookAdapter

/// One suite every HTTP target passes: success read from the vendor's answer, failures classified the same way,
/// oversized text cut to the vendor's limit, the idempotency id and the vendor's own body shape.
@Suite("Outbound targets conformance", .timeLimit(.minutes(5)))
struct TargetConformanceTests {
    enum Kind: String, CaseIterable, CustomTestStringConvertible {
        case webhook, wecom, dingtalk, feishu
        var testDescription: String { rawValue }

        var success: String {
            switch self {
            case .webhook: #"{"received":true}"#
            case .wecom, .dingtalk: #"{"errcode":0,"errmsg":"ok"}"#
            case .feishu: #"{"code":0,"msg":"success","data":{}}"#
            }
        }

        /// The vendor's rate-limit answer inside an HTTP 200 (docs/domain/robots.md#summary); nil for the generic webhook.
        var throttled: String? {
            switch self {
            case .webhook: nil
            case .wecom: #"{"errcode":45009,"errmsg":"api freq out of limit"}"#
            case .dingtalk: #"{"errcode":130101,"errmsg":"send too fast, exceed 20 times per minute"}"#
            case .feishu: #"{"code":11232,"msg":"frequency limited psm","data":{}}"#
            }
        }

        /// An answer that retrying cannot fix.
        var refused: String? {
            switch self {
            case .webhook: nil
            case .wecom: #"{"errcode":93000,"errmsg":"invalid webhook url"}"#
            case .dingtalk: #"{"errcode":310000,"errmsg":"sign not match"}"#
            case .feishu: #"{"code":19021,"msg":"sign match fail or timestamp is not within one hour from current time"}"#
            }
        }

        /// The largest request body the vendor takes (bytes), if it says.
        var bodyLimit: Int? {
            switch self {
            case .webhook: nil
            case .wecom: 4096 + 200
            case .dingtalk: 4000 + 600
            case .feishu: 20 * 1024
            }
        }

        /// The target for `url`. Only `/stall` gets the short timeout it tests: on a loaded machine a real answer may
        /// take longer than a second, and must not read as a timeout.
        func make(url: String, client: CurlClient) throws -> any NotificationTarget {
            let timeout: Duration = url.hasSuffix("/stall") ? .seconds(1) : .seconds(30)
            switch self {
            case .webhook:
                return try WebhookTarget(name: "county-webhook", url: url, secrets: ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
                                         timeout: timeout, client: client)
            case .wecom: return WeComTarget(name: "office-wecom", url: url, timeout: timeout, client: client)
            case .dingtalk: return DingTalkTarget(name: "leaders-dingtalk", url: url, secret: "SECabc", timeout: timeout, client: client)
            case .feishu: return FeishuTarget(name: "cadres-feishu", url: url, secret: "feishu-secret", timeout: timeout, client: client)
            }
        }
    }

    /// Answers by path so one receiver plays every role.
    static func answer(_ kind: Kind) -> LoopbackHTTPReceiver.Responder {
        { request in
            let path = request.uri.split(separator: "?").first.map(String.init) ?? request.uri
            switch path {
            case "/ok": return .json(kind.success)
            case "/unavailable": return .json(#"{"error":"maintenance"}"#, status: 503)
            case "/throttle": return .respond(status: 429, headers: [("Retry-After", "30")], body: "{}")
            case "/gone": return .json("{}", status: 410)
            case "/stall": return .stall
            case "/vendor-throttle": return .json(kind.throttled ?? kind.success)
            case "/vendor-refuse": return .json(kind.refused ?? kind.success)
            default: return .json("{}", status: 404)
            }
        }
    }

    func withTarget(
        _ kind: Kind, _ body: (@Sendable (String) throws -> any NotificationTarget, LoopbackHTTPReceiver, DispatchHarness) async throws -> Void
    ) async throws {
        let harness = try DispatchHarness(environment: [:])
        let phones = Set(harness.config.directory.people.compactMap(\.phone))
        let receiver = try await GroupReceiver.start(staffPhones: phones, Self.answer(kind))
        let client = harness.client
        do {
            try await body({ try kind.make(url: receiver.url($0), client: client) }, receiver, harness)
        } catch {
            Issue.record(error)
        }
        await receiver.stop()
        await harness.shutdown()
    }

    /// A delivery composed from a real case record for a group audience.
    static func delivery(_ harness: DispatchHarness, body: String? = nil, attempt: Int = 1) -> Delivery {
        var record = CaseRecord(
            id: CaseID("MQ-20261123-0007")!, channel: .hotline, sourceRef: "call-7", receivedAt: Date(iso: "2026-11-23T09:00:00+08:00"),
            registeredAt: Date(iso: "2026-11-23T09:01:00+08:00"),
            complainant: Complainant(name: "李桂兰", phone: "13912345678", idNumber: "11010519491231002X"),
            village: "qingshan", category: "land", subject: "宅基地边界纠纷（电话13912345678）",
            body: body ?? "与邻居因宅基地边界发生纠纷，多次协商未果，请求村里调解。身份证 11010519491231002X。")
        record.staff = "chen-zhiqiang"
        record.leader = "sun-wei"
        let entry = OutboxEntry(
            id: "0b7f3c1e-5d7a-4c55-9a43-1f0e3d2c1b0a", caseID: record.id, target: "t", event: "case.assigned",
            recipients: [], snapshot: record, state: .pending, attempts: attempt - 1, nextAttemptAt: record.registeredAt,
            createdAt: record.registeredAt, lastError: nil)
        guard case .send(let content, let snapshot, let recipients) = harness.setup.composer.compose(entry, for: Audience(isPrivate: false)) else {
            preconditionFailure("the example templates compose case.assigned")
        }
        return Delivery(id: entry.id, event: entry.event, createdAt: entry.createdAt, attempt: attempt,
                        sentAt: Date(), content: content, recipients: recipients, snapshot: snapshot)
    }

    @Test("a success answer is delivered, in the vendor's own body shape", arguments: Kind.allCases)
    func delivers(kind: Kind) async throws {
        try await withTarget(kind) { make, receiver, harness in
            let outcome = await try make("/ok").deliver(Self.delivery(harness))
            guard case .delivered(let receipt) = outcome else {
                Issue.record("expected delivered, got \(outcome)")
                return
            }
            #expect(receipt.status == 200)
            let request = try #require(receiver.snapshot.requests.last)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])
            let text = request.bodyText
            #expect(text.contains("MQ-20261123-0007"))
            #expect(!text.contains("13912345678") && text.contains("139＊＊＊＊78"), "complainant's phone masked, 3+2 digits shown")
            #expect(!text.contains("李桂兰"), "no complainant name in a group")
            switch kind {
            case .webhook:
                #expect(request.header("webhook-id") == "msg_0b7f3c1e-5d7a-4c55-9a43-1f0e3d2c1b0a")
                #expect(request.header("webhook-signature")?.hasPrefix("v1,") == true)
                #expect(json["type"] as? String == "case.assigned")
            case .wecom:
                #expect(json["msgtype"] as? String == "markdown")
                let content = (json["markdown"] as? [String: Any])?["content"] as? String ?? ""
                #expect(content.contains("<@ChenZhiQiang>"), "mentions the responsible staff by WeCom id")
            case .dingtalk:
                #expect(request.uri.contains("timestamp=") && request.uri.contains("sign="))
                let at = json["at"] as? [String: Any]
                let mobiles = at?["atMobiles"] as? [String] ?? []
                #expect(mobiles.count == 1)
                let markdownText = (json["markdown"] as? [String: Any])?["text"] as? String ?? ""
                #expect(mobiles.allSatisfy { markdownText.contains("@\($0)") }, "DingTalk needs the mentioned mobile in the text")
            case .feishu:
                #expect(json["msg_type"] as? String == "text")
                #expect(json["sign"] as? String != nil && json["timestamp"] as? String != nil)
            }
        }
    }

    @Test("5xx and a stalled receiver are retried; 429 honours Retry-After; 410 means gone", arguments: Kind.allCases)
    func transportFailures(kind: Kind) async throws {
        try await withTarget(kind) { make, _, harness in
            let d = Self.delivery(harness)
            #expect(await try make("/unavailable").deliver(d).failure?.kind == .retryable)
            let stalled = await try make("/stall").deliver(d).failure
            #expect(stalled?.kind == .retryable && stalled?.reason.contains("超时") == true)
            let throttled = await try make("/throttle").deliver(d).failure
            #expect(throttled?.kind == .rateLimited && throttled?.retryAfter == .seconds(30))
            #expect(await try make("/gone").deliver(d).failure?.kind == .gone)
            #expect(await try make("/missing").deliver(d).failure?.kind == .permanent)
        }
    }

    @Test("an HTTP 200 with the vendor's error code is a failure, classified by code",
          arguments: Kind.allCases.filter { $0.throttled != nil })
    func vendorCodes(kind: Kind) async throws {
        try await withTarget(kind) { make, _, harness in
            let d = Self.delivery(harness)
            let throttled = await try make("/vendor-throttle").deliver(d).failure
            #expect(throttled?.kind == .rateLimited)
            if kind == .dingtalk { #expect(throttled?.pauseTarget == .seconds(600), "DingTalk blocks the robot for 10 minutes") }
            let refused = await try make("/vendor-refuse").deliver(d).failure
            #expect(refused?.kind == .permanent)
            #expect(refused?.status == 200)
        }
    }

    @Test("a very long case is cut to the vendor's limit with a visible notice, never refused",
          arguments: Kind.allCases.filter { $0.bodyLimit != nil })
    func sizeLimits(kind: Kind) async throws {
        try await withTarget(kind) { make, receiver, harness in
            let long = String(repeating: "村民反映：渠道年久失修，灌溉用水无法到田，影响秋播。", count: 600)
            let outcome = await try make("/ok").deliver(Self.delivery(harness, body: long))
            #expect(outcome.failure == nil)
            let request = try #require(receiver.snapshot.requests.last)
            #expect(request.body.count <= kind.bodyLimit!, "\(request.body.count) bytes")
            #expect(request.bodyText.contains("已截断，详见系统"))
        }
    }
}

extension DeliveryOutcome {
    var failure: DeliveryFailure? {
        if case .failed(let f) = self { return f }
        return nil
    }
}
