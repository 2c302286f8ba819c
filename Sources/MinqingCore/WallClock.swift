import Foundation

/// The hub's source of "now". Decisions take a date; the parts that need the current time take a clock,
/// so tests can drive a manual one.
public protocol WallClock: Sendable {
    func now() -> Date
}

/// The real time.
public struct SystemClock: WallClock {
    public init() {}
    public func now() -> Date { Date() }
}
