#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// A TCP port on 127.0.0.1 that was free a moment ago, for a server a test starts (Dovecot, PostgreSQL, a hub
/// process). Nothing listens on it afterwards (until the server binds it), so connecting is refused.
///
/// Ports come from 20000–32767, below Linux's ephemeral range (32768–60999): a port handed out by binding port 0
/// is an ephemeral one, and between picking and the server binding it the kernel may give it to one of the many
/// outgoing connections the tests make ("Address already in use" under load). Within one process each pick is a
/// new port (an atomic counter from a start that depends on the process id, so parallel test processes start
/// apart), and each is checked by binding it once.
public enum FreePort {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        public init(description: String) { self.description = description }
    }

    static let range = 20000...32767
    private static let next = Atomic<Int>(Int(getpid()) &* 7919)

    public static func pick() throws -> Int {
        for _ in 0..<range.count {
            let n = next.add(1, ordering: .relaxed).newValue
            let port = range.lowerBound + ((n % range.count) + range.count) % range.count
            if try bindable(port) { return port }
        }
        throw Failure(description: "no free port in \(range) on 127.0.0.1")
    }

    /// Whether `port` can be bound on 127.0.0.1 right now (bound, then closed at once).
    static func bindable(_ port: Int) throws -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket() failed: errno \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return bound == 0
    }
}
