import Foundation

/// An IPv4 or IPv6 address as 16 bytes (IPv4 as the IPv4-mapped IPv6 form `::ffff:a.b.c.d`), parsed from text.
/// Pure parsing, no sockets: the web layer compares client addresses with the trusted proxies of the config.
public struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    public let bytes: [UInt8]
    public let isIPv4: Bool

    /// `203.0.113.7`, `2001:db8::1`, `::ffff:10.0.0.1`, `[::1]`; nil for anything else (host names included).
    public init?(_ text: some StringProtocol) {
        var s = String(text).trimmed
        if s.hasPrefix("["), s.hasSuffix("]") { s = String(s.dropFirst().dropLast()) }
        if let zone = s.firstIndex(of: "%") { s = String(s[..<zone]) }
        if let v4 = Self.ipv4(s) {
            bytes = Array(repeating: 0, count: 10) + [0xff, 0xff] + v4
            isIPv4 = true
        } else if let v6 = Self.ipv6(s) {
            bytes = v6
            isIPv4 = v6[0..<10].allSatisfy { $0 == 0 } && v6[10] == 0xff && v6[11] == 0xff
        } else {
            return nil
        }
    }

    /// 127.0.0.0/8 or ::1: the hub's own machine.
    public var isLoopback: Bool {
        isIPv4 ? bytes[12] == 127 : bytes == Array(repeating: 0, count: 15) + [1]
    }

    public var description: String {
        if isIPv4 { return bytes[12...].map(String.init).joined(separator: ".") }
        return stride(from: 0, to: 16, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
            .joined(separator: ":")
    }

    private static func ipv4(_ s: String) -> [UInt8]? {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var out: [UInt8] = []
        for p in parts {
            guard (1...3).contains(p.count), p.allSatisfy({ $0.isASCII && $0.isNumber }), let n = UInt8(p) else { return nil }
            out.append(n)
        }
        return out
    }

    private static func ipv6(_ s: String) -> [UInt8]? {
        guard s.contains(":"), s.count <= 45 else { return nil }
        let halves = s.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String) -> [UInt8]? {
            if part.isEmpty { return [] }
            var out: [UInt8] = []
            let items = part.split(separator: ":", omittingEmptySubsequences: false)
            for (i, item) in items.enumerated() {
                if i == items.count - 1, item.contains("."), let v4 = ipv4(String(item)) { out += v4; continue }
                guard (1...4).contains(item.count), item.allSatisfy(\.isHexDigit), let n = UInt16(item, radix: 16) else { return nil }
                out += [UInt8(n >> 8), UInt8(n & 0xff)]
            }
            return out
        }
        guard let head = groups(halves[0]) else { return nil }
        if halves.count == 1 { return head.count == 16 ? head : nil }
        guard let tail = groups(halves[1]), head.count + tail.count <= 14 else { return nil }
        return head + Array(repeating: 0, count: 16 - head.count - tail.count) + tail
    }
}

/// A block of addresses (`10.0.0.0/8`, `192.168.1.10`, `fd00::/8`), as written in `server.trusted_proxies`.
public struct IPAddressRange: Sendable, Hashable, CustomStringConvertible {
    public let base: IPAddress
    /// Prefix length over the 128-bit form (an IPv4 `/24` is 96 + 24).
    public let prefix: Int

    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddress(parts[0]) else { return nil }
        let maximum = address.isIPv4 ? 32 : 128
        var length = maximum
        if parts.count == 2 {
            guard parts[1].allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(parts[1]), (0...maximum).contains(n) else { return nil }
            length = n
        }
        base = address
        prefix = address.isIPv4 ? 96 + length : length
    }

    public func contains(_ address: IPAddress) -> Bool {
        for bit in 0..<prefix {
            let mask = UInt8(0x80) >> UInt8(bit % 8)
            if address.bytes[bit / 8] & mask != base.bytes[bit / 8] & mask { return false }
        }
        return true
    }

    public var description: String { "\(base)/\(base.isIPv4 ? prefix - 96 : prefix)" }

    /// 127.0.0.0/8 and ::1: a reverse proxy on the hub's own machine.
    public static let loopback: [IPAddressRange] = [IPAddressRange("127.0.0.0/8")!, IPAddressRange("::1")!]
}
