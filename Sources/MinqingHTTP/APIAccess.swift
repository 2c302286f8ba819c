import Crypto
import Foundation
import Hummingbird
import MinqingCore

/// Who is calling the API: the integration a token belongs to, and what it may do.
public struct APIPrincipal: Sendable, Hashable {
    /// The token's name in `api.tokens` (for messages).
    public var name: String
    /// The audit actor of everything done with this credential.
    public var identity: String
    public var scopes: Set<APIScope>

    public init(name: String, identity: String, scopes: Set<APIScope>) {
        self.name = name
        self.identity = identity
        self.scopes = scopes
    }

    public func has(_ scope: APIScope) -> Bool { scopes.contains(scope) }

    /// The caller of the request being handled, bound by `BearerAuthMiddleware` for the handler's task.
    /// nil: no (valid) bearer token came with the request.
    @TaskLocal public static var current: APIPrincipal?
}

/// One configured credential: a token and the principal it stands for.
public struct APICredential: Sendable {
    public var principal: APIPrincipal
    let digest: SHA256.Digest

    public init(token: String, principal: APIPrincipal) {
        self.principal = principal
        digest = SHA256.hash(data: Data(token.utf8))
    }
}

/// The configured credentials; finds the principal a presented token belongs to.
public struct APICredentials: Sendable {
    private let credentials: [APICredential]

    public init(_ credentials: [APICredential]) { self.credentials = credentials }

    /// The principal of `token`, comparing fixed-size digests so timing tells nothing about the tokens.
    public func principal(forToken token: String) -> APIPrincipal? {
        let presented = SHA256.hash(data: Data(token.utf8))
        var found: APIPrincipal?
        for c in credentials where c.digest == presented { found = c.principal }
        return found
    }

    /// The principal of the request's `Authorization: Bearer` header: nil when there is none; 401 when the
    /// header names no configured token.
    public func principal(of request: Request) throws -> APIPrincipal? {
        guard let header = request.headers[.authorization] else { return nil }
        guard header.lowercased().hasPrefix("bearer "),
              let principal = principal(forToken: String(header.dropFirst(7)).trimmingEdges(.whitespaces))
        else { throw Problem.unauthorized }
        return principal
    }
}

/// What a route requires of its caller; the route table checks it before the handler runs.
public enum RouteGuard: Sendable, Hashable, CustomStringConvertible {
    /// A bearer token with every one of these scopes.
    case scopes([APIScope])
    /// A bearer token with this scope, or a request the handler authenticates itself (a signature): the handler
    /// must call `APIAccess.principal` or verify the request, never serve it unchecked.
    case scopeOrSigned(APIScope)

    public static func scope(_ s: APIScope) -> RouteGuard { .scopes([s]) }

    public var description: String {
        switch self {
        case .scopes(let s): s.map(\.rawValue).joined(separator: "+")
        case .scopeOrSigned(let s): "\(s.rawValue)|signed"
        }
    }
}

public enum APIAccess {
    /// The current principal if it has every scope in `scopes`; 401 without a principal, 403 naming what is missing.
    @discardableResult
    public static func require(_ scopes: [APIScope]) throws -> APIPrincipal {
        guard let principal = APIPrincipal.current else { throw Problem.unauthorized }
        let missing = scopes.filter { !principal.has($0) }
        guard missing.isEmpty else { throw Problem.missingScope(missing, token: principal.name) }
        return principal
    }
}

extension Problem {
    /// 403: the token is valid but may not do this; says which scope to add where.
    public static func missingScope(_ scopes: [APIScope], token: String) -> Problem {
        let names = scopes.map { "\($0.rawValue)（\($0.displayName)）" }.joined(separator: "、")
        let list = scopes.map(\.rawValue).joined(separator: ", ")
        return Problem(.forbidden, kind: "forbidden", title: "权限不足",
                       detail: "令牌「\(token)」没有 \(names) 权限：如确需此功能，请管理员在 minqing.yaml 的 api.tokens 中为它的 scopes 加上 \(list)，或改用有此权限的令牌。")
    }
}
