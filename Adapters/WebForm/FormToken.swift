import Crypto
import Foundation
import MinqingStore

/// The hidden token of one rendered form: a random nonce (the message's source reference, so a double tap or a
/// retry makes one case) and the time the form was shown, signed so a script cannot forge the fill time.
public struct FormToken: Sendable, Hashable {
    public var nonce: String
    public var issuedAt: Date

    public static func issue(at now: Date) -> FormToken {
        var rng = SystemRandomNumberGenerator()
        let bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &rng) }
        return FormToken(nonce: bytes.map { String(format: "%02x", $0) }.joined(), issuedAt: now)
    }

    public func encoded(key: Data) -> String {
        let payload = "\(Int(issuedAt.timeIntervalSince1970)).\(nonce)"
        return payload + "." + Self.signature(payload, key: key)
    }

    /// The token in `text` if its signature is valid.
    public static func decode(_ text: String, key: Data) -> FormToken? {
        let parts = text.split(separator: ".")
        guard parts.count == 3, let seconds = Int(parts[0]), parts[1].count == 32 else { return nil }
        let payload = "\(parts[0]).\(parts[1])"
        let expected = Data(signature(payload, key: key).utf8), given = Data(parts[2].utf8)
        guard expected.count == given.count, zip(expected, given).reduce(0, { $0 | ($1.0 ^ $1.1) }) == 0 else { return nil }
        return FormToken(nonce: String(parts[1]), issuedAt: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }

    static func signature(_ payload: String, key: Data) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(payload.utf8), using: SymmetricKey(data: key))
        return Data(mac).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}

/// The 8-digit code a citizen quotes with the case id to look a case up. Derived from the case's source reference,
/// which for web-form and walk-in cases holds a 128-bit random nonce the public never sees, so nothing new is stored.
public enum LookupCode {
    /// Channels whose source reference the hub generated at random.
    public static func code(channelIsGenerated: Bool, sourceRef: String) -> String? {
        guard channelIsGenerated else { return nil }
        let digest = SHA256.hash(data: Data("minqing-lookup:\(sourceRef)".utf8))
        let n = digest.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return String(format: "%08llu", n % 100_000_000)
    }
}

/// The key form tokens are signed with, made once and kept in the store: a form shown before a restart (or by
/// another hub instance on the same store) is still accepted.
public enum FormTokenKey {
    /// The name the key is kept under (`HubSecretStore`).
    public static let name = "webform.token-key"

    public static func load(from store: any HubSecretStore) async throws -> Data {
        try await store.hubSecret(named: name) {
            var rng = SystemRandomNumberGenerator()
            return Data((0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) })
        }
    }
}
