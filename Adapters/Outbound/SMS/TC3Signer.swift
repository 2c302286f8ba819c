import Crypto
import Foundation

/// Tencent Cloud API signature v3, `TC3-HMAC-SHA256` (docs/domain/sms.md#tencent-signature).
///
/// The canonical request is `POST\n/\n\ncontent-type:<ct>\nhost:<host>\n\ncontent-type;host\n<hex sha256 body>`;
/// the string to sign is `TC3-HMAC-SHA256\n<timestamp>\n<date>/<service>/tc3_request\n<hex sha256 canonical>`;
/// the key is HMAC-SHA256 chained over `"TC3" + secretKey` → UTC date → service → `tc3_request`.
public struct TC3Signer: Sendable {
    public let secretID: String
    let secretKey: String
    public let service: String

    public init(secretID: String, secretKey: String, service: String = "sms") {
        self.secretID = secretID
        self.secretKey = secretKey
        self.service = service
    }

    /// `2026-11-22` for a Unix timestamp (UTC, as the signature wants).
    public static func utcDate(_ timestamp: Int) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: TimeInterval(timestamp)))
        return String(format: "%04d-%02d-%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
    }

    /// The `Authorization` header of a POST to `/` with `contentType`, `host` and `body`.
    public func authorization(contentType: String, host: String, body: [UInt8], timestamp: Int) -> String {
        let date = Self.utcDate(timestamp)
        let canonical = "POST\n/\n\ncontent-type:\(contentType)\nhost:\(host)\n\ncontent-type;host\n" + Hex.sha256(body)
        let scope = "\(date)/\(service)/tc3_request"
        let toSign = "TC3-HMAC-SHA256\n\(timestamp)\n\(scope)\n" + Hex.sha256(Array(canonical.utf8))
        let kDate = Hex.hmac(key: Array(("TC3" + secretKey).utf8), date)
        let kService = Hex.hmac(key: kDate, service)
        let kSigning = Hex.hmac(key: kService, "tc3_request")
        let signature = Hex.encode(Hex.hmac(key: kSigning, toSign))
        return "TC3-HMAC-SHA256 Credential=\(secretID)/\(scope), SignedHeaders=content-type;host, Signature=\(signature)"
    }
}

/// Aliyun OpenAPI signature v3, `ACS3-HMAC-SHA256` (docs/domain/sms.md#aliyun-signature).
///
/// Canonical request: method, `/` (RPC style), the sorted RFC 3986-encoded query, the signed headers as
/// `name:value\n` sorted by lower-case name, their names joined by `;`, and the hex SHA-256 of the body; the string
/// to sign is `ACS3-HMAC-SHA256\n<hex sha256 canonical>`, signed with HMAC-SHA256 under the AccessKey secret.
public struct ACS3Signer: Sendable {
    public let accessKeyID: String
    let accessKeySecret: String

    public init(accessKeyID: String, accessKeySecret: String) {
        self.accessKeyID = accessKeyID
        self.accessKeySecret = accessKeySecret
    }

    /// RFC 3986 percent-encoding: only `A–Z a–z 0–9 - _ . ~` stay as they are.
    public static func percentEncode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }

    /// `a=1&b=2`, sorted by name, names and values encoded.
    public static func canonicalQuery(_ query: [(String, String)]) -> String {
        query.sorted { $0.0 < $1.0 }.map { "\(percentEncode($0.0))=\(percentEncode($0.1))" }.joined(separator: "&")
    }

    /// The `Authorization` header. `headers` are the headers to sign (names in any case), including
    /// `x-acs-content-sha256` with `Hex.sha256(body)`.
    public func authorization(method: String, query: [(String, String)], headers: [(String, String)], body: [UInt8]) -> String {
        let signed = headers.map { ($0.0.lowercased(), $0.1.trimmingCharacters(in: .whitespaces)) }.sorted { $0.0 < $1.0 }
        let names = signed.map(\.0).joined(separator: ";")
        let canonical = "\(method)\n/\n\(Self.canonicalQuery(query))\n"
            + signed.map { "\($0.0):\($0.1)\n" }.joined() + "\n\(names)\n" + Hex.sha256(body)
        let toSign = "ACS3-HMAC-SHA256\n" + Hex.sha256(Array(canonical.utf8))
        let signature = Hex.encode(Hex.hmac(key: Array(accessKeySecret.utf8), toSign))
        return "ACS3-HMAC-SHA256 Credential=\(accessKeyID),SignedHeaders=\(names),Signature=\(signature)"
    }
}

enum Hex {
    static func encode(_ bytes: some Sequence<UInt8>) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    static func sha256(_ bytes: [UInt8]) -> String { encode(SHA256.hash(data: bytes)) }

    static func hmac(key: [UInt8], _ message: String) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Array(message.utf8), using: SymmetricKey(data: key)))
    }
}
