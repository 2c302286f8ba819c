import Foundation
import MinqingCore

/// The earliest time a lane may send, given the times it sent before. Pure; counts over sliding windows, so no
/// interval of any window's length ever holds more than its count — which also keeps every calendar minute
/// within a per-minute limit however the receiver counts.
///
/// The receiver counts *arrivals*; the hub can only plan *send times*. A send leaves a little after its slot (the
/// wait wakes late, the connection takes time), and a later send may leave on time — so slots are kept apart by
/// each window's period plus a margin (`margin(of:)`), and a lane that is ready later than `lateSendTolerance`
/// after its slot plans again instead of sending (docs/postgres.md, "Rate limits, pauses and look-up limits").
public struct RateLimit: Sendable, Hashable {
    public var windows: [RateWindow]

    public init(_ windows: [RateWindow]) { self.windows = windows }

    public static let unlimited = RateLimit([])

    public var isLimited: Bool { !windows.isEmpty }

    /// How far back `earliestSend` needs to look.
    public var horizon: Duration { windows.map(\.period).max() ?? .zero }

    /// What each window adds to its period between slots: 5 % of the period, at least 0.2 s (3 s on a minute,
    /// 0.2 s on a second). Half of it absorbs a send that leaves late, half the difference in network time.
    public static func margin(of window: RateWindow) -> TimeInterval { max(window.period.seconds * 0.05, 0.2) }

    /// How long after its slot a send may still leave: half the smallest window's margin. Later than that, the
    /// slot no longer keeps the receiver's count, and the send must be planned again.
    public var lateSendTolerance: TimeInterval { (windows.map(Self.margin(of:)).min() ?? .infinity) / 2 }

    /// The earliest instant at or after `now` at which one more send keeps every window within its count.
    /// `history` holds earlier send times in ascending order (older than the horizon may be dropped).
    public func earliestSend(after history: [Date], now: Date) -> Date {
        var at = now
        for w in windows where history.count >= w.count {
            // The send `count` places back must have left the window by the time we send.
            let blocking = history[history.count - w.count]
            at = max(at, blocking.addingTimeInterval(w.period.seconds + Self.margin(of: w)))
        }
        return at
    }
}
