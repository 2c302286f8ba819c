import Foundation
import MinqingCore

/// The earliest time a lane may send, given the times it sent before. Pure; counts over sliding windows, so no
/// interval of any window's length ever holds more than its count — which also keeps every calendar minute
/// within a per-minute limit however the receiver counts.
public struct RateLimit: Sendable, Hashable {
    public var windows: [RateWindow]

    public init(_ windows: [RateWindow]) { self.windows = windows }

    public static let unlimited = RateLimit([])

    public var isLimited: Bool { !windows.isEmpty }

    /// How far back `earliestSend` needs to look.
    public var horizon: Duration { windows.map(\.period).max() ?? .zero }

    /// The earliest instant at or after `now` at which one more send keeps every window within its count.
    /// `history` holds earlier send times in ascending order (older than the horizon may be dropped).
    public func earliestSend(after history: [Date], now: Date) -> Date {
        var at = now
        for w in windows where history.count >= w.count {
            // The send `count` places back must have left the window by the time we send.
            let blocking = history[history.count - w.count]
            at = max(at, blocking.addingTimeInterval(w.period.seconds))
        }
        return at
    }
}
