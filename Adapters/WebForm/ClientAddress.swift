import Foundation
import HTTPTypes
import Hummingbird

/// The client's address as the rate limits see it: the socket peer, or the first `X-Forwarded-For` entry when the
/// hub runs behind the office's own reverse proxy.
public enum ClientAddress {
    public static func of(_ request: Request, context: some RequestContext, trustForwardedFor: Bool) -> String {
        if trustForwardedFor, let forwarded = request.headers[HTTPField.Name("X-Forwarded-For")!] {
            let first = forwarded.split(separator: ",").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            if !first.isEmpty { return first }
        }
        if let remote = (context as? any RemoteAddressRequestContext)?.remoteAddress, let ip = remote.ipAddress {
            return ip
        }
        return "unknown"
    }
}
