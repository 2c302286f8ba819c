import Crypto
import DeliverySupport
import Foundation
import MinqingCore
import MinqingCurl

/// A DingTalk (钉钉) group robot: `https://oapi.dingtalk.com/robot/send?access_token=TOKEN`, signed when a secret is
/// configured (docs/domain/robots.md#dingtalk).
///
/// Sends markdown with `at.atMobiles` for the addressed people (DingTalk only notifies a mentioned mobile that also
/// appears in the text, so `@138…` is written at the end). Size is not documented: the text is kept within
/// `maxBytes` (default 4,000). Answer codes: 0 ok; 130101 too fast — DingTalk then blocks the robot for 10
/// minutes, so the whole lane pauses; 310000 sign/keyword/IP refused.
public struct DingTalkTarget: NotificationTarget {
    /// 20 messages a minute per robot (docs/domain/robots.md#dingtalk), one at a time.
    public static let laneDefaults = LaneDefaults(rateLimits: [RateWindow(count: 20, per: .seconds(60))], concurrency: 1)

    public let name: String
    let url: String
    let signer: DingTalkSigner?
    let maxBytes: Int
    let timeout: Duration
    let client: CurlClient

    public static let defaultMaxBytes = 4000
    /// How long DingTalk blocks a robot that sent too fast.
    public static let blockDuration: Duration = .seconds(600)

    public init(name: String, url: String, secret: String?, maxBytes: Int = DingTalkTarget.defaultMaxBytes, timeout: Duration = .seconds(10), client: CurlClient) {
        self.name = name
        self.url = url
        self.signer = secret.flatMap { $0.isEmpty ? nil : DingTalkSigner(secret: $0) }
        self.maxBytes = maxBytes
        self.timeout = timeout
        self.client = client
    }

    struct Body: Encodable {
        struct Markdown: Encodable {
            var title: String
            var text: String
        }
        struct At: Encodable {
            var atMobiles: [String]
            var isAtAll = false
        }
        var msgtype = "markdown"
        var markdown: Markdown
        var at: At
    }

    func body(for delivery: Delivery) -> Body {
        let c = delivery.content
        let mobiles = delivery.recipients.compactMap(\.mobile)
        var tail = mobiles.isEmpty ? "" : "\n\n" + mobiles.map { "@\($0)" }.joined(separator: " ")
        if let link = c.link { tail += "\n\n[查看详情](\(link))" }
        // DingTalk markdown needs a blank line (or two trailing spaces) for a line break.
        let text = "#### \(c.title)\n\n" + c.markdown.replacingOccurrences(of: "\n", with: "  \n")
        let fitted = TextBudget.fit(text, maxBytes: maxBytes - tail.utf8.count, link: nil) + tail
        return Body(markdown: .init(title: c.title, text: fitted), at: .init(atMobiles: mobiles))
    }

    public func deliver(_ delivery: Delivery) async -> DeliveryOutcome {
        let target = signer?.signedURL(url, at: delivery.sentAt) ?? url
        let json = RobotPost.json(body(for: delivery))
        return await RobotPost.send(.postJSON(target, json: json, timeout: timeout), with: client, now: delivery.sentAt,
                                    codeKey: "errcode", vendorFailure: Self.failure)
    }

    static func failure(code: Int, message: String) -> DeliveryFailure {
        switch code {
        case 130101:
            DeliveryFailure(.rateLimited, reason: "钉钉机器人发送过快（130101），机器人被限制 10 分钟，期间暂停发送",
                            retryAfter: blockDuration, pauseTarget: blockDuration)
        case 310000:
            DeliveryFailure(.permanent, reason: "钉钉机器人拒收（310000）：签名、关键词或 IP 白名单不符，请核对机器人安全设置：\(message)")
        case 300001, 400101:
            DeliveryFailure(.permanent, reason: "钉钉机器人地址无效（\(code)），请重新复制机器人地址：\(message)")
        case -1:
            DeliveryFailure(.retryable, reason: "钉钉系统繁忙（-1），稍后重试")
        default:
            DeliveryFailure(.permanent, reason: "钉钉机器人拒收（errcode \(code)）：\(message)")
        }
    }
}

// MARK: Signing

/// DingTalk robot signing (docs/domain/robots.md#dingtalk): …
/// appended to the URL with `timestamp` (milliseconds, accepted within one hour).
public struct DingTalkSigner: Sendable {
    let secret: String

    public init(secret: String) { self.secret = secret }

    public func sign(timestampMilliseconds: Int64) -> String {
        let message = "\(timestampMilliseconds)\n\(secret)"
        let mac = HMAC<SHA256>.authenticationCode(for: Data(message.utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return Data(mac).base64EncodedString()
    }

    /// `url` with `&timestamp=…&sign=…` (the signature percent-encoded).
    public func signedURL(_ url: String, at date: Date) -> String {
        let ts = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let encoded = sign(timestampMilliseconds: ts).addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
        return url + (url.contains("?") ? "&" : "?") + "timestamp=\(ts)&sign=\(encoded)"
    }
}
