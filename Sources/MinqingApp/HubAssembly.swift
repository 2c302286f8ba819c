import Foundation
import HotlineAdapter
import Hummingbird
import JSONIntakeAdapter
import Logging
import MailboxAdapter
import Metrics
import MinqingConfig
import MinqingCore
import MinqingCurl
import MinqingDispatch
import MinqingHTTP
import MinqingRouting
import MinqingStore
import MinqingStorePostgres
import MinqingWeb
import Prometheus
import ServiceLifecycle
import WebFormAdapter

/// What a hub is built from besides its configuration: where its data lives, its clock, its metrics.
public struct HubEnvironment: Sendable {
    /// `--data`: the SQLite ledger (unless `storage.postgres` is set), the upload spool.
    public var dataDirectory: URL
    public var clock: any SleepingClock
    public var registry: PrometheusCollectorRegistry
    public var logger: Logger
    /// bcrypt work factor of console passwords (tests lower it).
    public var passwordCost: UInt8
    /// Loads `demo/messages.json` into an empty ledger (`serve --demo`).
    public var demo: Bool
    /// The configuration directory a reload re-reads (nil: the hub cannot reload), and the environment its
    /// `${VARIABLES}` are read from.
    public var configDirectory: URL?
    public var configEnvironment: [String: String] = ProcessInfo.processInfo.environment
    /// Called after each delivery attempt is recorded, and when the dispatcher's lanes changed (`Dispatcher`'s
    /// `observer` and `onLanes`; tests wait on them).
    public var onDelivery: @Sendable (DeliveryRecord) -> Void = { _ in }
    public var onLanes: @Sendable (_ active: Set<String>, _ retiring: Set<String>) -> Void = { _, _ in }
    /// How long case changes gather before the scheduler looks again (`Scheduler`'s `settle`): one pass per 2 s
    /// under steady intake instead of one per commit. Tests on a manual clock set 0.
    public var schedulerSettle: TimeInterval = 2

    public init(
        dataDirectory: URL, clock: any SleepingClock = SystemClock(), registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
        logger: Logger = Logger(label: "minqing"), passwordCost: UInt8 = 12, demo: Bool = false, configDirectory: URL? = nil
    ) {
        self.configDirectory = configDirectory
        self.dataDirectory = dataDirectory
        self.clock = clock
        self.registry = registry
        self.logger = logger
        self.passwordCost = passwordCost
        self.demo = demo
    }
}

/// The whole hub as `minqing serve` runs it: the ledger, intake, every channel's adapter, the dispatcher with one
/// lane per target, the scheduler, the mail pollers and call-record followers, and the web application.
///
/// `HubAssembly.build` is the one composition root: `serve`, the operator commands and the tests build the hub
/// here and nowhere else, so a test can start exactly the hub `serve` runs (docs/architecture.md).
public struct Hub: Sendable {
    public let config: HubConfig
    public let environment: HubEnvironment
    /// The ledger: SQLite under `--data`, or the PostgreSQL database several instances share (`storage`).
    public let store: any HubStore
    /// Which instance runs the jobs only one may run; every name is this process's on SQLite.
    public let leadership: any Leadership
    /// The jobs only one instance may run that this instance runs now (every configured one on SQLite).
    public let leaders: LeaderBoard
    public let intake: IntakeService
    /// The notification side as built at start-up; a reload gives the dispatcher the new configuration's.
    public let notifications: NotificationSetup
    /// What the web layer serves (routes of every inbound adapter included), as built at start-up; after a
    /// configuration reload the server answers from `reloader.responder`, built from the new configuration.
    public let web: WebDependencies
    /// The background services: dispatcher, scheduler (when schedules are configured), mail pollers, CDR follower.
    public let services: [any Service]
    /// The libcurl client every outbound target and IMAP poller shares; `shutdown()` ends it.
    public let client: CurlClient
    /// Re-reads the configuration (SIGHUP, `minqing reload`, the console); its responder serves the web routes.
    public let reloader: HubReloader

