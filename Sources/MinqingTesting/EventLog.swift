import Synchronization

/// Collects events from the system under test; a test awaits a condition on them instead of sleeping.
public final class EventLog<Event: Sendable>: Sendable {
    private struct State {
        var events: [Event] = []
        var waiters: [(condition: @Sendable ([Event]) -> Bool, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private let state = Mutex(State())

    public init() {}

    public var events: [Event] { state.withLock { $0.events } }

    public func append(_ event: Event) {
        let ready = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.events.append(event)
            let events = s.events
            let ready = s.waiters.filter { $0.condition(events) }.map(\.continuation)
            s.waiters.removeAll { $0.condition(events) }
            return ready
        }
        for continuation in ready { continuation.resume() }
    }

    /// Returns once `condition` holds for the events so far.
    public func wait(until condition: @escaping @Sendable ([Event]) -> Bool) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let satisfied = state.withLock { s -> Bool in
                if condition(s.events) { return true }
                s.waiters.append((condition, continuation))
                return false
            }
            if satisfied { continuation.resume() }
        }
    }

    /// Returns once at least `count` events arrived.
    public func wait(forCount count: Int) async { await wait { $0.count >= count } }
}
