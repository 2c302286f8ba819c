import DeliverySupport
import Foundation
import MinqingCore
import MinqingCurl

/// Tencent Cloud SMS, API 2021-01-11 `SendSms` (docs/domain/sms.md#tencent-cloud-sms): a JSON POST to `/` signed
/// with TC3-HMAC-SHA256, numbers in E.164, the template's parameters in order (`{1}`, `{2}` …).
///
/// Success and failure are read from the JSON answer, which arrives with HTTP 200 either way: a request-level
/// `Response.Error.Code`, or one `Response.SendStatusSet[].Code` per number (`TencentSMSCodes`).
/// `SessionContext` carries the outbox id, so the gateway's status report names our notification.
public struct TencentSMSTarget: NotificationTarget {
    /// Both gateways limit each number per minute, hour and day themselves; 20 requests a second keeps well below
    /// their API limits (docs/domain/sms.md#limits).
    public static let laneDefaults = LaneDefaults(rateLimits: [RateWindow(count: 20, per: .seconds(1))], concurrency: 2)

    public let name: String
    let settings: SMSGatewaySettings
    let appID: String
    let region: String
    let signer: TC3Signer
    let client: CurlClient

    public static let defaultEndpoint = "https://sms.tencentcloudapi.com"
    public static let version = "2021-01-11"

    public init(name: String, settings: SMSGatewaySettings, appID: String, region: String, secretID: String, secretKey: String, client: CurlClient) {
        self.name = name
        self.settings = settings
        self.appID = appID
        self.region = region
        self.signer = TC3Signer(secretID: secretID, secretKey: secretKey)
        self.client = client
    }

    struct Body: Encodable {
        var PhoneNumberSet: [String]
        var SmsSdkAppId: String
        var SignName: String
        var TemplateId: String
        var TemplateParamSet: [String]
        var SessionContext: String
    }

    /// The signed request for `delivery`, or why it cannot be sent.
    public func request(for delivery: Delivery) -> Result<HTTPRequestSpec, DeliveryFailure> {
        let prepared: (numbers: [String], template: SMSTemplate)
        switch settings.prepare(delivery, gateway: "腾讯云") {
        case .failure(let f): return .failure(f)
        case .success(let p): prepared = p
        }
        let params = settings.mapper.values(for: prepared.template, delivery: delivery).map(\.value)
        let body = Array(RobotPost.json(Body(
            PhoneNumberSet: prepared.numbers, SmsSdkAppId: appID, SignName: settings.signName, TemplateId: prepared.template.id,
            TemplateParamSet: params, SessionContext: delivery.id)).utf8)
        let timestamp = Int(delivery.sentAt.timeIntervalSince1970)
        let contentType = "application/json; charset=utf-8"
        let host = settings.host
        return .success(HTTPRequestSpec(
            method: .post, url: settings.rootURL,
            headers: [
                HTTPHeader("Content-Type", contentType),
                HTTPHeader("Host", host),
                HTTPHeader("X-TC-Action", "SendSms"),
                HTTPHeader("X-TC-Version", Self.version),
                HTTPHeader("X-TC-Timestamp", String(timestamp)),
                HTTPHeader("X-TC-Region", region),
                HTTPHeader("Authorization", signer.authorization(contentType: contentType, host: host, body: body, timestamp: timestamp)),
            ],
            body: body, timeout: settings.timeout))
    }

    public func deliver(_ delivery: Delivery) async -> DeliveryOutcome {
        await SMSPost.send(request(for: delivery), client: client, now: delivery.sentAt, read: TencentSMSCodes.read)
    }
}

/// Tencent's answer codes and what each means for us (docs/domain/sms.md#tencent-codes). Pure.
public enum TencentSMSCodes {
    /// nil when every number was accepted (`Ok`); otherwise the failure of the first number that was not (or of the
    /// whole request).
    public static func read(_ object: [String: Any], now: Date) -> DeliveryFailure? {
        guard let response = object["Response"] as? [String: Any] else {
            return DeliveryFailure(.retryable, reason: "腾讯云短信的答复缺少 Response，稍后重试")
        }
        if let error = response["Error"] as? [String: Any] {
            return failure(code: error["Code"] as? String ?? "", message: error["Message"] as? String ?? "", now: now)
        }
        guard let set = response["SendStatusSet"] as? [[String: Any]], !set.isEmpty else {
            return DeliveryFailure(.retryable, reason: "腾讯云短信的答复缺少 SendStatusSet，稍后重试")
        }
        for status in set {
            let code = status["Code"] as? String ?? ""
            if code != "Ok" { return failure(code: code, message: status["Message"] as? String ?? "", now: now) }
        }
        return nil
    }

