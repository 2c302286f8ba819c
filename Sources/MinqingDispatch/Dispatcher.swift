import Foundation
import Logging
import Metrics
import MinqingCore
import MinqingStore
import ServiceLifecycle

/// A configured target and how to drive it.
public struct DispatchTarget: Sendable {
    public var target: any NotificationTarget
    public var settings: LaneSettings

    public init(_ target: any NotificationTarget, settings: LaneSettings) {
        self.target = target
        self.settings = settings
    }
}

/// Delivers the outbox: claims due notifications, hands each to its target's lane, and sleeps until the next
/// one is due or the store says new rows were written. Runs as a `Service` in the hub's `ServiceGroup`.
///
/// Guarantees: every outbox row ends `delivered` or `dead` (with its reason), or waits as `retrying` with its next
/// time; every attempt is recorded. A crash loses nothing: leased rows come back at the next start and are sent
/// again with the same id, which receivers use to drop repeats.
public final class Dispatcher: Service {
    private let environment: DispatchEnvironment
    private let lanes: [String: Lane]
    private let lease: Duration

    /// - Parameters:
    ///   - signal: the store's `LedgerSettings.outboxSignal`.
    ///   - lease: how long a claimed row stays with this dispatcher before it may be claimed again.
    ///   - random: jitter source in 0..<1.
    ///   - observer: called after each attempt is recorded (tests wait on it).
    public init(
        store: any DeliveryQueue & CaseLedger, targets: [DispatchTarget], composer: NotificationComposer, clock: any SleepingClock,
        signal: ChangeSignal, lease: Duration = .seconds(300), logger: Logger = Logger(label: "minqing.dispatch"),
        metrics: any MetricsFactory = MetricsSystem.factory,
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        observer: @escaping @Sendable (DeliveryRecord) -> Void = { _ in }
    ) {
        let environment = DispatchEnvironment(
            store: store, composer: composer, clock: clock, signal: signal,
            recorder: DeliveryRecorder(store: store, logger: logger), logger: logger, metrics: metrics, random: random,
            observer: observer, stop: StopFlag(), lease: lease)
        self.environment = environment
        self.lease = lease
        lanes = Dictionary(targets.map { ($0.target.name, Lane(target: $0.target, settings: $0.settings, environment: environment)) },
                           uniquingKeysWith: { first, _ in first })
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
        let known = Set(lanes.keys)
        let abandoned = try await store.abandonNotifications(
            targetsNotIn: known, reason: "通知目标已从配置中删除，请恢复该目标后重发，或忽略", at: clock.now())
        if abandoned > 0 {
            environment.logger.warning("dead-lettered notifications of removed targets", metadata: ["count": "\(abandoned)"])
        }
        let states = Dictionary(try await store.targetStates().map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for (name, lane) in lanes { await lane.restore(states[name], now: clock.now()) }
        environment.logger.info("dispatcher started", metadata: ["targets": "\(known.sorted().joined(separator: ","))"])

        await withDiscardingTaskGroup { group in
            while !Task.isCancelled, !environment.stop.isSet {
                let now = clock.now()
                var limits: [String: Int] = [:]
                var wakeAt: Date?
                for (name, lane) in lanes {
                    // Claim in batches (a quarter of the lane at least): one claim transaction serves many deliveries.
                    let free = await lane.freeCapacity(at: now)
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
                    guard let lane = lanes[entry.target] else { continue }
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
}
