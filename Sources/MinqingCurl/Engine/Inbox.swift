import CCurl
import Synchronization

/// What a finished transfer hands back to the awaiting task.
typealias TransferOutcome = Result<TransferResult, CurlError>

/// Sets up one easy handle. Runs on the loop thread; captures only Sendable values.
typealias TransferSetup = @Sendable (Transfer) throws(CurlError) -> Void

/// A request waiting to be turned into an easy handle by the loop.
struct TransferJob: Sendable {
    let id: UInt64
    let url: String
    let setup: TransferSetup
    let continuation: CheckedContinuation<TransferOutcome, Never>
}

/// How `CurlClient.shutdown` treats transfers that are still running.
public enum ShutdownMode: Sendable {
    /// Fail every in-flight transfer at once with `CurlError.Kind.shutdown`.
    case abortInFlight
    /// Let in-flight transfers run to completion (each bounded by its own timeout); accept no new ones.
    case finishInFlight
}

/// The only door into the loop thread: a mutex-protected command queue plus the per-request
/// state that makes cancellation race-free. Every method may be called from any thread.
///
/// A request moves `registered → submitted → (gone)`. A cancellation that arrives while the
/// request is still `registered` (the task was cancelled before the job reached the queue)
/// marks it, and `submit` then fails it without ever waking the loop.
final class Inbox: Sendable {
    enum Command {
        case add(TransferJob)
        case cancel(UInt64)
        case shutdown(ShutdownMode)
    }

    private enum Entry {
        case registered
        case cancelledEarly
        case submitted
    }

    private struct State {
        var commands: [Command] = []
        var entries: [UInt64: Entry] = [:]
        var nextID: UInt64 = 1
        var accepting = true
        var closed = false
        var joinWaiters: [CheckedContinuation<Void, Never>] = []
    }

    /// The multi handle, used here only for `curl_multi_wakeup` (thread-safe in libcurl).
    /// Never touched after `close()`, which happens before the loop frees the handle.
    private struct MultiPointer: @unchecked Sendable { let raw: UnsafeMutableRawPointer }

    private let state = Mutex(State())
    private let multi: MultiPointer

    init(multi: UnsafeMutableRawPointer) {
        self.multi = MultiPointer(raw: multi)
    }

    // MARK: Called by request tasks

    func register() -> UInt64 {
        state.withLock { state in
            let id = state.nextID
            state.nextID += 1
            state.entries[id] = .registered
            return id
        }
    }

    /// Queues the job, or fails it at once if it was cancelled early or the client is shutting down.
    func submit(_ job: TransferJob) {
        let refusal: CurlError? = state.withLock { state in
            if state.entries[job.id] == .cancelledEarly {
                state.entries[job.id] = nil
                return .cancelled(job.url)
            }
            guard state.accepting else {
                state.entries[job.id] = nil
                return .shutdown(job.url)
            }
            state.entries[job.id] = .submitted
            state.commands.append(.add(job))
            wake(state)
            return nil
        }
        if let refusal { job.continuation.resume(returning: .failure(refusal)) }
    }

    func cancel(_ id: UInt64) {
        state.withLock { state in
            switch state.entries[id] {
            case .registered:
                state.entries[id] = .cancelledEarly
            case .submitted:
                state.commands.append(.cancel(id))
                wake(state)
            case .cancelledEarly, nil:
                break
            }
        }
    }

    /// Stops accepting work and tells the loop how to end. Returns at once.
    func requestShutdown(_ mode: ShutdownMode) {
        state.withLock { state in
            state.accepting = false
            state.commands.append(.shutdown(mode))
            wake(state)
        }
    }

    /// Suspends until the loop thread has exited.
    func join() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let exited = state.withLock { state in
                if state.closed { return true }
                state.joinWaiters.append(continuation)
                return false
            }
            if exited { continuation.resume() }
        }
    }

    // MARK: Called by the loop thread

    func takeCommands() -> [Command] {
        state.withLock { state in
            let commands = state.commands
            state.commands.removeAll(keepingCapacity: true)
            return commands
        }
    }

    func forget(_ ids: [UInt64]) {
        guard !ids.isEmpty else { return }
        state.withLock { state in
            for id in ids { state.entries[id] = nil }
        }
    }

    /// Marks the loop as gone (no more wake-ups) and returns the commands that raced in and the join waiters.
    func close() -> (leftover: [Command], joinWaiters: [CheckedContinuation<Void, Never>]) {
        state.withLock { state in
            state.closed = true
            state.accepting = false
            let result = (state.commands, state.joinWaiters)
            state.commands.removeAll()
            state.joinWaiters.removeAll()
            state.entries.removeAll()
            return result
        }
    }

    private func wake(_ state: borrowing State) {
        if !state.closed { _ = curl_multi_wakeup(multi.raw) }
    }
}
