import Foundation

/// When a grown warning's update (`warning.updated`) goes out, per target (docs/repeats-and-warnings.md,
/// "Updates"). Pure: the store passes what it read about the target's latest update and acts on the answer.
///
/// Contract:
/// - At most one update per warning and target is sent per `interval`, counted from the warning's raising and then
///   from each update's send time.
/// - An update not yet handed to the dispatcher is refreshed in place with the warning's latest state (count,
///   cases), so the update that goes out carries the state at its send time and the final count is never lost: a
///   case joining after an update was handed over schedules a new one, `interval` after it.
public enum WarningUpdateThrottle {
    /// The target's most recent update row of one warning, as the store read it.
    public struct LastUpdate: Sendable, Hashable {
        /// When it was scheduled to go out.
        public var sendAt: Date
        /// True while nobody has claimed it (pending, no attempt, no lease): its content may still be rewritten.
        public var refreshable: Bool

        public init(sendAt: Date, refreshable: Bool) {
            self.sendAt = sendAt
            self.refreshable = refreshable
        }
    }

    public enum Decision: Sendable, Hashable {
        /// Rewrite the waiting update with the latest state (its send time stays).
        case refresh
        /// Write a new update to go out at this time.
        case schedule(at: Date)
    }

    /// The default interval between two updates of one warning to one target: 1 hour.
    public static let defaultInterval: TimeInterval = 3600

    public static func decide(raisedAt: Date, last: LastUpdate?, now: Date, interval: TimeInterval) -> Decision {
        if let last, last.refreshable { return .refresh }
        let anchor = max(raisedAt, last?.sendAt ?? raisedAt)
        return .schedule(at: max(now, anchor.addingTimeInterval(max(interval, 0))))
    }
}
