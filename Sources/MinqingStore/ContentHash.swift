import Crypto
import Foundation

public enum ContentHash {
    /// Lower-case hex SHA-256 of `data`: the key attachments are stored under.
    public static func sha256(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}
