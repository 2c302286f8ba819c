import Foundation
import Logging
import Metrics
import MinqingCore
import MinqingStore
import ServiceLifecycle

/// Compares new cases with the ledger after intake has stored them (`RelatedCaseStore.detectPendingRepeats`):
/// intake only queues a case, so a citizen's message is acknowledged without waiting for the comparison.
///
/// - Wakes on the store's `LedgerSettings.repeatSignal` (and every `fallbackInterval` on `clock`, for cases other
///   instances queued), then drains the queue oldest first in transactions of `batch` cases (the store's
///   `repeatBatchSize`), so an intake batch never waits behind more than one short detection transaction.
/// - A store error is logged and retried after `retryInterval`; the queue is durable, so a crash or a restart
///   only delays detection.
/// - Reports the queue's length as `minqing_repeat_backlog` and the cases compared as
///   `minqing_repeat_detected_total`.
/// - On a shared PostgreSQL database it runs on one instance at a time (`LeaderOnly`, name `repeats`); the store's
///   advisory lock keeps even two believed leaders from comparing one case twice.
public struct RepeatDetector: Service {
    let store: any RelatedCaseStore
    let signal: ChangeSignal
    let clock: any SleepingClock
    let logger: Logger
    var batch = 16
    var fallbackInterval: TimeInterval = 30
    var retryInterval: TimeInterval = 5
    let backlog: Gauge
    let detected: Counter
    /// Called after each batch with the number of cases it compared (tests wait on it; never on time).
    let observer: @Sendable (Int) -> Void

    public init(
        store: any RelatedCaseStore, signal: ChangeSignal, clock: any SleepingClock, logger: Logger,
        metrics: any MetricsFactory = MetricsSystem.factory,
        observer: @escaping @Sendable (Int) -> Void = { _ in }
    ) {
        self.observer = observer
        self.store = store
        batch = store.repeatBatchSize
        self.signal = signal
        self.clock = clock
        self.logger = logger
        backlog = Gauge(label: "minqing_repeat_backlog", factory: metrics)
        detected = Counter(label: "minqing_repeat_detected_total", factory: metrics)
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            var wait = 0.0
            while !Task.isCancelled {
                if wait > 0 { await signal.wait(until: clock.now().addingTimeInterval(wait), on: clock) }
                wait = await drain() ? fallbackInterval : retryInterval
            }
        }
    }

    /// Takes the whole queue, a batch at a time; false when the store failed (the rest waits for the retry).
    @discardableResult
    func drain() async -> Bool {
        var rounds = 0
        do {
            while !Task.isCancelled {
                let taken = try await store.detectPendingRepeats(limit: batch, at: clock.now())
                detected.increment(by: taken)
                if taken > 0 { observer(taken) }
                rounds += 1
                if taken < batch { break }
                // The backlog's length now and then during a long drain, not a count per batch.
                if rounds % 64 == 0 { backlog.record(try await store.pendingRepeatCount()) }
            }
            backlog.record(try await store.pendingRepeatCount())
            return true
        } catch is CancellationError {
            return true  // shutting down: the queue is durable and waits for the next start
        } catch {
            logger.warning("repeat detection failed; retrying", metadata: ["error": "\(error)"])
            return false
        }
    }
}
