/// Market-day duty (每逢赶集，党委书记或镇长在便民服务中心接访): on each market day of one market, the next
/// leader of `leaders` receives citizens at `place`. Turns count market days, not calendar days, from `anchor`
/// (the first market day on or after it is the first leader's). Overrides work as on a `Roster`.
public struct MarketDuty: Sendable, Hashable {
    public var market: String
    public var marketName: String
    public var calendar: MarketCalendar
    public var place: String
    public var leaders: [String]
    public var anchor: CivilDay
    public var overrides: [RosterOverride]
    /// Village codes the market serves (their open cases go with the alerts).
    public var villages: [String]

    public init(
        market: String, marketName: String, calendar: MarketCalendar, place: String, leaders: [String],
        anchor: CivilDay, overrides: [RosterOverride] = [], villages: [String] = []
    ) {
        self.market = market
        self.marketName = marketName
        self.calendar = calendar
        self.place = place
        self.leaders = leaders
        self.anchor = anchor
        self.overrides = overrides
        self.villages = villages
    }

    /// The duty leader on `day`; nil when `day` is not a market day or nobody is listed.
    public func onDuty(on day: CivilDay) -> DutyAssignment? {
        guard calendar.isMarketDay(day), !leaders.isEmpty else { return nil }
        let turns = day >= anchor
            ? MarketCalendar.days(calendar.rule, from: anchor, to: day).count - 1
            : -MarketCalendar.days(calendar.rule, from: day, to: anchor.adding(days: -1)).count
        let n = leaders.count
        let duty = DutyAssignment(
            person: leaders[((turns % n) + n) % n], reason: "\(marketName)集日（\(calendar.rule.phrase)）轮值接访")
        return RosterOverride.apply(overrides, to: duty, on: day, label: "\(marketName)集日接访")
    }
}
