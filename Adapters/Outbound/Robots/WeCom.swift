import DeliverySupport
import Foundation
import MinqingCore
import MinqingCurl

/// A WeCom (企业微信) group robot: `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY` (docs/domain/robots.md#wecom).
///
/// Sends markdown (≤ 4,096 bytes; longer text is cut with a visible notice and the link), @-mentions the
/// addressed people by their WeCom user id (`<@userid>`). The key in the URL is the secret. Rate limit: 20 a minute
/// per robot (the lane enforces it). Answer codes: 0 ok, 45009 rate limit, 93000 bad key, 40058 too long,
/// -1 busy.
public struct WeComTarget: NotificationTarget {
    /// 20 messages a minute per robot (docs/domain/robots.md#wecom), one at a time.
    public static let laneDefaults = LaneDefaults(rateLimits: [RateWindow(count: 20, per: .seconds(60))], concurrency: 1)

    public let name: String
    let url: String
    let maxMarkdownBytes: Int
    let timeout: Duration
    let client: CurlClient

    public static let markdownLimit = 4096

    public init(name: String, url: String, maxMarkdownBytes: Int = WeComTarget.markdownLimit, timeout: Duration = .seconds(10), client: CurlClient) {
        self.name = name
        self.url = url
        self.maxMarkdownBytes = maxMarkdownBytes
        self.timeout = timeout
        self.client = client
    }

    struct Body: Encodable {
        struct Markdown: Encodable { var content: String }
        var msgtype = "markdown"
        var markdown: Markdown
    }

    /// The markdown the robot receives: title in bold, the body, mentions, and the link.
    func markdown(for delivery: Delivery) -> String {
        let c = delivery.content
        let mentions = delivery.recipients.compactMap(\.wecomID).map { "<@\($0)>" }.joined(separator: " ")
        var tail = mentions.isEmpty ? "" : "\n" + mentions
        if let link = c.link { tail += "\n[查看详情](\(link))" }
        let text = "**\(c.title)**\n" + c.markdown
        return TextBudget.fit(text, maxBytes: maxMarkdownBytes - tail.utf8.count, link: nil) + tail
    }

    public func deliver(_ delivery: Delivery) async -> DeliveryOutcome {
        let json = RobotPost.json(Body(markdown: .init(content: markdown(for: delivery))))
        return await RobotPost.send(.postJSON(url, json: json, timeout: timeout), with: client, now: delivery.sentAt,
                                    codeKey: "errcode", vendorFailure: Self.failure)
    }

    static func failure(code: Int, message: String) -> DeliveryFailure {
        switch code {
        case 45009: DeliveryFailure(.rateLimited, reason: "企业微信机器人发送过快（45009），稍后重试", retryAfter: .seconds(60))
        case 93000: DeliveryFailure(.permanent, reason: "企业微信机器人地址无效（93000），请在群设置中重新复制机器人地址")
        case 40058: DeliveryFailure(.permanent, reason: "企业微信消息过长（40058）：\(message)")
        case -1: DeliveryFailure(.retryable, reason: "企业微信系统繁忙（-1），稍后重试")
        default: DeliveryFailure(.permanent, reason: "企业微信机器人拒收（errcode \(code)）：\(message)")
        }
    }
}
