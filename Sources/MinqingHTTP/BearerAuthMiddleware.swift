import Crypto
import Foundation
import Hummingbird

/// Requires `Authorization: Bearer <token>` matching one of the configured tokens (compared in constant time).
public struct BearerAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    private let digests: [SHA256.Digest]

    public init(tokens: [String]) {
        digests = tokens.map { SHA256.hash(data: Data($0.utf8)) }
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else {
            throw Problem.unauthorized
        }
        let presented = SHA256.hash(data: Data(header.dropFirst(7).trimmingCharacters(in: .whitespaces).utf8))
        // Comparing fixed-size digests with `==` on swift-crypto digests is constant-time.
        guard digests.contains(where: { $0 == presented }) else { throw Problem.unauthorized }
        return try await next(request, context)
    }
}
