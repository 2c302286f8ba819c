import Crypto
import Foundation

/// Standard Webhooks signatures (docs/domain/robots.md#standard-webhooks): …
/// one `v1,…` per secret (space-separated) so a receiver can rotate secrets without missing a message. The hub signs
/// what it sends (the webhook target) and verifies what counties send back (acknowledgements of forwarded cases).
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

    /// True when one of the `v1,` signatures in `header` is this signer's for the message (any of its secrets).
    /// Compares in constant time.
    public func verifies(header: String, id: String, timestamp: Int, body: [UInt8]) -> Bool {
        let expected = Set(signature(id: id, timestamp: timestamp, body: body).split(separator: " ").map(String.init))
        let given = header.split(separator: " ").map(String.init).filter { $0.hasPrefix("v1,") }
        return given.contains { g in
            expected.contains { e in
                e.utf8.count == g.utf8.count && zip(e.utf8, g.utf8).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
            }
        }
    }

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
