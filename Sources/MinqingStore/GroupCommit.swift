/// Batches concurrent submissions into one commit (group commit): one transaction, one fsync, serves every caller
/// waiting at that moment.
///
/// Leadership passes between callers, so no background task is needed: the first caller to find the committer idle
/// commits everything queued; callers arriving meanwhile wait. When a commit returns, each waiting caller gets its
/// own result, and if more have queued up, the first of them is woken to lead the next commit. Every caller
/// returns only after the commit holding its input returned.
///
/// `commit` receives at most `maxBatch` inputs and must return exactly one result per input, in order.
public actor GroupCommit<Input: Sendable, Output: Sendable> {
    public typealias Commit = @Sendable ([Input]) async -> [Result<Output, any Error>]

    private struct Pending {
        let ticket: UInt64
        let input: Input
        var waiter: CheckedContinuation<Wake, Never>?
    }

    private enum Wake {
        case done(Result<Output, any Error>)
        case lead
    }

    private let maxBatch: Int
    private let commit: Commit
    private var queue: [Pending] = []
    private var committing = false
    private var nextTicket: UInt64 = 0

    public init(maxBatch: Int, commit: @escaping Commit) {
        precondition(maxBatch > 0)
        self.maxBatch = maxBatch
        self.commit = commit
    }

    public func submit(_ input: Input) async -> Result<Output, any Error> {
        let ticket = nextTicket
        nextTicket += 1
        queue.append(Pending(ticket: ticket, input: input))
        if committing {
            let wake = await withCheckedContinuation { continuation in
                if let i = queue.firstIndex(where: { $0.ticket == ticket }) {
                    queue[i].waiter = continuation
                }
            }
            if case .done(let result) = wake { return result }
            // Woken to lead: our input is still at the head of the queue.
        }
        committing = true
        return await leadCommits(ticket: ticket)
    }

    /// Commits batches until this caller's input is committed, then hands leadership to the next waiter.
    private func leadCommits(ticket: UInt64) async -> Result<Output, any Error> {
        var mine: Result<Output, any Error>?
        while mine == nil {
            let batch = Array(queue.prefix(maxBatch))
            queue.removeFirst(batch.count)
            let results = await commit(batch.map(\.input))
            precondition(results.count == batch.count, "GroupCommit: commit returned \(results.count) results for \(batch.count) inputs")
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
}
