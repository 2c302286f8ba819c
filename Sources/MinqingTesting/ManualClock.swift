import Foundation
import MinqingCore
import Synchronization

/// A clock tests move by hand. Starts at `start`; only `advance`/`set` change it. Tasks sleeping on it wake when
/// the time they wait for is reached, so a test drives retries and schedules without real waiting.
public final class ManualClock: SleepingClock {
    private struct Sleeper {
        let deadline: Date
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now: Date
        var sleepers: [UInt64: Sleeper] = [:]
        var nextID: UInt64 = 0
        var watchers: [(condition: @Sendable ([Date]) -> Bool, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private let state: Mutex<State>

    public init(_ start: Date) { state = Mutex(State(now: start)) }

    public func now() -> Date { state.withLock { $0.now } }

    public func advance(by seconds: TimeInterval) { move { $0 += seconds } }
    public func set(_ date: Date) { move { $0 = date } }

    /// How many tasks are sleeping on this clock (a test waits for the system to settle before advancing).
    public var sleeperCount: Int { state.withLock { $0.sleepers.count } }

    /// The earliest time a sleeper waits for.
    public var nextDeadline: Date? { state.withLock { $0.sleepers.values.map(\.deadline).min() } }

    public func sleep(until deadline: Date) async throws {
        let id = state.withLock { s -> UInt64 in
            s.nextID += 1
            return s.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let ready = state.withLock { s -> Result<Void, any Error>? in
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if s.now >= deadline { return .success(()) }
                    s.sleepers[id] = Sleeper(deadline: deadline, continuation: continuation)
                    return nil
                }
                if let ready { continuation.resume(with: ready) } else { notifyWatchers() }
            }
        } onCancel: {
            let sleeper = state.withLock { $0.sleepers.removeValue(forKey: id) }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Returns once the deadlines tasks sleep for satisfy `condition` (a test waits for the system to go idle —
    /// "a lane sleeps until 09:01" — before it moves the clock or checks that nothing more happened).
    public func waitForSleepers(_ condition: @escaping @Sendable (_ deadlines: [Date]) -> Bool) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let satisfied = state.withLock { s -> Bool in
                if condition(s.sleepers.values.map(\.deadline)) { return true }
                s.watchers.append((condition, continuation))
                return false
            }
            if satisfied { continuation.resume() }
        }
    }

    private func notifyWatchers() {
        let ready = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            let deadlines = s.sleepers.values.map(\.deadline)
            let ready = s.watchers.filter { $0.condition(deadlines) }.map(\.continuation)
            s.watchers.removeAll { $0.condition(deadlines) }
            return ready
        }
        for continuation in ready { continuation.resume() }
    }

    private func move(_ change: (inout Date) -> Void) {
        let due = state.withLock { s -> [CheckedContinuation<Void, any Error>] in
            change(&s.now)
            let ids = s.sleepers.filter { $0.value.deadline <= s.now }.map(\.key)
            return ids.compactMap { s.sleepers.removeValue(forKey: $0)?.continuation }
        }
        for continuation in due { continuation.resume() }
    }
}

extension Date {
    /// `Date("2026-11-22T09:30:00+08:00")` for tests; traps on a malformed literal.
    public init(iso text: String) {
        guard let d = HubTime.parse(text) else { preconditionFailure("bad test date \(text)") }
        self = d
    }
}
