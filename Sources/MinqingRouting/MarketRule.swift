import Foundation

/// When a market (集, 圩, 场) meets.
///
/// Every convention of the county tables reduces to one of four structures; the static constructors below name
/// the conventions:
///
/// | table phrase | rule |
/// |---|---|
/// | 农历逢三、六、九 / 逢三六九 | `.lunarXun([3, 6, 9])` = lunar days 3, 6, 9, 13, 16, 19, 23, 26, 29 |
/// | 农历逢五、十 / 逢五逢十 | `.lunarXun([5, 10])` = 5, 10, 15, 20, 25, 30 (三十 only exists in 30-day months) |
/// | 一六集 (5-day cycle) | `.lunarXun([1, 6])` = 1, 6, 11, 16, 21, 26 |
/// | 公历逢1、4、7 | `.gregorianXun([1, 4, 7])`, the 31st as a parameter |
/// | 单日 / 双日 | `.oddDays()` / `.evenDays()`, the 31st as a parameter |
/// | 星期五 / 每周五 / 逢周三 | `.weekdays([.friday])` |
/// | 赶子午 / 逢子午日 | `.branchPair(.zi)` = days whose 地支 is 子 or 午, every sixth day |
///
/// Leap lunar months repeat the day numbers, so a lunar rule also meets in 闰月. Two rules that select the same
/// days are equal whichever way they were written (`.lunarXun([1, 6])` == 「一六集」 == 「农历逢一、六」).
/// `phrase` prints the canonical Chinese phrase; `MarketRule(phrase:)` parses table phrases.
public enum MarketRule: Hashable, Sendable {
    /// Days of the lunar month (1 … 30).
    case lunarDays(Set<Int>)
    /// Days of the Gregorian month (1 … 31).
    case gregorianDays(Set<Int>)
    /// Days of the week.
    case weekdays(Set<Weekday>)
    /// Days whose 干支 has one of these earthly branches.
    case earthlyBranches(Set<EarthlyBranch>)

    /// What to do with the 31st under a Gregorian rule: a local choice.
    public enum ThirtyFirst: Hashable, Sendable {
        /// As the rule reads: 逢1 and 单日 include the 31st, 逢3 and 双日 do not.
        case asWritten
        /// Never a market on the 31st (「31日除外」).
        case excluded
        /// Always a market on the 31st (「含31日」).
        case included
    }

    /// 旬 days of the lunar month: each digit d in 1 … 10 stands for d, d+10, d+20 (十 for 10, 20, 30).
    public static func lunarXun(_ digits: some Sequence<Int>) -> MarketRule {
        .lunarDays(xunDays(digits, upTo: 30))
    }

    /// 旬 days of the Gregorian month: each digit d in 1 … 10 stands for d, d+10, d+20 (and 31 for 1, as written).
    public static func gregorianXun(_ digits: some Sequence<Int>, thirtyFirst: ThirtyFirst = .asWritten) -> MarketRule {
        .gregorianDays(adjust(xunDays(digits, upTo: 31), thirtyFirst))
    }

    /// 单日: odd Gregorian days (the 31st included as written).
    public static func oddDays(thirtyFirst: ThirtyFirst = .asWritten) -> MarketRule {
        .gregorianDays(adjust(Set(stride(from: 1, through: 31, by: 2)), thirtyFirst))
    }

    /// 双日: even Gregorian days (the 31st, being odd, only when `.included`).
    public static func evenDays(thirtyFirst: ThirtyFirst = .asWritten) -> MarketRule {
        .gregorianDays(adjust(Set(stride(from: 2, through: 30, by: 2)), thirtyFirst))
    }

    /// 农历单日 / 农历双日.
    public static func lunarParity(odd: Bool) -> MarketRule {
        .lunarDays(Set(stride(from: odd ? 1 : 2, through: 30, by: 2)))
    }

    /// A 干支 pair: the branch and its opposite (赶子午 = `.branchPair(.zi)` or `.branchPair(.wu)`).
    public static func branchPair(_ branch: EarthlyBranch) -> MarketRule {
        .earthlyBranches([branch, branch.opposite])
    }

    /// Whether `day` is a market day.
    public func isMarketDay(_ day: CivilDay) -> Bool {
        switch self {
        case .lunarDays(let days): days.contains(day.lunar.day)
        case .gregorianDays(let days): days.contains(day.day)
        case .weekdays(let weekdays): weekdays.contains(day.weekday)
        case .earthlyBranches(let branches): branches.contains(day.sexagenary.branch)
        }
    }

    /// Whether the local day of `date` in `timeZone` is a market day.
    public func isMarketDay(_ date: Date, in timeZone: TimeZone = ChinaTime.zone) -> Bool {
        isMarketDay(CivilDay(date, in: timeZone))
    }

    /// No day can ever match (an empty set, or only days that do not exist such as lunar 31).
    public var isNever: Bool {
        switch self {
        case .lunarDays(let days): days.allSatisfy { !(1...30).contains($0) }
        case .gregorianDays(let days): days.allSatisfy { !(1...31).contains($0) }
        case .weekdays(let weekdays): weekdays.isEmpty
        case .earthlyBranches(let branches): branches.isEmpty
        }
    }

    static func xunDays(_ digits: some Sequence<Int>, upTo limit: Int) -> Set<Int> {
        var days: Set<Int> = []
        for digit in digits where (1...10).contains(digit) {
            for day in stride(from: digit, through: limit, by: 10) { days.insert(day) }
        }
        return days
    }

    static func adjust(_ days: Set<Int>, _ thirtyFirst: ThirtyFirst) -> Set<Int> {
        switch thirtyFirst {
        case .asWritten: days
        case .excluded: days.subtracting([31])
        case .included: days.union([31])
        }
    }
}
