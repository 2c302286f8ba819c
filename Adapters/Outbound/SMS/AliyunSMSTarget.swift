import DeliverySupport
import Foundation
import MinqingCore
import MinqingCurl

/// Aliyun SMS (Dysmsapi), API 2017-05-25 `SendSms` (docs/domain/sms.md#aliyun-sms): an RPC-style POST to `/` with
/// the parameters in the query string, signed with ACS3-HMAC-SHA256; `TemplateParam` is a JSON object of the
/// template's named variables (`${code}`).
///
/// The answer's `Code` decides (`OK`, or one of `AliyunSMSCodes`), whatever the HTTP status.
public struct AliyunSMSTarget: NotificationTarget {
    /// Both gateways limit each number per minute, hour and day themselves; 20 requests a second keeps well below
    /// their API limits (docs/domain/sms.md#limits).
    public static let laneDefaults = LaneDefaults(rateLimits: [RateWindow(count: 20, per: .seconds(1))], concurrency: 2)

    public let name: String
    let settings: SMSGatewaySettings
    let signer: ACS3Signer
    let client: CurlClient

    public static let defaultEndpoint = "https://dysmsapi.aliyuncs.com"
    public static let version = "2017-05-25"

    public init(name: String, settings: SMSGatewaySettings, accessKeyID: String, accessKeySecret: String, client: CurlClient) {
        self.name = name
        self.settings = settings
        self.signer = ACS3Signer(accessKeyID: accessKeyID, accessKeySecret: accessKeySecret)
        self.client = client
    }

    /// `x-acs-date`: ISO 8601 in UTC without fractions (`2026-11-22T01:02:03Z`).
    static func isoDate(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.timeZone = TimeZone(identifier: "UTC")
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: date)
    }

    /// A nonce unique to this attempt of this notification (the gateway refuses a nonce it has seen).
    static func nonce(for delivery: Delivery) -> String {
        Hex.sha256(Array("\(delivery.id)/\(delivery.attempt)".utf8)).prefix(32).description
    }

    public func request(for delivery: Delivery) -> Result<HTTPRequestSpec, DeliveryFailure> {
        let prepared: (numbers: [String], template: SMSTemplate)
        switch settings.prepare(delivery, gateway: "阿里云") {
        case .failure(let f): return .failure(f)
        case .success(let p): prepared = p
        }
        var params: [String: String] = [:]
        for (name, value) in settings.mapper.values(for: prepared.template, delivery: delivery) {
            params[name ?? String(params.count + 1)] = value
        }
        // Aliyun takes mainland numbers without the country code (docs/domain/sms.md#numbers).
        let numbers = prepared.numbers.map { $0.hasPrefix("+86") ? String($0.dropFirst(3)) : $0 }
        let query: [(String, String)] = [
            ("PhoneNumbers", numbers.joined(separator: ",")),
            ("SignName", settings.signName),
            ("TemplateCode", prepared.template.id),
            ("TemplateParam", RobotPost.json(params)),
            ("OutId", String(delivery.id.prefix(256))),
        ]
        let body: [UInt8] = []
        let signed: [(String, String)] = [
            ("host", settings.host),
            ("x-acs-action", "SendSms"),
            ("x-acs-version", Self.version),
            ("x-acs-date", Self.isoDate(delivery.sentAt)),
            ("x-acs-signature-nonce", Self.nonce(for: delivery)),
            ("x-acs-content-sha256", Hex.sha256(body)),
        ]
        let authorization = signer.authorization(method: "POST", query: query, headers: signed, body: body)
        return .success(HTTPRequestSpec(
            method: .post, url: settings.rootURL + "?" + ACS3Signer.canonicalQuery(query),
            headers: signed.map { HTTPHeader($0.0, $0.1) } + [
                HTTPHeader("Content-Type", "application/x-www-form-urlencoded"),
                HTTPHeader("Accept", "application/json"),
                HTTPHeader("Authorization", authorization),
            ],
            body: body, timeout: settings.timeout))
    }

    public func deliver(_ delivery: Delivery) async -> DeliveryOutcome {
        await SMSPost.send(request(for: delivery), client: client, now: delivery.sentAt, read: AliyunSMSCodes.read)
    }
}