    public static func failure(code: String, message: String, now: Date) -> DeliveryFailure {
        let said = "（\(code)：\(message)）"
        switch code {
        case "LimitExceeded.PhoneNumberThirtySecondLimit":
            return DeliveryFailure(.rateLimited, reason: "同一号码 30 秒内发送过多，稍后重试" + said, retryAfter: .seconds(30))
        case "LimitExceeded.PhoneNumberOneHourLimit":
            return DeliveryFailure(.rateLimited, reason: "同一号码 1 小时内发送过多，一小时后重试" + said, retryAfter: .seconds(3600))
        case "LimitExceeded.PhoneNumberDailyLimit", "LimitExceeded.PhoneNumberSameContentDailyLimit":
            return DeliveryFailure(.rateLimited, reason: "同一号码当日发送已达上限，次日重试" + said, retryAfter: DailyLimit.untilMidnight(after: now))
        case "LimitExceeded.DailyLimit", "LimitExceeded.AppDailyLimit", "LimitExceeded.AppCountryOrRegionDailyLimit":
            let wait = DailyLimit.untilMidnight(after: now)
            return DeliveryFailure(.rateLimited, reason: "短信应用当日发送量已达上限，次日重试；如需提高请在腾讯云控制台调整" + said,
                                   retryAfter: wait, pauseTarget: wait)
        case "RequestLimitExceeded", "LimitExceeded.DeliveryFrequencyLimit":
            return DeliveryFailure(.rateLimited, reason: "腾讯云接口调用过快，稍后重试" + said, retryAfter: .seconds(1), pauseTarget: .seconds(1))
        case "AuthFailure.SignatureExpire":
            return DeliveryFailure(.retryable, reason: "签名已过期：本机时钟与标准时间相差过大，请校准服务器时间" + said)
        case "AuthFailure.SecretIdNotFound", "UnauthorizedOperation.SmsSdkAppIdVerifyFail", "UnauthorizedOperation.IndividualUserMarketingSmsPermissionDeny":
            return DeliveryFailure(.gone, reason: "腾讯云密钥或短信应用不存在或已停用：请核对 SecretId 和 SmsSdkAppId，修正后重新启用此目标" + said)
        case "FailedOperation.InsufficientBalanceInSmsPackage":
            return DeliveryFailure(.permanent, reason: "短信套餐包余量不足：请管理员在腾讯云购买套餐包后重发" + said)
        case "FailedOperation.TemplateIncorrectOrUnapproved", "FailedOperation.MissingTemplateToModify":
            return DeliveryFailure(.permanent, reason: "短信模板未审核通过或模板 ID 有误：请核对 minqing.yaml 中的 templates" + said)
        case "FailedOperation.SignatureIncorrectOrUnapproved":
            return DeliveryFailure(.permanent, reason: "短信签名未审核通过或与配置不符：请核对 sign_name" + said)
        case "FailedOperation.PhoneNumberInBlacklist", "FailedOperation.PhoneNumberOnBlacklist":
            return DeliveryFailure(.permanent, reason: "该号码已退订或在黑名单中，不再发送" + said)
        default:
            if code.hasPrefix("InternalError") || code.hasPrefix("ResourceUnavailable") {
                return DeliveryFailure(.retryable, reason: "腾讯云短信暂时出错，稍后重试" + said)
            }
            if code.hasPrefix("LimitExceeded") {
                return DeliveryFailure(.rateLimited, reason: "腾讯云短信限流，稍后重试" + said, retryAfter: .seconds(60))
            }
            if code.hasPrefix("AuthFailure") {
                return DeliveryFailure(.permanent, reason: "腾讯云签名校验失败：请核对 SecretId / SecretKey" + said)
            }
            return DeliveryFailure(.permanent, reason: "腾讯云短信拒收" + said)
        }
    }
}
