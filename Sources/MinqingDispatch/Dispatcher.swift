import Foundation
import Logging
import Metrics
import MinqingCore
import MinqingStore
import ServiceLifecycle
import Synchronization

/// A configured target and how to drive it.
public struct DispatchTarget: Sendable {
    public var target: any NotificationTarget
    public var settings: LaneSettings
    /// Identifies the target's address and credentials (`NotificationSetup.revision(of:)`): a disable learned with
    /// one revision does not hold for another (`TargetState`).
    public var revision: String

    public init(_ target: any NotificationTarget, settings: LaneSettings, revision: String = "") {
        self.target = target
        self.settings = settings
        self.revision = revision
    }
}

/// Delivers the outbox: claims due notifications, hands each to its target's lane, and sleeps until the next
/// one is due or the store says new rows were written. Runs as a `Service` in the hub's `ServiceGroup`.
///
/// Guarantees: every outbox row ends `delivered` or `dead` (with its reason), or waits as `retrying` with its next
/// time; every attempt is recorded. A crash loses nothing: leased rows come back at the next start and are sent
/// again with the same id, which receivers use to drop repeats.
///
/// A configuration reload (`reconfigure`) gives every target a new lane with the new address, limits and
/// templates for what is claimed from then on; the lanes it replaces retire: they claim nothing more, finish the
/// deliveries they hold (still leased to them, so never sent twice) and go. A target's pause and disabled flag
/// pass to its new lane, its sends in flight count against its concurrency until they end, and its rate limit
/// holds across the swap because every send is reserved in the store. The rows of a target no longer configured
/// are dead-lettered (`removedTargetReason`) once its lane holds nothing — as at start-up.
public final class Dispatcher: Service {
    /// A configuration's targets and composer.
    struct Configuration: Sendable {
        var targets: [DispatchTarget]
        var composer: NotificationComposer
    }

    /// Why the pending and retrying rows of a target no longer in the configuration were dead-lettered.
    public static let removedTargetReason = "通知目标已从配置中删除，请恢复该目标后重发，或忽略"

    private let environment: DispatchEnvironment
    private let lease: Duration
    private let onLanes: @Sendable (_ active: Set<String>, _ retiring: Set<String>) -> Void
    /// The configuration the dispatch loop takes next: the start-up one, then each reload's.
    private let next: Mutex<Configuration?>

    /// - Parameters:
    ///   - signal: the store's `LedgerSettings.outboxSignal`.
    ///   - lease: how long a claimed row stays with this dispatcher before it may be claimed again.
    ///   - random: jitter source in 0..<1.
    ///   - observer: called after each attempt is recorded (tests wait on it).
    ///   - onLanes: called when the lanes changed — a configuration was taken, or retired lanes went (and the rows
    ///     of targets no longer configured were dead-lettered): the targets with a running lane and those whose
    ///     replaced lanes still finish deliveries (tests wait on it).
    public init(
        store: any DeliveryQueue & CaseLedger, targets: [DispatchTarget], composer: NotificationComposer, clock: any SleepingClock,
        signal: ChangeSignal, lease: Duration = .seconds(300), logger: Logger = Logger(label: "minqing.dispatch"),
        metrics: any MetricsFactory = MetricsSystem.factory,
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        observer: @escaping @Sendable (DeliveryRecord) -> Void = { _ in },
        onLanes: @escaping @Sendable (_ active: Set<String>, _ retiring: Set<String>) -> Void = { _, _ in }
    ) {
        self.onLanes = onLanes
        environment = DispatchEnvironment(
            store: store, composer: composer, clock: clock, signal: signal,
            recorder: DeliveryRecorder(store: store, logger: logger), logger: logger, metrics: metrics, random: random,
            observer: observer, stop: StopFlag(), lease: lease)
        self.lease = lease
        next = Mutex(Configuration(targets: targets, composer: composer))
    }

