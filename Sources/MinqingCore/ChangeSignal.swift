import Foundation
import Synchronization

/// Wakes a waiting consumer when a producer has written something new (the store after committing outbox rows,
/// so the dispatcher delivers at once instead of at its next scheduled look).
///
/// Contract: a `notify()` that happens while nobody waits is remembered once, so a wake-up between a consumer's
/// last look and its next `wait` is never lost. Several notifies before a wait count as one.
public final class ChangeSignal: Sendable {
    private struct State {
        var pending = false
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        var nextID: UInt64 = 0
    }

    private let state = Mutex(State())

    public init() {}

    public func notify() {
        let woken = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            if s.waiters.isEmpty {
                s.pending = true
                return []
            }
            defer { s.waiters.removeAll() }
            return Array(s.waiters.values)
        }
        for continuation in woken { continuation.resume() }
    }

    /// Returns after the next `notify()` (or at once if one is pending), or when `clock` reaches `deadline`,
    /// whichever is first. Returns early, without throwing, when the task is cancelled.
    public func wait(until deadline: Date?, on clock: any SleepingClock) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.waitForNotify() }
            if let deadline {
                group.addTask { try? await clock.sleep(until: deadline) }
            }
            await group.next()
            group.cancelAll()
        }
    }

    private func waitForNotify() async {
        let id = state.withLock { s -> UInt64 in
            s.nextID += 1
            return s.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { s -> Bool in
                    if s.pending {
                        s.pending = false
                        return true
                    }
                    if Task.isCancelled { return true }
                    s.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let continuation = state.withLock { $0.waiters.removeValue(forKey: id) }
            continuation?.resume()
        }
    }
}
