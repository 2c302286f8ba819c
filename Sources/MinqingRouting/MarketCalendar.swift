import Foundation

/// The market days of one market (e.g. 石桥集, 农历逢三、六、九).
public struct MarketCalendar: Hashable, Sendable {
    /// The market's name, for people.
    public let name: String
    public let rule: MarketRule
    /// The zone in which instants are turned into days (Asia/Shanghai unless configured).
    public let timeZone: TimeZone

    /// How far `nextMarketDay` looks ahead before giving up (two years: every rule that can match at all
    /// matches within a few months).
    public static let searchLimitDays = 732

    public init(name: String = "", rule: MarketRule, timeZone: TimeZone = ChinaTime.zone) {
        self.name = name
        self.rule = rule
        self.timeZone = timeZone
    }

    /// Market days of `rule` from `start` to `end`, both inclusive, in order.
    public static func days(_ rule: MarketRule, from start: CivilDay, to end: CivilDay) -> [CivilDay] {
        guard start <= end, !rule.isNever else { return [] }
        return (start...end).filter(rule.isMarketDay)
    }

    public func isMarketDay(_ day: CivilDay) -> Bool {
        rule.isMarketDay(day)
    }

    /// Whether the local day of `date` is a market day.
    public func isMarketDay(_ date: Date) -> Bool {
        rule.isMarketDay(CivilDay(date, in: timeZone))
    }

    /// Market days from `start` to `end`, both inclusive.
    public func days(from start: CivilDay, to end: CivilDay) -> [CivilDay] {
        MarketCalendar.days(rule, from: start, to: end)
    }

    /// The first market day strictly after `day`; `nil` if the rule never matches.
    public func nextMarketDay(after day: CivilDay) -> CivilDay? {
        firstMarketDay(onOrAfter: day.adding(days: 1))
    }

    /// The first market day after the local day of `date` (tomorrow or later).
    public func nextMarketDay(after date: Date) -> CivilDay? {
        nextMarketDay(after: CivilDay(date, in: timeZone))
    }

    /// The first market day on or after `day`; `nil` if the rule never matches.
    public func firstMarketDay(onOrAfter day: CivilDay) -> CivilDay? {
        guard !rule.isNever else { return nil }
        return (0..<MarketCalendar.searchLimitDays).lazy.map { day.adding(days: $0) }.first(where: rule.isMarketDay)
    }
}