    /// Replaces the targets and the templates (a configuration reload): notifications claimed from now on go
    /// through lanes of `targets` composed by `composer`; deliveries in flight finish on the lanes that took them.
    /// Takes effect at the dispatch loop's next turn (it is woken now); a second call before that replaces the first.
    public func reconfigure(targets: [DispatchTarget], composer: NotificationComposer) {
        next.withLock { $0 = Configuration(targets: targets, composer: composer) }
        environment.signal.notify()
    }

    /// On graceful shutdown it stops claiming, lets deliveries already on the wire finish and records them
    /// (each bounded by its target's timeout), and returns; rows still waiting stay in the outbox for the next start.
    public func run() async throws {
        let environment = self.environment
        try await withGracefulShutdownHandler {
            try await self.dispatch()
        } onGracefulShutdown: {
            environment.stop.set()
            environment.signal.notify()
        }
    }

    private func dispatch() async throws {
        let store = environment.store
        let clock = environment.clock
        try await store.releaseLeases(at: clock.now())
        var table = LaneTable()
        if let initial = takeNext() {
            // At start a store that cannot be read ends the dispatcher (the service group reports it).
            install(initial, into: &table)
            await saveLifted(try await table.restore(from: store.targetStates()))
            try await abandon(keeping: table.names)
        }
        onLanes(table.names, [])
        environment.logger.info("dispatcher started", metadata: ["targets": "\(table.active.keys.sorted().joined(separator: ","))"])

        await withDiscardingTaskGroup { group in
            while !Task.isCancelled, !environment.stop.isSet {
                let reconfigured = takeNext()
                if let reconfigured { await reinstall(reconfigured, into: &table) }
                let busy = await retire(&table, report: reconfigured != nil)
                let now = clock.now()
                var limits: [String: Int] = [:]
                var wakeAt: Date?
                for (name, lane) in table.active {
                    // Claim in batches (a quarter of the lane at least): one claim transaction serves many deliveries.
                    // Sends still held by the lane this one replaced count against its concurrency.
                    let free = await lane.freeCapacity(at: now) - (busy[name] ?? 0)
                    if free > 0, free >= lane.claimBatch || free == lane.settings.concurrency { limits[name] = free }
                    if let end = await lane.pauseEnd(after: now) { wakeAt = min(wakeAt ?? end, end) }
                }
                let claimed: [OutboxEntry]
                do {
                    claimed = try await store.claimNotifications(
                        dueAt: now, leaseUntil: now.addingTimeInterval(lease.seconds), limits: limits)
                } catch {
                    if Task.isCancelled { break }
                    environment.logger.error("claiming notifications failed", metadata: ["error": "\(error)"])
                    await environment.signal.wait(until: now.addingTimeInterval(5), on: clock)
                    continue
                }
                for entry in claimed {
                    guard let lane = table.active[entry.target] else { continue }
                    await lane.take()
                    group.addTask { _ = await lane.handle(entry) }
                }
                if !claimed.isEmpty { continue }
                if let due = try? await store.nextNotificationDue(targets: Set(limits.keys)) {
                    wakeAt = min(wakeAt ?? due, due)
                }
                await environment.signal.wait(until: wakeAt, on: clock)
            }
        }
    }

    private func takeNext() -> Configuration? { next.withLock { c in defer { c = nil }; return c } }

    /// Gives every target of `configuration` a new lane; the lanes they replace retire.
    private func install(_ configuration: Configuration, into table: inout LaneTable) {
        var environment = self.environment
        environment.composer = configuration.composer
        table.retiring += table.active.values
        table.active = Dictionary(
            configuration.targets.map {
                ($0.target.name, Lane(target: $0.target, settings: $0.settings, revision: $0.revision, environment: environment))
            },
            uniquingKeysWith: { first, _ in first })
    }

