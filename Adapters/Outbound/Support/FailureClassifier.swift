import Foundation
import MinqingCore
import MinqingCurl

/// How HTTP answers and transport errors map onto retry decisions; one place for every HTTP-based target.
public enum FailureClassifier {
    /// nil for 2xx. 5xx, 408 and 425 are retried; 429 is rate-limited (honouring Retry-After); 410 means gone;
    /// every other status is permanent.
    public static func classify(_ result: HTTPResult, now: Date) -> DeliveryFailure? {
        let excerpt = excerpt(result.body)
        switch result.status {
        case 200..<300:
            return nil
        case 429:
            return DeliveryFailure(
                .rateLimited, reason: "接收方限流，稍后重试", status: 429, excerpt: excerpt, latency: result.totalTime,
                retryAfter: retryAfter(result.header("Retry-After"), now: now))
        case 410:
            return DeliveryFailure(.gone, reason: "接收方答复地址已失效（410 Gone）", status: 410, excerpt: excerpt, latency: result.totalTime)
        case 408, 425, 500..<600:
            return DeliveryFailure(
                .retryable, reason: "接收方暂时出错", status: result.status, excerpt: excerpt, latency: result.totalTime,
                retryAfter: retryAfter(result.header("Retry-After"), now: now))
        default:
            return DeliveryFailure(
                .permanent, reason: "接收方拒收（HTTP \(result.status)），请核对地址、密钥和消息格式", status: result.status,
                excerpt: excerpt, latency: result.totalTime)
        }
    }

    /// Transport failures: everything a network can do transiently is retried; a request we built badly is not.
    public static func classify(_ error: CurlError) -> DeliveryFailure {
        switch error.kind {
        case .timeout: return DeliveryFailure(.retryable, reason: "连接或等待答复超时：\(error.message)")
        case .couldNotResolve: return DeliveryFailure(.retryable, reason: "无法解析主机名，请检查网络或地址：\(error.message)")
        case .couldNotConnect: return DeliveryFailure(.retryable, reason: "无法连接接收方：\(error.message)")
        case .connectionLost: return DeliveryFailure(.retryable, reason: "连接中断：\(error.message)")
        case .tls: return DeliveryFailure(.retryable, reason: "TLS 加密连接失败，请检查证书：\(error.message)")
        case .loginDenied:
            return DeliveryFailure(.retryable, reason: "邮件服务器拒绝登录，请检查用户名和密码：\(error.serverResponse ?? error.message)")
        case .remoteRejected:
            let code = error.responseCode ?? 0
            return DeliveryFailure(
                (400..<500).contains(code) ? .retryable : .permanent,
                reason: "服务器拒收：\(error.serverResponse ?? error.message)", status: error.responseCode)
        case .invalidRequest, .tooLarge, .notFound:
            return DeliveryFailure(.permanent, reason: "请求无效，请检查通知目标的配置：\(error.message)")
        case .cancelled, .shutdown:
            return DeliveryFailure(.retryable, reason: "系统停止，未发送完成")
        case .other:
            return DeliveryFailure(.retryable, reason: error.message)
        }
    }

    /// The longest wait a receiver's `Retry-After` can ask for: one day (a larger value is read as one day).
    static let maxRetryAfterSeconds = 86_400

    /// `Retry-After` as seconds or an HTTP date, at most `maxRetryAfterSeconds`.
    static func retryAfter(_ value: String?, now: Date) -> Duration? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        let range = 0...maxRetryAfterSeconds
        if let seconds = try? Checked.int(value, field: "Retry-After") { return .seconds(Checked.clamp(seconds, to: range)) }
        // Digits beyond Int: a very long wait, read as the longest.
        if value.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) { return .seconds(range.upperBound) }
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "GMT")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = f.date(from: value) else { return nil }
        let wait = date.timeIntervalSince(now).rounded(.up)
        return .seconds(wait.isFinite ? Checked.clamp(Int(max(0, min(wait, Double(range.upperBound)))), to: range) : 0)
    }

    /// The first 300 bytes of an answer, as text, for the attempt log.
    public static func excerpt(_ body: [UInt8]) -> String {
        let text = String(decoding: body.prefix(300), as: UTF8.self)
        return body.count > 300 ? text + "…" : text
    }
}