    /// The HTTP application on `host:port` (port 0: any free port, reported to `onServerRunning`).
    public func application(
        host: String, port: Int, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        HubRouter.application(responder: reloader.responder, deps: web, host: host, port: port, logger: environment.logger,
                              onServerRunning: onServerRunning)
    }

    /// Runs the application and every service until SIGTERM/SIGINT (or the task is cancelled), then ends the
    /// client after in-flight transfers.
    public func run(host: String, port: Int, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let app = try application(host: host, port: port, onServerRunning: onServerRunning)
        let group = ServiceGroup(
            services: [app, ReloadOnHangup(reloader: reloader)] + services, gracefulShutdownSignals: [.sigterm, .sigint], logger: environment.logger)
        do {
            try await group.run()
        } catch {
            await shutdown()
            throw error
        }
        await shutdown()
    }

    /// Ends the client after in-flight transfers, then the store's and the leadership's connections.
    public func shutdown() async {
        await client.shutdown(.finishInFlight)
        if let leadership = leadership as? PostgresLeadership { await leadership.close() }
        await store.close()
    }
}

/// Why a hub could not be built, said so an operator knows what to fix.
public struct HubAssemblyError: Error, Sendable, CustomStringConvertible {
    public var description: String
}

public enum HubAssembly {
    /// Builds the hub of `config` on `environment`. Throws `HubAssemblyError` (in Chinese, saying what to fix)
    /// when the ledger cannot be opened or a target is misconfigured.
    public static func build(config: HubConfig, environment: HubEnvironment) async throws -> Hub {
        let logger = environment.logger, clock = environment.clock
        let metrics = PrometheusMetricsFactory(registry: environment.registry)
        let client = try CurlClient()
        let notifications: NotificationSetup
        do {
            notifications = try NotificationSetup(config: config, client: client)
        } catch {
            await client.shutdown(.abortInFlight)
            throw HubAssemblyError(description: "通知配置有误：\(error)")
        }
        for name in notifications.unconfigured {
            logger.notice("通知目标「\(name)」未设置地址（环境变量为空），暂不发送")
        }
        recordCalendarYears(config, clock: clock, metrics: metrics, logger: logger)

        let outboxSignal = ChangeSignal(), caseSignal = ChangeSignal(), repeatSignal = ChangeSignal()
        let holder = ConfigHolder(config, hash: environment.configDirectory.map(ConfigCheck.hash) ?? "", at: clock.now())
        let planner = PlannerSlot(HubPlanners.planner(for: config))
        let rules = IntakeRulesSlot(IntakeRules(config))
        let store: any HubStore
        do {
            store = try await openStore(
                config, dataDirectory: environment.dataDirectory, outboxSignal: outboxSignal, caseSignal: caseSignal,
                repeatSignal: repeatSignal, planner: planner, rules: rules)
        } catch {
            await client.shutdown(.abortInFlight)
            throw error
        }
        logger.info("ledger opened", metadata: ["store": "\(store.storeDescription)"])
        let leadership: any Leadership = config.storage.postgres.map {
            PostgresLeadership(settings: $0, logger: Logger(label: "minqing.leadership"))
        } ?? SoleInstance()
        /// A job only one instance may run: on a shared database it runs where this instance holds its name.
        let leaders = LeaderBoard()
        func leaderOnly(_ name: String, _ service: any Service) -> any Service {
            guard config.storage.postgres != nil else {
                leaders.set(name, held: true)
                return service
            }
            return LeaderOnly(name: name, leadership: leadership, inner: service, clock: clock, logger: logger) {
                leaders.set(name, held: $0)
            }
        }
        let dispatcher = Dispatcher(
            store: store, targets: notifications.targets, composer: notifications.composer, clock: clock,
            signal: outboxSignal, logger: Logger(label: "minqing.dispatch"), metrics: metrics, observer: environment.onDelivery,
            onLanes: environment.onLanes)
        let intake = IntakeService(store: store, clock: clock, logger: logger, metrics: metrics)
        if environment.demo { try await DemoSeed.loadIfEmpty(config: config, store: store, intake: intake, logger: logger) }

        let pollers = MailboxWiring.pollers(config, curl: client, intake: intake, store: store, logger: logger, metrics: metrics)
        let hotline = config.hotline.map {
            HotlineIntake(settings: $0, intake: intake, store: store, clock: clock, timeZone: config.office.timeZone, logger: logger)
        }
        var services: [any Service] = [dispatcher] + pollers.map { leaderOnly("mailbox:\($0.settings.name)", $0) }
        if let postgres = config.storage.postgres {
            // Other instances' commits wake this one's dispatcher and scheduler.
            services.append(BackgroundTask {
                await PostgresChangeListener.run(
                    settings: postgres, outbox: outboxSignal, cases: caseSignal, repeats: repeatSignal, clock: clock,
                    logger: Logger(label: "minqing.listener"))
            })
        }
        services.append(leaderOnly("repeats", RepeatDetector(
            store: store, signal: repeatSignal, clock: clock, logger: Logger(label: "minqing.repeats"), metrics: metrics)))
        if let sqlite = store as? SQLiteCaseStore {
            services.append(WALKeeper(store: sqlite, clock: clock, logger: Logger(label: "minqing.store"), metrics: metrics))
        }
        let scheduler = ReloadableScheduler(holder: holder) { config in
            SchedulerSetup.scheduler(for: config, store: store, clock: clock, signal: caseSignal, settle: environment.schedulerSettle)
        }
        services.append(leaderOnly("scheduler", scheduler))
        if let hotline, let asterisk = config.hotline?.asterisk, let file = asterisk.follow {
            services.append(leaderOnly("hotline:cdr", CDRFollower(
                path: file, format: AsteriskCDRFormat(settings: asterisk), hotline: hotline, ledger: store,
                pollInterval: asterisk.pollInterval, logger: logger)))
            logger.info("following asterisk cdr file", metadata: ["file": "\(file)"])
        }

        // Uploads are spooled under the data directory while a form is read; a crash's leftovers go at start-up.
        let spool = try FormSpool(directory: environment.dataDirectory.appendingPathComponent("uploads"))
        spool.sweep()
        let users = try await consoleAccounts(config, store: store, environment: environment, directory: { holder.config.directory })
        let hook = ReloadHook()
        let storeDescription = store.storeDescription, instance = instanceID(dataDirectory: environment.dataDirectory)
        // The web layer of a configuration: built at start and again by each reload.
        let webFor: @Sendable (HubConfig) async throws -> WebDependencies = { config in
            let webForm = try await webFormSettings(config, store: store, spool: spool)
            var web = WebDependencies(
                config: config, store: store, intake: intake, clock: clock, registry: environment.registry,
                readinessChecks: MailboxWiring.readiness(pollers),
                // A `hotline:` removed by a reload takes its routes away; one added needs a restart (docs/config-reload.md).
                routes: InboundRoutes.registrations(
                    config: config, intake: intake, store: store, clock: clock, webForm: webForm,
                    hotline: config.hotline == nil ? nil : hotline),
                spool: spool, users: users)
            web.configHolder = holder
            web.reload = { actor in await hook.reload(by: actor, fallback: holder.status) }
            web.readinessDetails = {
                ["store": storeDescription, "instance": instance, "leader": leaders.held.sorted().joined(separator: ",")]
            }
            return web
        }
        let web = try await webFor(config)
        let reloader = HubReloader(
            directory: environment.configDirectory, environment: environment.configEnvironment, holder: holder, planner: planner,
            rules: rules, responder: try ReloadableResponder(web), web: webFor,
            notifications: { config in try NotificationSetup(config: config, client: client) }, dispatcher: dispatcher,
            scheduler: scheduler,
            afterSwap: { config in
                // The hotline keeps its per-number ordering and its CDR follower; it takes the new duty list,
                // call-back deadline, fold window and calendar.
                guard let settings = config.hotline else { return }
                if let hotline {
                    hotline.reconfigure(settings: settings)
                } else {
                    logger.notice("hotline: was added to the configuration; its routes and CDR follower start with the next restart")
                }
            },
            clock: clock, logger: logger, dataDirectory: environment.dataDirectory, metrics: metrics)
        hook.set(reloader)
        return Hub(
            config: config, environment: environment, store: store, leadership: leadership, leaders: leaders, intake: intake,
            notifications: notifications, web: web, services: services, client: client, reloader: reloader)
    }

