import Crypto
import Foundation

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
