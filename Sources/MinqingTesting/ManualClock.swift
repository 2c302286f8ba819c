import Foundation
import MinqingCore
import Synchronization

/// A clock tests move by hand. Starts at `start`; only `advance`/`set` change it.
public final class ManualClock: WallClock {
    private let current: Mutex<Date>

    public init(_ start: Date) { current = Mutex(start) }

    public func now() -> Date { current.withLock { $0 } }
    public func advance(by seconds: TimeInterval) { current.withLock { $0 += seconds } }
    public func set(_ date: Date) { current.withLock { $0 = date } }
}

extension Date {
    /// `Date("2026-11-22T09:30:00+08:00")` for tests; traps on a malformed literal.
    public init(iso text: String) {
        guard let d = HubTime.parse(text) else { preconditionFailure("bad test date \(text)") }
        self = d
    }
}
