/// A market-day phrase that could not be read. `description` is the message for people, in Chinese:
/// 「无法识别的集日规则“农历逢十三”：……」.
public struct MarketRuleParseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The phrase as given.
    public let phrase: String
    /// What was wrong and what was expected.
    public let reason: String

    public init(phrase: String, reason: String) {
        self.phrase = phrase
        self.reason = reason
    }

    public var description: String { "无法识别的集日规则“\(phrase)”：\(reason)" }
}
