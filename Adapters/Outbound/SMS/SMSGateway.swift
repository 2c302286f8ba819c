import DeliverySupport
import Foundation
import MinqingCore
import MinqingCurl

/// What both SMS targets share: the sign name, the template of each event, the parameter limit, where to send,
/// and the checks before anything is sent (docs/domain/sms.md).
public struct SMSGatewaySettings: Sendable {
    /// The gateway's address: `https://sms.tencentcloudapi.com`, `https://dysmsapi.aliyuncs.com`; tests point it at loopback.
    public var endpoint: String
    /// The registered sign name (签名), without 【】.
    public var signName: String
    /// The approved template of each event (`case.created`, `case.replied` …).
    public var templates: [String: SMSTemplate]
    public var mapper: SMSParameterMapper
    public var timeout: Duration

    public init(endpoint: String, signName: String, templates: [String: SMSTemplate], maxParameterCharacters: Int, timeout: Duration = .seconds(10)) {
        self.endpoint = endpoint
        self.signName = signName
        self.templates = templates
        self.mapper = SMSParameterMapper(maxCharacters: maxParameterCharacters)
        self.timeout = timeout
    }

    /// `host[:port]` of the endpoint, as the request's `Host` header carries it (both signatures cover it).
    public var host: String {
        guard let components = URLComponents(string: endpoint), let host = components.host else { return "" }
        return components.port.map { "\(host):\($0)" } ?? host
    }

    /// The endpoint with a path of `/`: both APIs are POSTs to the root, and both signatures cover that path, so
    /// any path written in the endpoint is ignored.
    var rootURL: String {
        guard var components = URLComponents(string: endpoint) else { return endpoint }
        components.path = "/"
        components.query = nil
        components.fragment = nil
        return components.string ?? endpoint
    }

    /// The numbers and template of a delivery, or the reason it cannot be sent (a permanent failure).
    func prepare(_ delivery: Delivery, gateway: String) -> Result<(numbers: [String], template: SMSTemplate), DeliveryFailure> {
        // `minqing notify test` sends the receipt template (a real SMS: the gateway only sends approved templates).
        let event = delivery.event == "test" && templates[delivery.event] == nil ? NotificationEvent.created.rawValue : delivery.event
        guard let template = templates[event] else {
            return .failure(DeliveryFailure(.permanent, reason: "\(gateway)短信目标未配置「\(delivery.event)」的模板：请在 minqing.yaml 该目标的 templates 中填写已审核通过的模板 ID"))
        }
        let numbers = delivery.recipients.compactMap(\.mobile).compactMap(E164.mainlandMobile)
        var unique: [String] = []
        for n in numbers where !unique.contains(n) { unique.append(n) }
        guard !unique.isEmpty else {
            return .failure(DeliveryFailure(.permanent, reason: "收信人没有可用的大陆手机号（固定电话不能接收短信），未发送"))
        }
        return .success((unique, template))
    }
}

/// Seconds until the next midnight in Beijing time: daily send limits reset then.
enum DailyLimit {
    static func untilMidnight(after now: Date) -> Duration {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        let start = calendar.startOfDay(for: now)
        let next = calendar.date(byAdding: .day, value: 1, to: start) ?? now.addingTimeInterval(86_400)
        return .seconds(max(60, Int(next.timeIntervalSince(now).rounded(.up))))
    }
}

/// Sends one gateway request (or reports why none could be built) and hands the JSON answer to `read`, which
/// finds the vendor's code in it: nil means the vendor took the message.
enum SMSPost {
    static func send(
        _ built: Result<HTTPRequestSpec, DeliveryFailure>, client: CurlClient, now: Date,
        read: (_ object: [String: Any], _ now: Date) -> DeliveryFailure?
    ) async -> DeliveryOutcome {
        let request: HTTPRequestSpec
        switch built {
        case .failure(let failure): return .failed(failure)
        case .success(let r): request = r
        }
        let result: HTTPResult
        do {
            result = try await client.send(request)
        } catch {
            return .failed(FailureClassifier.classify(error))
        }
        let excerpt = FailureClassifier.excerpt(result.body)
        let object = try? JSONSerialization.jsonObject(with: Data(result.body)) as? [String: Any]
        if let object, var failure = read(object, now) {
            failure.status = result.status
            failure.excerpt = excerpt
            failure.latency = result.totalTime
            return .failed(failure)
        }
        if let failure = FailureClassifier.classify(result, now: now) { return .failed(failure) }
        guard object != nil else {
            return .failed(DeliveryFailure(.retryable, reason: "短信网关的答复无法识别（不是 JSON），稍后重试", status: result.status,
                                           excerpt: excerpt, latency: result.totalTime))
        }
        return .delivered(DeliveryReceipt(status: result.status, excerpt: excerpt, latency: result.totalTime))
    }
}
