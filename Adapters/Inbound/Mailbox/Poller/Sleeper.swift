import Foundation

/// How a poller waits between polls. The real one sleeps; tests pass one they drive by hand.
/// A sleep must throw `CancellationError` when its task is cancelled (that is how a poller stops).
public protocol Sleeper: Sendable {
    func sleep(seconds: TimeInterval) async throws
}

/// Sleeps on the task clock.
public struct TaskSleeper: Sleeper {
    public init() {}
    public func sleep(seconds: TimeInterval) async throws {
        try await Task.sleep(for: .milliseconds(Int64((seconds * 1000).rounded())))
    }
}
