import Foundation
import Hummingbird
import Logging
import Metrics
import MinqingConfig
import MinqingCore
import MinqingDispatch
import MinqingHTTP
import MinqingStore
import MinqingWeb
import ServiceLifecycle
import Synchronization

/// The hub's notification planner (routing rules, acknowledgements, forwarding) as of the running configuration:
/// the store plans with this one, and a reload swaps what it forwards to.
public final class PlannerSlot: NotificationPlanner {
    private let current: Mutex<any NotificationPlanner>
    public init(_ planner: any NotificationPlanner) { current = Mutex(planner) }
    public func plan(for change: CaseChange) -> [OutboxDraft] { current.withLock { $0 }.plan(for: change) }
    func set(_ planner: any NotificationPlanner) { current.withLock { $0 = planner } }
}

/// The web application's routes as of the running configuration. The server keeps its connections; each request
/// is answered by the router built from the configuration current when it arrived.
public final class ReloadableResponder: HTTPResponder {
    public typealias Context = HubRequestContext
    private let current: Mutex<RouterResponder<HubRequestContext>>

    init(_ deps: WebDependencies) throws { current = Mutex(try HubRouter.build(deps).router.buildResponder()) }

    public func respond(to request: Request, context: HubRequestContext) async throws -> Response {
        try await current.withLock { $0 }.respond(to: request, context: context)
    }

    func set(_ deps: WebDependencies) throws {
        let responder = try HubRouter.build(deps).router.buildResponder()
        current.withLock { $0 = responder }
    }
}

/// The scheduler of the running configuration. A reload stops the running scheduler between steps and starts one
/// planned from the new schedules; jobs already written are known by their keys in the store, so none fires twice.
public final class ReloadableScheduler: Service {
    private let holder: ConfigHolder
    private let make: @Sendable (HubConfig) -> Scheduler?
    private let pending = Mutex<(restart: Bool, waiter: CheckedContinuation<Void, Never>?)>((false, nil))

    public init(holder: ConfigHolder, make: @escaping @Sendable (HubConfig) -> Scheduler?) {
        self.holder = holder
        self.make = make
    }

    /// Asks the running loop to start over with the current configuration.
    public func restart() {
        let waiter = pending.withLock { p -> CheckedContinuation<Void, Never>? in
            defer { p.waiter = nil }
            if p.waiter == nil { p.restart = true }
            return p.waiter
        }
        waiter?.resume()
    }

    private func nextRestart() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let now = pending.withLock { p -> Bool in
                    if p.restart || Task.isCancelled { p.restart = false; return true }
                    p.waiter = c
                    return false
                }
                if now { c.resume() }
            }
        } onCancel: {
            pending.withLock { p in defer { p.waiter = nil }; return p.waiter }?.resume()
        }
    }

    public func run() async throws {
        try await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let scheduler = self.make(self.holder.config)
                try await withThrowingTaskGroup(of: Bool.self) { group in
                    if let scheduler { group.addTask { try await scheduler.run(); return false } }
                    group.addTask { await self.nextRestart(); return true }
                    // A restart (true) cancels the scheduler; the scheduler ending on its own ends the loop too.
                    _ = try await group.next()
                    group.cancelAll()
                    while let _ = try? await group.next() {}
                }
            }
        }
    }
}

/// Reached by the web layer (the console's button) before the reloader exists.
final class ReloadHook: Sendable {
    private let reloader = Mutex<HubReloader?>(nil)
    func set(_ r: HubReloader) { reloader.withLock { $0 = r } }
    func reload(by actor: String, fallback: ConfigStatus) async -> ConfigStatus {
        guard let r = reloader.withLock({ $0 }) else { return fallback }
        return await r.reload(by: actor)
    }
}