/// Aliyun's answer codes and what each means for us (docs/domain/sms.md#aliyun-codes). Pure.
public enum AliyunSMSCodes {
    public static func read(_ object: [String: Any], now: Date) -> DeliveryFailure? {
        guard let code = object["Code"] as? String else {
            return DeliveryFailure(.retryable, reason: "阿里云短信的答复缺少 Code，稍后重试")
        }
        if code == "OK" { return nil }
        return failure(code: code, message: object["Message"] as? String ?? "", now: now)
    }

    public static func failure(code: String, message: String, now: Date) -> DeliveryFailure {
        let said = "（\(code)：\(message)）"
        switch code {
        case "isv.BUSINESS_LIMIT_CONTROL":
            // The message says which window was hit (分钟级 / 小时级 / 天级流控).
            let wait: Duration = message.contains("分钟") ? .seconds(60)
                : message.contains("小时") ? .seconds(3600)
                : message.contains("天") || message.contains("日") ? DailyLimit.untilMidnight(after: now) : .seconds(3600)
            return DeliveryFailure(.rateLimited, reason: "同一号码发送过于频繁（流控），稍后重试" + said, retryAfter: wait)
        case "isv.DAY_LIMIT_CONTROL":
            return DeliveryFailure(.rateLimited, reason: "当日发送量已达上限，次日重试" + said, retryAfter: DailyLimit.untilMidnight(after: now))
        case "Throttling", "Throttling.User", "Throttling.Api", "isv.OUT_OF_SERVICE_LIMIT":
            return DeliveryFailure(.rateLimited, reason: "阿里云接口调用过快，稍后重试" + said, retryAfter: .seconds(1), pauseTarget: .seconds(1))
        case "isp.SYSTEM_ERROR", "isv.SYSTEM_ERROR", "ServiceUnavailable", "InternalError", "SignatureNonceUsed":
            return DeliveryFailure(.retryable, reason: "阿里云短信暂时出错，稍后重试" + said)
        case "InvalidTimeStamp.Expired":
            return DeliveryFailure(.retryable, reason: "请求时间已过期：本机时钟与标准时间相差过大，请校准服务器时间" + said)
        case "InvalidAccessKeyId.NotFound", "InvalidAccessKeyId.Inactive", "isv.ACCOUNT_NOT_EXISTS", "isv.ACCOUNT_ABNORMAL", "isv.OUT_OF_SERVICE":
            return DeliveryFailure(.gone, reason: "阿里云 AccessKey 或短信账户不存在、已停用或已停机：请核对后重新启用此目标" + said)
        case "SignatureDoesNotMatch", "IncompleteSignature":
            return DeliveryFailure(.permanent, reason: "阿里云签名校验失败：请核对 AccessKey Secret" + said)
        case "isv.AMOUNT_NOT_ENOUGH":
            return DeliveryFailure(.permanent, reason: "阿里云账户余额不足：请管理员充值后重发" + said)
        case "isv.MOBILE_NUMBER_ILLEGAL", "isv.MOBILE_COUNT_OVER_LIMIT":
            return DeliveryFailure(.permanent, reason: "手机号码格式不对，未发送" + said)
        case "isv.TEMPLATE_MISSING_PARAMETERS", "isv.PARAM_LENGTH_LIMIT", "isv.PARAM_NOT_SUPPORT_URL", "isv.INVALID_JSON_PARAM", "isv.INVALID_PARAMETERS":
            return DeliveryFailure(.permanent, reason: "模板参数与模板不符（缺少、超长或含网址）：请核对 templates 中的 params" + said)
        case "isv.SMS_TEMPLATE_ILLEGAL", "isv.SMS_SIGNATURE_ILLEGAL", "isv.SMS_SIGN_ILLEGAL", "isv.SMS_SIGNATURE_SCENE_ILLEGAL":
            return DeliveryFailure(.permanent, reason: "短信模板或签名未审核通过、或与账户不符：请核对 templates 和 sign_name" + said)
        case "isv.BLACK_KEY_CONTROL_LIMIT", "isv.DENY_IP_RANGE":
            return DeliveryFailure(.permanent, reason: "内容或来源被阿里云拦截：请核对模板内容和服务器地址" + said)
        default:
            return DeliveryFailure(.permanent, reason: "阿里云短信拒收" + said)
        }
    }
}
