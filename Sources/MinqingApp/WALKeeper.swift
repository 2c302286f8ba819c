import Foundation
import Logging
import Metrics
import MinqingCore
import MinqingStore
import ServiceLifecycle

/// Keeps the SQLite ledger's write-ahead log bounded under continuous load: every `interval` (on `clock`) it
/// truncates the log once it is past `SQLiteCaseStore.walLimitBytes` (`SQLiteCaseStore.checkpointWAL`).
/// Reports the log's size as `minqing_sqlite_wal_bytes`. A checkpoint a reader kept from finishing is retried at
/// the next turn; a store error is logged and retried too — the ledger itself is never at risk from a checkpoint.
struct WALKeeper: Service {
    let store: SQLiteCaseStore
    let clock: any SleepingClock
    var interval: TimeInterval = 10
    let logger: Logger
    let walBytes: Gauge

    init(store: SQLiteCaseStore, clock: any SleepingClock, logger: Logger, metrics: any MetricsFactory) {
        self.store = store
        self.clock = clock
        self.logger = logger
        walBytes = Gauge(label: "minqing_sqlite_wal_bytes", factory: metrics)
    }

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await clock.sleep(until: clock.now().addingTimeInterval(interval))
                await turn()
            }
        }
    }

    func turn() async {
        do {
            if let done = try await store.checkpointWAL() {
                let metadata: Logger.Metadata = ["wal.before": "\(done.bytesBefore)", "wal.after": "\(done.bytesAfter)"]
                if done.complete {
                    logger.info("write-ahead log checkpointed", metadata: metadata)
                } else {
                    logger.warning("write-ahead log checkpoint left frames a reader still needed; retrying", metadata: metadata)
                }
            }
        } catch {
            logger.warning("write-ahead log checkpoint failed; retrying", metadata: ["error": "\(error)"])
        }
        walBytes.record(store.walSize)
    }
}
