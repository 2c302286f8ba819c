import Foundation
import Logging
import Metrics
import MinqingCore

/// Takes inbound messages into a `CaseStore`, batching concurrent submissions into one transaction
/// (group commit, see `GroupCommit`): one fsync serves every caller waiting at that moment, and every caller
/// returns only after the transaction holding its message committed.
public final class IntakeService: MessageIntake {
    private let committer: GroupCommit<InboundMessage, IntakeReceipt>

    public init(
        store: any CaseLedger, clock: any WallClock = SystemClock(), maxBatch: Int = 256,
        logger: Logger = Logger(label: "minqing.intake"), metrics: any MetricsFactory = MetricsSystem.factory
    ) {
        let created = Counter(label: "minqing_intake_messages_total", dimensions: [("result", "created")], factory: metrics)
        let duplicates = Counter(label: "minqing_intake_messages_total", dimensions: [("result", "redelivered")], factory: metrics)
        let failed = Counter(label: "minqing_intake_messages_total", dimensions: [("result", "failed")], factory: metrics)
        let batchSize = Recorder(label: "minqing_intake_batch_size", factory: metrics)
        let commitTime = Metrics.Timer(label: "minqing_intake_commit_seconds", factory: metrics)
        committer = GroupCommit(maxBatch: maxBatch) { messages in
            let started = ContinuousClock.now
            let results: [Result<IntakeReceipt, any Error>]
            do {
                results = try await store.ingest(messages, at: clock.now())
            } catch {
                logger.error("intake commit failed", metadata: ["batch.size": "\(messages.count)", "error": "\(error)"])
                results = messages.map { _ in .failure(error) }
            }
            commitTime.recordInterval(ContinuousClock.now - started)
            batchSize.record(messages.count)
            for result in results {
                switch result {
                case .success(let r): (r.created ? created : duplicates).increment()
                case .failure: failed.increment()
                }
            }
            return results
        }
    }

    public func submit(_ message: InboundMessage) async throws -> IntakeReceipt {
        try await committer.submit(message).get()
    }
}

extension Metrics.Timer {
    func recordInterval(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