    /// The console's accounts in the store; an accounts file of earlier versions (`users.json`) is imported once.
    public static func consoleAccounts(
        _ config: HubConfig, store: any HubStore, environment: HubEnvironment, directory: (@Sendable () -> Directory)? = nil
    ) async throws -> StaffUsers {
        let fixed = config.directory
        let users = StaffUsers(store: store, directory: directory ?? { fixed }, clock: environment.clock, cost: environment.passwordCost)
        do {
            try await users.importFile(environment.dataDirectory.appendingPathComponent("users.json"), logger: environment.logger)
        } catch let e as StaffUsers.Failure {
            throw HubAssemblyError(description: e.description)
        }
        return users
    }

    /// Opens the ledger with every planner of the hub (`HubPlanners`), so whatever a command writes notifies the
    /// way `serve` would: the PostgreSQL database of `storage.postgres` when set (migrated to the current schema),
    /// otherwise the SQLite file under `dataDirectory`. With `rules`, new cases are filed by what that slot holds
    /// (a reload replaces it); without, by `config`'s rules for the store's whole life.
    public static func openStore(
        _ config: HubConfig, dataDirectory: URL, outboxSignal: ChangeSignal = ChangeSignal(), caseSignal: ChangeSignal = ChangeSignal(),
        repeatSignal: ChangeSignal = ChangeSignal(), planner: (any NotificationPlanner)? = nil, rules: IntakeRulesSlot? = nil
    ) async throws(HubAssemblyError) -> any HubStore {
        var settings = LedgerSettings(
            caseIDPrefix: config.office.caseIDPrefix, timeZone: config.office.timeZone,
            factory: config.caseFactory, planner: planner ?? HubPlanners.planner(for: config), policy: config.casePolicy,
            outboxSignal: outboxSignal, caseSignal: caseSignal)
        settings.repeatSignal = repeatSignal
        settings.warnings = config.warnings
        settings.rules = rules
        if let postgres = config.storage.postgres {
            do {
                return try await PostgresCaseStore.open(
                    settings: postgres, ledger: settings, instanceID: instanceID(dataDirectory: dataDirectory),
                    logger: Logger(label: "minqing.store.postgres"))
            } catch {
                throw HubAssemblyError(description: """
                    无法连接或升级 PostgreSQL 台账 \(postgres.redactedURL)：\(String(describing: error))
                    请检查 MINQING_DATABASE_URL（或 minqing.yaml 的 storage.postgres）中的地址、端口、用户名、密码和 sslmode，\
                    以及数据库是否已创建、该用户是否有建表权限（docs/postgres.md）。
                    """)
            }
        }
        let path = config.storage.sqliteURL(dataDirectory: dataDirectory).path
        do {
            try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
            return try SQLiteCaseStore(path: path, settings: settings)
        } catch {
            throw HubAssemblyError(description: "无法打开台账数据库 \(path)：\(error)\n请检查 --data 目录是否存在、是否有写权限。")
        }
    }

