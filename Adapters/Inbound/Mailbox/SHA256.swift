import Crypto
import Foundation

extension SHA256 {
    /// Lower-case hex digest of `bytes`: the key attachments are stored under.
    static func hex(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }
}