    /// A reload's lanes: each starts from what the store remembers of its target and what the lane it replaces
    /// knows. (`retire` then lets the replaced lanes that hold nothing go.)
    private func reinstall(_ configuration: Configuration, into table: inout LaneTable) async {
        let replaced = table.active
        install(configuration, into: &table)
        for lane in replaced.values { await lane.retire() }
        do {
            await saveLifted(try await table.restore(from: environment.store.targetStates()))
        } catch {
            environment.logger.error("reading target states failed; new lanes start from their old lanes' states", metadata: [
                "error": "\(error)"])
        }
        for (name, lane) in table.active {
            if let old = replaced[name] { await lane.merge(await old.state) }
        }
        environment.logger.notice("notification targets replaced", metadata: [
            "targets": "\(table.active.keys.sorted().joined(separator: ","))"])
    }

    /// Lanes whose stored disable was learned with another address or secret: the disable is lifted, logged, and the
    /// stored state rewritten (so `minqing outbox targets` no longer shows it).
    private func saveLifted(_ lanes: [Lane]) async {
        for lane in lanes {
            environment.logger.notice("target's address or secret changed since it was disabled; sending to it again", metadata: [
                "target.name": "\(lane.target.name)"])
            do { try await environment.store.saveTargetState(await lane.state) } catch {
                environment.logger.error("saving a target's state failed", metadata: ["target.name": "\(lane.target.name)", "error": "\(error)"])
            }
        }
    }

    /// Lets retired lanes that hold nothing go (what they learned passes to their target's new lane); when the
    /// last lane of a target no longer configured goes, that target's waiting rows are dead-lettered. Returns how
    /// many deliveries the retired lanes of each target still hold. Reports (`onLanes`) when a lane went, or when
    /// `report` (a configuration was just taken).
    private func retire(_ table: inout LaneTable, report: Bool) async -> [String: Int] {
        guard !table.retiring.isEmpty || report else { return [:] }
        var busy: [String: Int] = [:], kept: [Lane] = [], gone = false
        for lane in table.retiring {
            let held = await lane.inFlight
            if held > 0 {
                kept.append(lane)
                busy[lane.target.name, default: 0] += held
            } else if let successor = table.active[lane.target.name] {
                await successor.merge(await lane.state)
            } else {
                gone = true
            }
        }
        let changed = kept.count < table.retiring.count
        table.retiring = kept
        if gone { await abandonLogged(keeping: table.names.union(busy.keys)) }
        if changed || report { onLanes(table.names, Set(busy.keys)) }
        return busy
    }

    /// Dead-letters the pending and retrying rows of every target not in `known` nor in a configuration given but
    /// not yet taken (the reloaded planners may already write rows for its new targets).
    private func abandon(keeping known: Set<String>) async throws {
        let coming = next.withLock { $0.map { Set($0.targets.map(\.target.name)) } } ?? []
        let abandoned = try await environment.store.abandonNotifications(
            targetsNotIn: known.union(coming), reason: Self.removedTargetReason, at: environment.clock.now())
        if abandoned > 0 {
            environment.logger.warning("dead-lettered notifications of removed targets", metadata: ["count": "\(abandoned)"])
        }
    }

    private func abandonLogged(keeping known: Set<String>) async {
        do { try await abandon(keeping: known) } catch {
            environment.logger.error("dead-lettering notifications of removed targets failed", metadata: ["error": "\(error)"])
        }
    }
}

/// The lanes of the running configuration, and those of earlier ones still finishing deliveries they took.
struct LaneTable {
    var active: [String: Lane] = [:]
    var retiring: [Lane] = []

    /// The targets of the running configuration.
    var names: Set<String> { Set(active.keys) }

    /// Gives each active lane what the store remembers of its target (a pause, a disabled flag); returns the lanes
    /// that lifted a disable learned with another configuration (`Lane.merge`).
    func restore(from states: [TargetState]) async -> [Lane] {
        let byName = Dictionary(states.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var lifted: [Lane] = []
        for (name, lane) in active where await lane.merge(byName[name]) { lifted.append(lane) }
        return lifted
    }
}
