import Crypto
import Foundation

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
