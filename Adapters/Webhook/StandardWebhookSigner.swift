import Crypto
import Foundation

/// Standard Webhooks signatures (FACTS §3): `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`,
/// one `v1,…` per secret (space-separated) so a receiver can rotate secrets without missing a message.
public struct StandardWebhookSigner: Sendable {
    private let keys: [SymmetricKey]

    /// `secrets` as `whsec_<base64>`; a secret without the prefix is used as raw bytes of its UTF-8 text.
    public init(secrets: [String]) throws(WebhookSecretError) {
        keys = try secrets.map { secret throws(WebhookSecretError) in
            if secret.hasPrefix("whsec_") {
                guard let data = Data(base64Encoded: String(secret.dropFirst(6))), !data.isEmpty else {
                    throw WebhookSecretError(reason: "签名密钥 whsec_ 后应为 base64 编码的字节，请重新生成（如 whsec_$(openssl rand -base64 32)）")
                }
                return SymmetricKey(data: data)
            }
            guard !secret.isEmpty else { throw WebhookSecretError(reason: "签名密钥为空") }
            return SymmetricKey(data: Data(secret.utf8))
        }
    }

    public var isSigning: Bool { !keys.isEmpty }

    /// The `webhook-signature` header value for one message.
    public func signature(id: String, timestamp: Int, body: [UInt8]) -> String {
        var content = Array("\(id).\(timestamp).".utf8)
        content += body
        return keys.map { key in
            "v1," + Data(HMAC<SHA256>.authenticationCode(for: content, using: key)).base64EncodedString()
        }.joined(separator: " ")
    }
}

public struct WebhookSecretError: Error, Sendable, CustomStringConvertible {
    public var reason: String
    public var description: String { reason }
}
