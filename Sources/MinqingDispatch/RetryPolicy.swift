import Foundation
import MinqingCore

/// When to try a failed notification again, and when to give up. Pure: it takes `now` and a random value.
///
/// The default schedule follows Svix's: immediately, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h — eight attempts
/// over about 28 hours — each delay spread by ±`jitter` so many failures do not return at the same instant.
public struct RetryPolicy: Sendable, Hashable {
    /// Delay before attempt n+1 after attempt n failed; its count is how many retries there are.
    public var delays: [Duration]
    /// Fraction of each delay added or removed at random (0.2 = ±20 %).
    public var jitter: Double

    public static let standardDelays: [Duration] = [
        .seconds(5), .seconds(5 * 60), .seconds(30 * 60), .seconds(2 * 3600), .seconds(5 * 3600),
        .seconds(10 * 3600), .seconds(10 * 3600),
    ]

    public init(delays: [Duration] = RetryPolicy.standardDelays, jitter: Double = 0.2) {
        self.delays = delays
        self.jitter = jitter
    }

    public var maxAttempts: Int { delays.count + 1 }

    public enum Decision: Sendable, Hashable {
        case retry(at: Date)
        case giveUp(reason: String)
    }

    /// The decision after attempt number `attempt` (1-based) failed with `failure` at `now`.
    /// `random` is in 0..<1 (the lane draws it; tests pass a fixed value).
    public func decide(after attempt: Int, failure: DeliveryFailure, now: Date, random: Double) -> Decision {
        switch failure.kind {
        case .permanent:
            return .giveUp(reason: failure.description)
        case .gone:
            return .giveUp(reason: "\(failure.description)；接收方已停用此地址，该通知目标已停用，请核实后在配置中更新地址")
        case .retryable, .rateLimited:
            guard attempt < maxAttempts else {
                return .giveUp(reason: "已尝试 \(attempt) 次仍未送达，最后一次：\(failure.description)")
            }
            let base = delays[max(0, attempt - 1)].seconds
            var delay = base * (1 + jitter * (2 * random - 1))
            if let asked = failure.retryAfter?.seconds { delay = max(delay, asked) }
            if let pause = failure.pauseTarget?.seconds { delay = max(delay, pause) }
            return .retry(at: now.addingTimeInterval(max(0, delay)))
        }
    }
}