    /// Names this instance's outbox leases on a shared database: its host and data directory, so a restarted
    /// instance ends its own old leases at once (`DeliveryQueue.releaseLeases`) while other instances' stay.
    public static func instanceID(dataDirectory: URL) -> String {
        "\(ProcessInfo.processInfo.hostName):\(dataDirectory.standardizedFileURL.path)"
    }

    /// The public form's limits. Form tokens are signed with a key kept in the store, so a form shown before a
    /// restart (or by another instance) is still accepted.
    static func webFormSettings(_ config: HubConfig, store: any HubStore, spool: FormSpool) async throws -> WebFormSettings {
        let form = config.webform
        var settings = WebFormSettings(
            maxPhotos: min(config.intake.maxAttachments, form.maxPhotos),
            maxPhotoBytes: min(config.intake.maxAttachmentBytes, form.maxPhotoBytes),
            minimumFillTime: TimeInterval(form.minFillSeconds), perAddressLimit: form.perAddressPerHour,
            perPhoneLimit: form.perPhonePerHour, tokenKey: try await FormTokenKey.load(from: store),
            trustedProxies: config.trustedProxies)
        settings.bodyLimit = config.server.bodyLimits.form
        settings.spool = spool
        return settings
    }

    /// A year without a calendar file is a warning and a metric (docs/domain/holidays.md#missing-years): 1 per
    /// missing year, this one and the next.
    static func recordCalendarYears(_ config: HubConfig, clock: any WallClock, metrics: any MetricsFactory, logger: Logger) {
        let now = clock.now()
        if let warning = config.routing?.calendarWarning(today: now, timeZone: config.office.timeZone) {
            logger.warning("\(warning)")
        }
        guard let calendar = config.routing?.calendar else { return }
        let year = CivilDay(now, in: config.office.timeZone).year
        for y in [year, year + 1] {
            Gauge(label: "minqing_calendar_year_missing", dimensions: [("year", String(y))], factory: metrics)
                .record(calendar.hasData(forYear: y) ? 0 : 1)
        }
    }
}

