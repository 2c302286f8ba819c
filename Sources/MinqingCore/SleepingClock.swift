import Foundation

/// A clock that can also wait. Long-running parts (the dispatcher, its lanes, schedulers) wait on it, so tests
/// drive time with a manual clock instead of sleeping.
///
/// Contract: `sleep(until:)` returns once `now() >= deadline` (at once if it already is), and throws
/// `CancellationError` promptly when the calling task is cancelled.
public protocol SleepingClock: WallClock {
    func sleep(until deadline: Date) async throws
}

extension SystemClock: SleepingClock {
    public func sleep(until deadline: Date) async throws {
        var seconds = deadline.timeIntervalSince(now())
        guard seconds > 0 else { return try Task.checkCancellation() }
        // In steps of at most a day, so a far (or distantFuture) deadline cannot overflow the millisecond count.
        while seconds > 0 {
            try await Task.sleep(for: .milliseconds(Int64((min(seconds, 86_400) * 1000).rounded(.up))))
            seconds = deadline.timeIntervalSince(now())
        }
    }
}
