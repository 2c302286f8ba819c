import Hummingbird
import Synchronization

/// Registers routes on a router and remembers them, so a test can check that the OpenAPI document describes
/// exactly the routes the server answers. Used while building the router, then read-only.
///
/// It also installs `MethodNotAllowedMiddleware` first on the router: a known path asked with a method it does not
/// serve is answered 405 with `Allow`, not 404.
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
    private let index = RouteIndex()

    public init(router: Router<Context>) {
        self.router = router
        router.add(middleware: MethodNotAllowedMiddleware(index: index))
    }

    /// Adds a handler for `method path` (path parameters written `{name}`, as in OpenAPI). Middleware added to the
    /// router before this call applies to the route.
    public func on(
        _ method: HTTPRequest.Method, _ path: String,
        use handler: @escaping @Sendable (Request, Context) async throws -> Response
    ) {
        entries.append(Entry(method: method.rawValue, path: path, access: nil))
        index.add(method: method.rawValue, path: path)
        router.on(RouterPath(path), method: method, use: handler)
    }

    /// Adds an API route that only callers meeting `access` reach (401 without a valid token, 403 naming the
    /// missing scope); the caller is `APIPrincipal.current` in the handler.
    public func on(
        _ method: HTTPRequest.Method, _ path: String, access: RouteGuard,
        use handler: @escaping @Sendable (Request, Context) async throws -> Response
    ) {
        entries.append(Entry(method: method.rawValue, path: path, access: access))
        index.add(method: method.rawValue, path: path)
        router.on(RouterPath(path), method: method) { request, context in
            if case .scopes(let scopes) = access { try APIAccess.require(scopes) }
            return try await handler(request, context)
        }
    }
}

/// The methods each registered path template serves. Filled while the router is built, read by every request.
final class RouteIndex: Sendable {
    private struct Template: Sendable { let segments: [Substring]; var methods: [String] }
    private let templates = Mutex<[Template]>([])

    func add(method: String, path: String) {
        let segments = path.split(separator: "/")
        templates.withLock { list in
            if let i = list.firstIndex(where: { $0.segments == segments }) {
                if !list[i].methods.contains(method) { list[i].methods.append(method) }
            } else {
                list.append(Template(segments: segments, methods: [method]))
            }
        }
    }

    /// The methods served at `path` (a `{name}` segment matches any one segment); nil for an unknown path.
    func methods(for path: String) -> [String]? {
        let parts = path.split(separator: "/")
        return templates.withLock { list in
            let matching = list.filter { t in
                t.segments.count == parts.count
                    && zip(t.segments, parts).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
            }
            return matching.isEmpty ? nil : Array(Set(matching.flatMap(\.methods))).sorted()
        }
    }
}

/// Answers 405 (RFC 9110 §15.5.6, with `Allow`) for a method a known path does not serve — before authentication,
/// since which methods a path has is public (openapi.yaml).
struct MethodNotAllowedMiddleware<Context: RequestContext>: RouterMiddleware {
    let index: RouteIndex

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let methods = index.methods(for: request.uri.path), !methods.contains(request.method.rawValue) {
            throw Problem.methodNotAllowed(methods)
        }
        return try await next(request, context)
    }
}
