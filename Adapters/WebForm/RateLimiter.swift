import Foundation
import MinqingCore

/// Sliding-window counter per key (client address, phone number, login name), on an injected clock.
///
/// `allow(key)` says whether one more event fits; `record(key)` counts one. They are separate so a caller can
/// count only what succeeded (a new case, a failed login).
public actor RateLimiter {
    private let limit: Int
    private let window: TimeInterval
    private let clock: any WallClock
    private var events: [String: [Date]] = [:]

    public init(limit: Int, window: TimeInterval, clock: any WallClock) {
        self.limit = limit
        self.window = window
        self.clock = clock
    }

    public func allow(_ key: String) -> Bool {
        prune(key)
        return (events[key]?.count ?? 0) < limit
    }

    public func record(_ key: String) {
        prune(key)
        events[key, default: []].append(clock.now())
    }

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