/// Re-reads `Config/` while the hub runs (SIGHUP, `minqing reload`, the console's 重新加载配置 button), the way
/// Alertmanager does: the new configuration is validated in full first (`ConfigCheck`, the code of `check-config`);
/// a bad one leaves the running configuration in place and reports each problem with its file and line (log,
/// `/readyz` details, console banner, `DATA/config-reload.json`); a good one replaces at once the web layer and its
/// limits, the planners, intake's routing, vocabulary, case policy and warning rules (`IntakeRulesSlot`), the
/// notification targets and templates (the dispatcher's lanes) and the schedules. Everything the new configuration
/// needs is built before anything is swapped, so a configuration that cannot be built changes nothing. Sessions
/// (in the store), deliveries in flight (they finish on the lanes that took them) and written jobs stay. What
/// needs a restart: docs/config-reload.md.
public actor HubReloader {
    let directory: URL?
    let environment: [String: String]
    public nonisolated let holder: ConfigHolder
    let planner: PlannerSlot
    let rules: IntakeRulesSlot
    public nonisolated let responder: ReloadableResponder
    let web: @Sendable (HubConfig) async throws -> WebDependencies
    let notifications: @Sendable (HubConfig) throws -> NotificationSetup
    let dispatcher: Dispatcher
    let scheduler: ReloadableScheduler
    /// Parts kept across reloads that take the new configuration once it is swapped in (the hotline's duty list).
    let afterSwap: @Sendable (HubConfig) -> Void
    let clock: any WallClock
    let logger: Logger
    let statusFile: URL
    let hashGauge: Gauge, successGauge: Gauge, successTimeGauge: Gauge

    init(directory: URL?, environment: [String: String], holder: ConfigHolder, planner: PlannerSlot, rules: IntakeRulesSlot,
         responder: ReloadableResponder, web: @escaping @Sendable (HubConfig) async throws -> WebDependencies,
         notifications: @escaping @Sendable (HubConfig) throws -> NotificationSetup, dispatcher: Dispatcher,
         scheduler: ReloadableScheduler, afterSwap: @escaping @Sendable (HubConfig) -> Void = { _ in }, clock: any WallClock,
         logger: Logger, dataDirectory: URL, metrics: any MetricsFactory) {
        self.directory = directory
        self.environment = environment
        self.holder = holder
        self.planner = planner
        self.rules = rules
        self.responder = responder
        self.web = web
        self.notifications = notifications
        self.dispatcher = dispatcher
        self.scheduler = scheduler
        self.afterSwap = afterSwap
        self.clock = clock
        self.logger = logger
        statusFile = dataDirectory.appendingPathComponent(Self.statusFileName)
        hashGauge = Gauge(label: "minqing_config_hash", factory: metrics)
        successGauge = Gauge(label: "minqing_config_last_reload_successful", factory: metrics)
        successTimeGauge = Gauge(label: "minqing_config_last_reload_success_timestamp_seconds", factory: metrics)
        Self.record(holder.status, hash: hashGauge, success: successGauge, time: successTimeGauge)
    }

    /// Where the outcome of the latest reload is written (for `minqing reload`).
    public static let statusFileName = "config-reload.json"

    /// The configuration hash as a metric value: its first 48 bits (exact in a double).
    static func metricValue(_ hash: String) -> Double { Double(UInt64(hash.prefix(12), radix: 16) ?? 0) }

    static func record(_ status: ConfigStatus, hash: Gauge, success: Gauge, time: Gauge) {
        hash.record(metricValue(status.hash))
        success.record(status.failure == nil ? 1 : 0)
        time.record(status.loadedAt.timeIntervalSince1970)
    }

    /// Validates and, when valid, applies the configuration directory now; returns the resulting status.
    @discardableResult
    public func reload(by actor: String) async -> ConfigStatus {
        let now = clock.now()
        guard let directory else {
            return fail(["未记录配置目录（此实例不是由 minqing serve --config 启动的），无法重新加载"], at: now, by: actor)
        }
        let checked: ConfigCheck.Checked
        do { checked = try ConfigCheck.validate(directory, environment: environment, needsSecrets: true) } catch {
            return fail(error.errors, at: now, by: actor)
        }
        var config = checked.config
        let running = holder.config
        // Parts wired once at start-up (storage, mailbox pollers; docs/config-reload.md) stay as running.
        config.storage = running.storage
        config.mailbox.accounts = running.mailbox.accounts
        // Build everything first: a part that cannot be built refuses the reload before anything changed.
        let setup: NotificationSetup
        do { setup = try notifications(config) } catch {
            let problems = (error as? NotificationSetupError)?.problems ?? ["\(error)"]
            return fail(problems.map { "通知配置有误：\($0)" }, at: now, by: actor)
        }
        do {
            try responder.set(try await web(config))
        } catch {
            return fail(["无法按新配置建立网页服务：\(error)"], at: now, by: actor)
        }
        // The planners first: once the dispatcher has taken the new targets, no old planner writes rows for a
        // removed one (the dispatcher keeps the rows of targets it is about to take).
        planner.set(HubPlanners.planner(for: config))
        rules.set(IntakeRules(config))
        dispatcher.reconfigure(targets: setup.targets, composer: setup.composer)
        holder.replace(with: config, hash: checked.hash, at: now)
        afterSwap(config)
        scheduler.restart()
        let status = holder.status
        Self.record(status, hash: hashGauge, success: successGauge, time: successTimeGauge)
        for name in setup.unconfigured {
            logger.notice("通知目标「\(name)」未设置地址（环境变量为空），暂不发送")
        }
        logger.notice("configuration reloaded; storage, mailbox accounts, the CDR file and the listening address change only with a restart",
                      metadata: ["by": "\(actor)", "hash": "\(checked.hash.prefix(12))"])
        writeStatus(status, by: actor)
        return status
    }

    private func fail(_ errors: [String], at now: Date, by actor: String) -> ConfigStatus {
        holder.recordFailure(ReloadFailure(at: now, errors: errors))
        for error in errors {
            logger.error("config reload refused, the running configuration stays: \(error)", metadata: ["by": "\(actor)"])
        }
        let status = holder.status
        Self.record(status, hash: hashGauge, success: successGauge, time: successTimeGauge)
        writeStatus(status, by: actor)
        return status
    }

    private func writeStatus(_ status: ConfigStatus, by actor: String) {
        let object: [String: Any] = [
            "ok": status.failure == nil, "hash": status.hash, "loaded_at": status.loadedAt.timeIntervalSince1970,
            "at": (status.failure?.at ?? status.loadedAt).timeIntervalSince1970, "by": actor, "errors": status.failure?.errors ?? [],
        ]
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return }
        try? data.write(to: statusFile, options: .atomic)
    }
}

/// Reloads on SIGHUP while the hub runs (`kill -HUP $(cat DATA/minqing.pid)`, or `minqing reload`).
struct ReloadOnHangup: Service {
    let reloader: HubReloader

    func run() async throws {
        let (hangups, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        signal(SIGHUP, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGHUP)
        source.setEventHandler { continuation.yield() }
        source.resume()
        defer { source.cancel() }
        try await cancelWhenGracefulShutdown {
            for await _ in hangups { await reloader.reload(by: "SIGHUP") }
        }
        continuation.finish()
    }
}
