import Foundation
import MinqingCore
import MinqingCurl

/// The shared half of every group robot: POST a JSON body, then read success from the JSON answer, not only from
/// the HTTP status (WeCom and DingTalk answer `{"errcode":0}`, Feishu `{"code":0}`; an HTTP 200 with another code
/// is a failure — docs/domain/robots.md).
public enum RobotPost {
    /// Sends `request` and classifies the answer. `codeKey` names the vendor's result field; `vendorFailure` maps a
    /// non-zero code and its message onto a failure (rate limits, bad keys, sign errors).
    public static func send(
        _ request: HTTPRequestSpec, with client: CurlClient, now: Date, codeKey: String,
        vendorFailure: (_ code: Int, _ message: String) -> DeliveryFailure
    ) async -> DeliveryOutcome {
        let result: HTTPResult
        do {
            result = try await client.send(request)
        } catch {
            return .failed(FailureClassifier.classify(error))
        }
        if var failure = FailureClassifier.classify(result, now: now) {
            if let (code, message) = answerCode(result.body, key: codeKey), code != 0 {
                failure = vendorFailure(code, message)
                failure.status = result.status
            }
            return .failed(failure)
        }
        let excerpt = FailureClassifier.excerpt(result.body)
        guard let (code, message) = answerCode(result.body, key: codeKey) else {
            return .failed(DeliveryFailure(
                .retryable, reason: "机器人接口的答复无法识别（缺少 \(codeKey)），稍后重试", status: result.status,
                excerpt: excerpt, latency: result.totalTime))
        }
        guard code == 0 else {
            var failure = vendorFailure(code, message)
            failure.status = result.status
            failure.excerpt = excerpt
            failure.latency = result.totalTime
            return .failed(failure)
        }
        return .delivered(DeliveryReceipt(status: result.status, excerpt: excerpt, latency: result.totalTime))
    }

    /// `(code, message)` from a JSON object answer, if it has `key`.
    static func answerCode(_ body: [UInt8], key: String) -> (Int, String)? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
              let code = (object[key] as? NSNumber)?.intValue
        else { return nil }
        let message = (object["errmsg"] ?? object["msg"]) as? String ?? ""
        return (code, message)
    }

    /// Compact JSON with Chinese kept as UTF-8 (vendors count bytes).
    public static func json(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        return String(decoding: (try? encoder.encode(value)) ?? Data("{}".utf8), as: UTF8.self)
    }
}
