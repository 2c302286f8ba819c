import Foundation
import HTTPTypes
import Hummingbird
import MinqingCore

/// The client's address as rate limits and the loopback rule see it.
///
/// Without trusted proxies it is the socket peer. When the peer is one of the trusted proxies, it is the
/// rightmost `X-Forwarded-For` entry that is not a trusted proxy: every proxy appends the address it saw, so
/// entries left of the first untrusted one were written by the client and prove nothing.
public enum ClientAddress {
    /// What a request's origin resolved to.
    public struct Origin: Sendable, Hashable {
        /// The address limits count against (`unknown` when the peer has no IP address).
        public var key: String
        /// The client is the hub's own machine (loopback), not only its proxy.
        public var isLoopback: Bool
    }

    /// A peer without an IP address (a Unix socket, or an in-process test channel) is on this machine: it counts
    /// as loopback.
    public static func origin(_ request: Request, context: some RequestContext, trustedProxies: [IPAddressRange]) -> Origin {
        let remote = (context as? any RemoteAddressRequestContext)?.remoteAddress
        let peer: IPAddress? = if let ip = remote?.ipAddress { IPAddress(ip) } else { IPAddress("::1") }
        let forwarded = request.headers[values: HTTPField.Name("X-Forwarded-For")!].joined(separator: ",")
        return resolve(peer: peer, forwardedFor: forwarded, trustedProxies: trustedProxies)
    }

    /// The decision alone, for tests and for callers that know the peer: `peer` nil means unknown (never trusted).
    public static func resolve(peer: IPAddress?, forwardedFor: String, trustedProxies: [IPAddressRange]) -> Origin {
        guard let peer else { return Origin(key: "unknown", isLoopback: false) }
        func trusted(_ a: IPAddress) -> Bool { trustedProxies.contains { $0.contains(a) } }
        guard trusted(peer), !forwardedFor.isEmpty else { return Origin(key: peer.description, isLoopback: peer.isLoopback) }
        var client = peer
        for entry in forwardedFor.split(separator: ",").reversed() {
            guard let hop = IPAddress(entry) else {
                // Not an address (a proxy that writes names, or garbage to the left): the client is unknown.
                return Origin(key: "forwarded:" + entry.trimmingCharacters(in: .whitespaces).prefix(64), isLoopback: false)
            }
            client = hop
            if !trusted(hop) { break }
        }
        return Origin(key: client.description, isLoopback: client.isLoopback)
    }
}
