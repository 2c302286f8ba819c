import Foundation
import Hummingbird
import Logging
import MinqingConfig
import MinqingCore
import MinqingHTTP
import MinqingStore
import Prometheus

/// Routes a part outside the web layer (an inbound adapter) adds to the hub's router; the composition root
/// (`HubAssembly` in MinqingApp) collects them, so the web layer imports no adapter.
public struct RouteRegistration: Sendable {
    public enum Placement: Sendable {
        /// Before the bearer-token middleware: public pages, or routes that check their own credentials.
        case publicPages
        /// Behind the bearer-token middleware: `/api/v1/…` routes naming the scope they need (`RouteGuard`).
        case api
    }

    public var placement: Placement
    public var register: @Sendable (RouteTable<HubRequestContext>) throws -> Void

    public init(_ placement: Placement, register: @escaping @Sendable (RouteTable<HubRequestContext>) throws -> Void) {
        self.placement = placement
        self.register = register
    }
}

/// What the web layer needs; the composition root (`HubAssembly`) and the tests build one.
public struct WebDependencies: Sendable {
    public var config: HubConfig
    public var store: any CaseLedger & OutboxLedger
    /// Sessions, feed secrets, look-up attempts and hub keys (the same store as the ledger).
    public var access: any AccessStore
    /// The API tokens of `config`, with their scopes and identities.
    public var credentials: APICredentials
    public var intake: any MessageIntake
    public var clock: any WallClock
    public var registry: PrometheusCollectorRegistry
    /// Named checks `/readyz` runs besides the store (mail pollers, dispatcher …).
    public var readinessChecks: [ReadinessCheck]
    /// What `/readyz` adds for this machine or a `metrics` token: the store, the jobs this instance leads.
    public var readinessDetails: @Sendable () -> [String: String] = { [:] }
    /// The inbound adapters' routes (web form, Open311, JSON intake, letters, hotline).
    public var routes: [RouteRegistration]
    /// Where console uploads are spooled while a form is read (under the data directory).
    public var spool: FormSpool?
    /// Console accounts; nil serves no console.
    public var users: StaffUsers?
    /// The running configuration's status (hash, last reload, a failed reload's errors) when it can be reloaded.
    public var configHolder: ConfigHolder?
    /// Re-reads the configuration directory now (the console's button); the argument names who asked.
    public var reload: (@Sendable (String) async -> ConfigStatus)?

    public init<Store: CaseLedger & OutboxLedger & AccessStore>(
        config: HubConfig, store: Store, intake: any MessageIntake, clock: any WallClock = SystemClock(),
        registry: PrometheusCollectorRegistry, readinessChecks: [ReadinessCheck] = [], routes: [RouteRegistration] = [],
        spool: FormSpool? = nil, users: StaffUsers? = nil
    ) {
        self.routes = routes
        self.spool = spool
        self.users = users
        self.config = config
        self.store = store
        self.access = store
        credentials = Self.credentials(of: config)
        self.intake = intake
        self.clock = clock
        self.registry = registry
        self.readinessChecks = readinessChecks
    }
}

/// One component's readiness: throws (with a message saying what is wrong) when it cannot serve.
public struct ReadinessCheck: Sendable {
    public var name: String
    public var check: @Sendable () async throws -> Void

    public init(name: String, check: @escaping @Sendable () async throws -> Void) {
        self.name = name
        self.check = check
    }
}

extension WebDependencies {
    /// The API tokens of `config`, with their scopes and identities.
    public static func credentials(of config: HubConfig) -> APICredentials {
        APICredentials(config.api.tokens.map {
            APICredential(token: $0.token.value, principal: APIPrincipal(name: $0.name, identity: $0.identity, scopes: $0.scopes))
        })
    }

    /// The reverse proxies whose `X-Forwarded-For` is believed.
    public var trustedProxies: [IPAddressRange] { config.trustedProxies }
}

public enum HubRouter {
    /// Builds the hub's router. Public routes first; everything under `/api/v1` needs a bearer token whose scopes
    /// the route names (`RouteGuard`), or — for county acknowledgements — a signature.
    /// Public pages and the console (cookie sessions) come before the bearer-token middleware.
    public static func build(_ deps: WebDependencies) throws -> RouteTable<HubRequestContext> {
        let router = Router(context: HubRequestContext.self)
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: FailureMiddleware())
        let routes = RouteTable(router: router)
        HealthRoutes(deps: deps).register(on: routes)
        DutyCalendarRoutes(deps: deps).register(on: routes)
        for registration in deps.routes where registration.placement == .publicPages { try registration.register(routes) }
        if let users = deps.users {
            try ConsoleRoutes(deps: deps, users: users).register(on: routes)
            routes.on(.get, "/console/assets/{name}") { _, context in
                StaticAssets.response(named: context.parameters.get("name") ?? "", in: .module) ?? Response(status: .notFound)
            }
        }
        router.add(middleware: BearerAuthMiddleware(credentials: deps.credentials))
        for registration in deps.routes where registration.placement == .api { try registration.register(routes) }
        CaseRoutes(deps: deps).register(on: routes)
        ForwardedRoutes(deps: deps).register(on: routes)
        return routes
    }

    /// The server application for `deps`, listening on the configured (or given) address.
    public static func application(
        _ deps: WebDependencies, host: String, port: Int, logger: Logger,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        application(responder: try build(deps).router.buildResponder(), deps: deps, host: host, port: port, logger: logger,
                    onServerRunning: onServerRunning)
    }

    /// The server application answering with `responder` (a router that a configuration reload can replace).
    public static func application<Responder: HTTPResponder>(
        responder: Responder, deps: WebDependencies, host: String, port: Int, logger: Logger,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol where Responder.Context == HubRequestContext {
        Application(
            responder: responder,
            // A connection that sends nothing for this long is closed (half-sent headers included): docs/limits.md.
            server: .http1(configuration: .init(idleTimeout: .seconds(Int64(deps.config.server.idleTimeoutSeconds)))),
            configuration: .init(address: .hostname(host, port: port), serverName: "minqing"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
            logger: logger)
    }
}
