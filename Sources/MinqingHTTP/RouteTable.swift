import Hummingbird

/// Registers routes on a router and remembers them, so a test can check that the OpenAPI document describes
/// exactly the routes the server answers. Used while building the router, then read-only.
public final class RouteTable<Context: RequestContext> {
    public struct Entry: Hashable, Sendable, CustomStringConvertible {
        public let method: String
        public let path: String
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
        entries.append(Entry(method: method.rawValue, path: path))
        router.on(RouterPath(path), method: method, use: handler)
    }
}
