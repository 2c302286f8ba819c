import Foundation
import HTTPTypes
import Hummingbird

/// Finds the caller of every request it sees by its `Authorization: Bearer <token>` header and binds it as
/// `APIPrincipal.current` for the handler. A token that matches no credential is refused (401) here; a request
/// with no token at all is refused too, unless it carries a Standard Webhooks signature (`webhook-signature`)
/// for a route that accepts signed requests to check. Scopes are checked by each route (`RouteGuard`).
public struct BearerAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    private let credentials: APICredentials

    public init(credentials: APICredentials) {
        self.credentials = credentials
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let principal = try credentials.principal(of: request)
        if principal == nil, request.headers[HTTPField.Name("webhook-signature")!] == nil { throw Problem.unauthorized }
        return try await APIPrincipal.$current.withValue(principal) { try await next(request, context) }
    }
}
