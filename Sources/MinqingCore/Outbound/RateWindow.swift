import Foundation

/// A receiver's limit: at most `count` sends in any `period` (WeCom and DingTalk robots: 20 a minute;
/// Feishu: 100 a minute and 5 a second — docs/domain/robots.md#summary).
public struct RateWindow: Sendable, Hashable, CustomStringConvertible {
    public var count: Int
    public var period: Duration

    public init(count: Int, per period: Duration) {
        precondition(count > 0)
        self.count = count
        self.period = period
    }

    public var description: String { "\(count) 条/\(Int(period.seconds)) 秒" }
}

extension Duration {
    /// The duration in seconds as a floating-point number.
    public var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) / 1e18
    }
}
