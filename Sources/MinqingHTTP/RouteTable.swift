import Hummingbird

/// Registers routes on a router and remembers them, so a test can check that the OpenAPI document describes
/// exactly the routes the server answers. Used while building the router, then read-only.
public final class RouteTable<Context: RequestContext> {
    public struct Entry: Hashable, Sendable, CustomStringConvertible {
        public let method: String
        public let path: String
        /// What the route requires of an API caller; nil for public pages and the console.
        public let access: RouteGuard?
        public var description: String { "\(method) \(path)" }
    }

    public let router: Router<Context>
    public private(set) var entries: [Entry] = []

    public init(router: Router<Context>) { self.router = router }

    /// Adds a handler for `method path` (path parameters written `{name}`, as in OpenAPI). Middleware added to the
    /// router before this call applies to the route.
    public func on(
        _ method: HTTPRequest.Method, _ path: String,
        use handler: @escaping @Sendable (Request, Context) async throws -> Response
    ) {
        entries.append(Entry(method: method.rawValue, path: path, access: nil))
        router.on(RouterPath(path), method: method, use: handler)
    }

    /// Adds an API route that only callers meeting `access` reach (401 without a valid token, 403 naming the
    /// missing scope); the caller is `APIPrincipal.current` in the handler.
    public func on(
        _ method: HTTPRequest.Method, _ path: String, access: RouteGuard,
        use handler: @escaping @Sendable (Request, Context) async throws -> Response
    ) {
        entries.append(Entry(method: method.rawValue, path: path, access: access))
        router.on(RouterPath(path), method: method) { request, context in
            if case .scopes(let scopes) = access { try APIAccess.require(scopes) }
            return try await handler(request, context)
        }
    }
}
