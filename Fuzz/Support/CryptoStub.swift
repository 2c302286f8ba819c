/// Stands in for swift-crypto's `SHA256` in the fuzz build only (the mail parser names attachments by their
/// digest; the digest itself is not under test, and BoringSSL would make the fuzz build as slow as the hub's).
public enum SHA256 {
    public static func hash(data: [UInt8]) -> [UInt8] {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in data { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return (0..<32).map { UInt8(truncatingIfNeeded: h >> (8 * UInt64($0 % 8))) }
    }
}
