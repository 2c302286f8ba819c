import Foundation
import Logging
import Metrics
import MinqingCore

/// Takes inbound messages into a `CaseStore`, batching concurrent submissions into one transaction
/// (group commit): one fsync serves every caller waiting at that moment.
///
/// Leadership passes between callers, so no background task is needed: the first caller to find the intake idle
/// commits everything queued; callers arriving meanwhile wait. When a commit returns, each waiting caller gets its
/// own receipt, and if more have queued up, the first of them is woken to lead the next commit. Every caller
/// returns only after the transaction holding its message committed.
public actor IntakeService: MessageIntake {
    private struct Pending {
        let ticket: UInt64
        let message: InboundMessage
        var waiter: CheckedContinuation<Wake, Never>?
    }

    private enum Wake {
        case done(Result<IntakeReceipt, any Error>)
        case lead
    }

    private let store: any CaseStore
    private let clock: any WallClock
    private let maxBatch: Int
    private let logger: Logger
    private var queue: [Pending] = []
    private var committing = false
    private var nextTicket: UInt64 = 0

    private let created: Counter
    private let duplicates: Counter
    private let failed: Counter
    private let batchSize: Recorder
    private let commitTime: Metrics.Timer

    public init(
        store: any CaseStore, clock: any WallClock = SystemClock(), maxBatch: Int = 256,
        logger: Logger = Logger(label: "minqing.intake"), metrics: any MetricsFactory = MetricsSystem.factory
    ) {
        self.store = store
        self.clock = clock
        self.maxBatch = maxBatch
        self.logger = logger
        created = Counter(label: "minqing_intake_messages_total", dimensions: [("result", "created")], factory: metrics)
        duplicates = Counter(label: "minqing_intake_messages_total", dimensions: [("result", "redelivered")], factory: metrics)
        failed = Counter(label: "minqing_intake_messages_total", dimensions: [("result", "failed")], factory: metrics)
        batchSize = Recorder(label: "minqing_intake_batch_size", factory: metrics)
        commitTime = Metrics.Timer(label: "minqing_intake_commit_seconds", factory: metrics)
    }

    public func submit(_ message: InboundMessage) async throws -> IntakeReceipt {
        let ticket = nextTicket
        nextTicket += 1
        queue.append(Pending(ticket: ticket, message: message))
        if committing {
            let wake = await withCheckedContinuation { continuation in
                if let i = queue.firstIndex(where: { $0.ticket == ticket }) {
                    queue[i].waiter = continuation
                }
            }
            if case .done(let result) = wake { return try result.get() }
            // Woken to lead: our message is still at the head of the queue.
        }
        committing = true
        return try await leadCommits(ticket: ticket).get()
    }

    /// Commits batches until this caller's message is stored, then hands leadership to the next waiter.
    private func leadCommits(ticket: UInt64) async -> Result<IntakeReceipt, any Error> {
        var mine: Result<IntakeReceipt, any Error>?
        while mine == nil {
            let batch = Array(queue.prefix(maxBatch))
            queue.removeFirst(batch.count)
            let results = await commit(batch.map(\.message))
            for (pending, result) in zip(batch, results) {
                if pending.ticket == ticket {
                    mine = result
                } else {
                    pending.waiter?.resume(returning: .done(result))
                }
            }
        }
        if let next = queue.first?.waiter {
            queue[0].waiter = nil
            next.resume(returning: .lead)
        } else {
            committing = false
        }
        return mine!
    }

    private func commit(_ messages: [InboundMessage]) async -> [Result<IntakeReceipt, any Error>] {
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

extension Metrics.Timer {
    func recordInterval(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
