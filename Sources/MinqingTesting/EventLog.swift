import Synchronization

/// Collects events from the system under test; a test awaits a condition on them instead of sleeping.
public final class EventLog<Event: Sendable>: Sendable {
    private struct State {
        var events: [Event] = []
        var waiters: [UInt64: (condition: @Sendable ([Event]) -> Bool, continuation: CheckedContinuation<Void, Never>)] = [:]
        var nextID: UInt64 = 0
    }

    private let state = Mutex(State())

    public init() {}

    public var events: [Event] { state.withLock { $0.events } }

    public func append(_ event: Event) {
        let ready = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.events.append(event)
            let events = s.events
            let ready = s.waiters.filter { $0.value.condition(events) }
            for id in ready.keys { s.waiters[id] = nil }
            return ready.values.map(\.continuation)
        }
        for continuation in ready { continuation.resume() }
    }

    /// Returns once `condition` holds for the events so far — or when the waiting task is cancelled (a test's time
    /// limit), so a condition that never comes fails the test instead of hanging the run.
    public func wait(until condition: @escaping @Sendable ([Event]) -> Bool) async {
        let id = state.withLock { s -> UInt64 in
            s.nextID += 1
            return s.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { s -> Bool in
                    if condition(s.events) || Task.isCancelled { return true }
                    s.waiters[id] = (condition, continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.continuation.resume()
        }
    }

    /// Returns once at least `count` events arrived.
    public func wait(forCount count: Int) async { await wait { $0.count >= count } }
}
