import Foundation
import HotlineAdapter
import Hummingbird
import JSONIntakeAdapter
import Logging
import MailboxAdapter
import MinqingConfig
import MinqingCore
import MinqingHTTP
import MinqingStore
import Prometheus
import WebFormAdapter

/// What the web layer needs; the composition root (`minqing serve`) and the tests build one.
public struct WebDependencies: Sendable {
    public var config: HubConfig
    public var store: any CaseStore
    /// Sessions, feed secrets, look-up attempts and hub keys (the same store as the ledger).
    public var access: any AccessStore
    /// The API tokens of `config`, with their scopes and identities.
    public var credentials: APICredentials
    public var intake: any MessageIntake
    public var clock: any WallClock
    public var registry: PrometheusCollectorRegistry
    /// Named checks `/readyz` runs besides the store (mail pollers, dispatcher …).
    public var readinessChecks: [ReadinessCheck]
    /// The hotline channel's intake, when configured (`hotline:`); its routes are served then.
    public var hotline: HotlineIntake?
    /// The public form's limits and token key; nil serves no public pages.
    public var webForm: WebFormSettings?
    /// Console accounts; nil serves no console.
    public var users: StaffUsers?

    public init<Store: CaseStore & AccessStore>(
        config: HubConfig, store: Store, intake: any MessageIntake, clock: any WallClock = SystemClock(),
        registry: PrometheusCollectorRegistry, readinessChecks: [ReadinessCheck] = [], hotline: HotlineIntake? = nil,
        webForm: WebFormSettings? = nil, users: StaffUsers? = nil
    ) {
        self.webForm = webForm
        self.users = users
        self.hotline = hotline
        self.config = config
        self.store = store
        self.access = store
        credentials = APICredentials(config.api.tokens.map {
            APICredential(token: $0.token.value, principal: APIPrincipal(name: $0.name, identity: $0.identity, scopes: $0.scopes))
        })
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
        let routes = RouteTable(router: router)
        HealthRoutes(deps: deps).register(on: routes)
        DutyCalendarRoutes(deps: deps).register(on: routes)
        if let settings = deps.webForm {
            try WebFormRoutes(intake: deps.intake, store: deps.store, attempts: deps.access, directory: deps.config.directory, clock: deps.clock,
                              settings: settings, timeZone: deps.config.office.timeZone,
                              schedules: deps.config.schedules?.schedules, calendar: deps.config.routing?.calendar).register(on: routes)
        }
        Open311Routes(intake: deps.intake, store: deps.store, directory: deps.config.directory, clock: deps.clock,
                      credentials: deps.credentials, timeZone: deps.config.office.timeZone).register(on: routes)
        if let users = deps.users {
            try ConsoleRoutes(deps: deps, users: users).register(on: routes)
            routes.on(.get, "/console/assets/{name}") { _, context in
                ConsoleAssets.response(named: context.parameters.get("name") ?? "") ?? Response(status: .notFound)
            }
        }
        router.add(middleware: BearerAuthMiddleware(credentials: deps.credentials))
        JSONIntakeRoutes(
            intake: deps.intake,
            limits: IntakeLimits(maxAttachments: deps.config.intake.maxAttachments,
                                 maxAttachmentBytes: deps.config.intake.maxAttachmentBytes),
            maxBodyBytes: deps.config.server.intakeBodyLimit, timeZone: deps.config.office.timeZone
        ).register(on: routes)
        PaperLetterRoutes(
            intake: deps.intake, maxBodyBytes: deps.config.server.lettersBodyLimit,
            maxScans: deps.config.intake.maxAttachments, maxScanBytes: deps.config.intake.maxAttachmentBytes,
            timeZone: deps.config.office.timeZone
        ).register(on: routes)
        CaseRoutes(deps: deps).register(on: routes)
        ForwardedRoutes(deps: deps).register(on: routes)
        if let hotline = deps.hotline {
            HotlineRoutes(hotline: hotline, maxBodyBytes: deps.config.server.bodyLimits.hotline).register(on: routes)
        }
        return routes
    }

    /// The server application for `deps`, listening on the configured (or given) address.
    public static func application(
        _ deps: WebDependencies, host: String, port: Int, logger: Logger,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        Application(
            router: try build(deps).router,
            // A connection that sends nothing for this long is closed (half-sent headers included): docs/limits.md.
            server: .http1(configuration: .init(idleTimeout: .seconds(Int64(deps.config.server.idleTimeoutSeconds)))),
            configuration: .init(address: .hostname(host, port: port), serverName: "minqing"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
            logger: logger)
    }
}
