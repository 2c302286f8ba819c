import Foundation

/// A date of the Chinese lunisolar calendar (农历), as computed by Foundation's `Calendar(identifier: .chinese)`
/// (ICU; on Linux it gives the official dates, e.g. 2026-02-17 = 正月初一, 2025-07-25 = 闰六月初一).
public struct LunarDate: Hashable, Sendable, CustomStringConvertible {
    /// The Gregorian year in which this lunar year began (2025 for every day of 乙巳年).
    public let relatedYear: Int
    /// 1 … 12; a leap month has the number of the month it follows.
    public let month: Int
    /// 1 … 30.
    public let day: Int
    /// 闰月: a repeated month (2025 has 闰六月 after 六月).
    public let isLeapMonth: Bool
    /// 29 (小月) or 30 (大月).
    public let monthLength: Int

    public init(relatedYear: Int, month: Int, day: Int, isLeapMonth: Bool, monthLength: Int) {
        self.relatedYear = relatedYear
        self.month = month
        self.day = day
        self.isLeapMonth = isLeapMonth
        self.monthLength = monthLength
    }

    /// The lunar date of a civil day. Lunar days begin at local midnight in China; the mapping of a civil day to
    /// its lunar date does not depend on the time zone the day was taken in.
    public init(_ civil: CivilDay) {
        let calendar = LunarDate.chinese
        let noon = LunarDate.gregorian.date(from: DateComponents(year: civil.year, month: civil.month, day: civil.day, hour: 12))!
        let parts = calendar.dateComponents([.month, .day, .isLeapMonth], from: noon)
        let month = parts.month ?? 1
        self.init(
            relatedYear: month >= 11 && civil.month <= 6 ? civil.year - 1 : civil.year,
            month: month,
            day: parts.day ?? 1,
            isLeapMonth: parts.isLeapMonth ?? false,
            monthLength: calendar.range(of: .day, in: .month, for: noon)?.count ?? 30)
    }

    /// The year's 干支 name, e.g. 乙巳 (1984 was 甲子).
    public var yearName: String {
        SexagenaryDay(index: relatedYear - 1984).description
    }

    /// `闰六月初一`, `正月十五`, `腊月三十`.
    public var monthAndDayName: String {
        (isLeapMonth ? "闰" : "") + ChineseNumerals.lunarMonthName(month) + ChineseNumerals.lunarDayName(day)
    }

    /// `乙巳年闰六月初一`.
    public var description: String { yearName + "年" + monthAndDayName }

    private static let gregorian: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    private static let chinese: Calendar = {
        var calendar = Calendar(identifier: .chinese)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()
}

extension CivilDay {
    /// The day's lunar date (农历).
    public var lunar: LunarDate { LunarDate(self) }
}
