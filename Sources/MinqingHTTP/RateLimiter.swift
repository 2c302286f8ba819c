import Foundation
import MinqingCore

/// Sliding-window counter per key (client address, phone number, login name), on an injected clock.
///
/// `allow(key)` says whether one more event fits; `record(key)` counts one. They are separate so a caller can
/// count only what succeeded (a new case, a failed login). Held in memory: a restart forgets the counts, so a
/// limit that must outlive the process belongs in the store (`AttemptLedger`). Keys whose events all expired are
/// swept once many keys have gathered, so a flood from many addresses cannot grow the process without bound.
public actor RateLimiter {
    private let limit: Int
    private let window: TimeInterval
    private let clock: any WallClock
    private var events: [String: [Date]] = [:]
    private var sweepAt = 4096

    public init(limit: Int, window: TimeInterval, clock: any WallClock) {
        self.limit = limit
        self.window = window
        self.clock = clock
    }

    public func allow(_ key: String) -> Bool {
        prune(key)
        return (events[key]?.count ?? 0) < limit
    }

    /// Counts one event and says whether it fits — in one step, so concurrent callers cannot all pass the check
    /// before any of them is counted (a burst of logins is counted before the passwords are checked).
    public func admit(_ key: String) -> Bool {
        guard allow(key) else { return false }
        events[key, default: []].append(clock.now())
        return true
    }

    /// Takes back the latest event of `key` (an admitted login that turned out right: only failures should count,
    /// but each attempt is counted while its password is being checked).
    public func refund(_ key: String) {
        if events[key]?.isEmpty == false { events[key]!.removeLast() }
    }

    public func record(_ key: String) {
        prune(key)
        events[key, default: []].append(clock.now())
        if events.count >= sweepAt {
            for key in Array(events.keys) { prune(key) }
            sweepAt = max(4096, events.count * 2)
        }
    }

    /// Keys currently holding events (for tests of the sweep).
    public var keyCount: Int { events.count }

    /// Forgets a key (a successful login clears its failures).
    public func reset(_ key: String) {
        events[key] = nil
    }

    private func prune(_ key: String) {
        let cutoff = clock.now().addingTimeInterval(-window)
        events[key]?.removeAll { $0 <= cutoff }
        if events[key]?.isEmpty == true { events[key] = nil }
    }
}
