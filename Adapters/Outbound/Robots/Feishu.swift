import Crypto
import DeliverySupport
import Foundation
import MinqingCore
import MinqingCurl

/// A Feishu / Lark (飞书) group robot: `https://open.feishu.cn/open-apis/bot/v2/hook/UUID` (docs/domain/robots.md#feishu-and-lark).
///
/// Sends a text message (the body must stay under 20 KB: the text is kept within `maxTextBytes`), signed in the
/// body when a secret is configured. Feishu mentions need Feishu user ids, which the directory does not hold, so
/// the responsible people are named in the text instead. Limits: 100 a minute and 5 a second per robot (the lane
/// enforces them). Answer codes: 0 ok; 11232 throttled; 19021 sign; 19022 IP; 19024 keyword; 9499 bad request.
public struct FeishuTarget: NotificationTarget {
    /// 100 a minute and 5 a second per robot (docs/domain/robots.md#feishu-and-lark).
    public static let laneDefaults = LaneDefaults(rateLimits: [RateWindow(count: 100, per: .seconds(60)), RateWindow(count: 5, per: .seconds(1))], concurrency: 2)

    public let name: String
    let url: String
    let signer: FeishuSigner?
    let maxTextBytes: Int
    let timeout: Duration
    let client: CurlClient

    public static let defaultMaxTextBytes = 18 * 1024

    public init(name: String, url: String, secret: String?, maxTextBytes: Int = FeishuTarget.defaultMaxTextBytes, timeout: Duration = .seconds(10), client: CurlClient) {
        self.name = name
        self.url = url
        self.signer = secret.flatMap { $0.isEmpty ? nil : FeishuSigner(secret: $0) }
        self.maxTextBytes = maxTextBytes
        self.timeout = timeout
        self.client = client
    }

    struct Body: Encodable {
        struct Content: Encodable { var text: String }
        var timestamp: String?
        var sign: String?
        var msgType = "text"
        var content: Content

        enum CodingKeys: String, CodingKey { case timestamp, sign, msgType = "msg_type", content }
    }

    func body(for delivery: Delivery) -> Body {
        let c = delivery.content
        let names = delivery.recipients.map(\.name)
        var tail = names.isEmpty ? "" : "\n承办：" + names.joined(separator: "、")
        if let link = c.link { tail += "\n详情：\(link)" }
        let text = TextBudget.fit("【\(c.title)】\n" + c.plainText, maxBytes: maxTextBytes - tail.utf8.count, link: nil) + tail
        var body = Body(content: .init(text: text))
        if let signer {
            let ts = Int64(delivery.sentAt.timeIntervalSince1970)
            body.timestamp = String(ts)
            body.sign = signer.sign(timestampSeconds: ts)
        }
        return body
    }

    public func deliver(_ delivery: Delivery) async -> DeliveryOutcome {
        let json = RobotPost.json(body(for: delivery))
        return await RobotPost.send(.postJSON(url, json: json, timeout: timeout), with: client, now: delivery.sentAt,
                                    codeKey: "code", vendorFailure: Self.failure)
    }

    static func failure(code: Int, message: String) -> DeliveryFailure {
        switch code {
        case 11232: DeliveryFailure(.rateLimited, reason: "飞书机器人发送过快（11232），稍后重试", retryAfter: .seconds(60))
        case 19021: DeliveryFailure(.permanent, reason: "飞书机器人签名校验失败（19021），请核对签名密钥和服务器时间")
        case 19022: DeliveryFailure(.permanent, reason: "飞书机器人 IP 白名单不含本机（19022），请在机器人安全设置中添加")
        case 19024: DeliveryFailure(.permanent, reason: "飞书机器人关键词校验失败（19024），请在模板中包含设置的关键词")
        case 9499: DeliveryFailure(.permanent, reason: "飞书机器人请求格式错误（9499）：\(message)")
        default: DeliveryFailure(.permanent, reason: "飞书机器人拒收（code \(code)）：\(message)")
        }
    }
}

// MARK: Signing

/// Feishu / Lark robot signing (docs/domain/robots.md#feishu-and-lark): …
/// message is empty; the base64 result goes in the JSON body with `timestamp`.
public struct FeishuSigner: Sendable {
    let secret: String

    public init(secret: String) { self.secret = secret }

    public func sign(timestampSeconds: Int64) -> String {
        let key = SymmetricKey(data: Data("\(timestampSeconds)\n\(secret)".utf8))
        return Data(HMAC<SHA256>.authenticationCode(for: Data(), using: key)).base64EncodedString()
    }
}