extension IntakeRules {
    /// The intake rules of a configuration: its case factory (vocabulary, routing, people), case policy and
    /// early-warning rules.
    public init(_ config: HubConfig) {
        self.init(factory: config.caseFactory, policy: config.casePolicy, warnings: config.warnings)
    }
}

/// Every inbound adapter's HTTP routes, in the order the hub serves them.
public enum InboundRoutes {
    public static func registrations(
        config: HubConfig, intake: any MessageIntake, store: any CaseLedger & AttemptLedger, clock: any WallClock,
        webForm: WebFormSettings?, hotline: HotlineIntake?
    ) -> [RouteRegistration] {
        let zone = config.office.timeZone
        var all: [RouteRegistration] = []
        if let webForm {
            let schedules = config.schedules?.schedules, calendar = config.routing?.calendar
            all.append(RouteRegistration(.publicPages) { routes in
                try WebFormRoutes(
                    intake: intake, store: store, attempts: store, directory: config.directory, clock: clock, settings: webForm,
                    timeZone: zone, schedules: schedules, calendar: calendar
                ).register(on: routes)
            })
        }
        let credentials = WebDependencies.credentials(of: config)
        all.append(RouteRegistration(.publicPages) { routes in
            Open311Routes(intake: intake, store: store, directory: config.directory, clock: clock, credentials: credentials, timeZone: zone)
                .register(on: routes)
        })
        let limits = IntakeLimits(maxAttachments: config.intake.maxAttachments, maxAttachmentBytes: config.intake.maxAttachmentBytes)
        all.append(RouteRegistration(.api) { routes in
            JSONIntakeRoutes(intake: intake, limits: limits, maxBodyBytes: config.server.intakeBodyLimit, timeZone: zone).register(on: routes)
        })
        all.append(RouteRegistration(.api) { routes in
            PaperLetterRoutes(
                intake: intake, maxBodyBytes: config.server.lettersBodyLimit, maxScans: config.intake.maxAttachments,
                maxScanBytes: config.intake.maxAttachmentBytes, timeZone: zone
            ).register(on: routes)
        })
        if let hotline {
            all.append(RouteRegistration(.api) { routes in
                HotlineRoutes(hotline: hotline, maxBodyBytes: config.server.bodyLimits.hotline).register(on: routes)
            })
        }
        return all
    }
}
