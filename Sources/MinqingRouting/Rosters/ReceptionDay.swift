/// A leader's reception day (领导接待日): on the days of `rule` (a weekday, 每月初一…, written like a market
/// rule), from `start` to `end` at `place`. Published on the public site and in the leader's calendar feed.
public struct ReceptionDay: Sendable, Hashable {
    public var leader: String
    public var rule: MarketRule
    public var start: ClockTime
    public var end: ClockTime
    public var place: String

    public init(leader: String, rule: MarketRule, start: ClockTime, end: ClockTime, place: String) {
        self.leader = leader
        self.rule = rule
        self.start = start
        self.end = end
        self.place = place
    }

    /// The reception days from `first` to `last`, both inclusive; days off (`calendar`) are skipped.
    public func days(from first: CivilDay, to last: CivilDay, calendar: WorkCalendar) -> [CivilDay] {
        MarketCalendar.days(rule, from: first, to: last).filter(calendar.isWorkday)
    }
}
