import Foundation
import Testing
@testable import MinqingRouting

@Suite("Market days")
struct MarketRuleTests {
    /// Lunar expectations were listed with the lunar-python library (6tail, its own astronomical tables) and
    /// spot-checked by hand from known month starts: 六月初一 2025-06-25, 闰六月初一 2025-07-25 (29 days),
    /// 七月初一 2025-08-23, 腊月初一 2026-01-19 (29 days), 正月初一 2026-02-17 and 2027-02-06.
    /// Gregorian and weekday expectations are read off a paper calendar.
    @Test("market days in a window", arguments: [
        // 六月初七 … 六月廿七, 闰六月初一 … 廿七 (the leap month repeats the days), 七月初一 … 十四
        (MarketRule.lunarXun([1, 4, 7]), "2025-07-01", "2025-09-05", [
            "2025-07-01", "2025-07-05", "2025-07-08", "2025-07-11", "2025-07-15", "2025-07-18", "2025-07-21",
            "2025-07-25", "2025-07-28", "2025-07-31", "2025-08-04", "2025-08-07", "2025-08-10", "2025-08-14",
            "2025-08-17", "2025-08-20", "2025-08-23", "2025-08-26", "2025-08-29", "2025-09-02", "2025-09-05",
        ]),
        // 腊月十六 … 廿九, 正月初三 (02-19) … 廿九: across 春节 2026
        (.lunarXun([3, 6, 9]), "2026-02-01", "2026-03-20", [
            "2026-02-03", "2026-02-06", "2026-02-10", "2026-02-13", "2026-02-16", "2026-02-19", "2026-02-22",
            "2026-02-25", "2026-03-01", "2026-03-04", "2026-03-07", "2026-03-11", "2026-03-14", "2026-03-17",
        ]),
        // across 春节 2027: 正月初二 is 02-07
        (.lunarXun([2, 5, 8]), "2027-01-20", "2027-03-10", [
            "2027-01-22", "2027-01-25", "2027-01-29", "2027-02-01", "2027-02-04", "2027-02-07", "2027-02-10",
            "2027-02-13", "2027-02-17", "2027-02-20", "2027-02-23", "2027-02-27", "2027-03-02", "2027-03-05",
            "2027-03-09",
        ]),
        // 五十: 六月 has 30 days (三十 = 07-24 meets), 闰六月 has 29 (no 三十: 廿五 08-18, then 七月初五 08-27)
        (.lunarXun([5, 10]), "2025-07-15", "2025-09-10", [
            "2025-07-19", "2025-07-24", "2025-07-29", "2025-08-03", "2025-08-08", "2025-08-13", "2025-08-18",
            "2025-08-27", "2025-09-01", "2025-09-06",
        ]),
        // 五十 in the 29-day 腊月 before 春节 2026: 廿五 02-12, then 正月初五 02-21
        (.lunarXun([5, 10]), "2026-01-25", "2026-02-28", [
            "2026-01-28", "2026-02-02", "2026-02-07", "2026-02-12", "2026-02-21", "2026-02-26",
        ]),
        // 四九: 冬月初四 … 腊月十九, across the Gregorian year end
        (.lunarXun([4, 9]), "2025-12-20", "2026-02-10", [
            "2025-12-23", "2025-12-28", "2026-01-02", "2026-01-07", "2026-01-12", "2026-01-17", "2026-01-22",
            "2026-01-27", "2026-02-01", "2026-02-06",
        ]),
        // 一六集: 八月初一 (09-01) … 十月初一 (10-29); 八月 has 29 days, so 九月初一 is 09-30
        (.lunarXun([1, 6]), "2027-09-01", "2027-10-31", [
            "2027-09-01", "2027-09-06", "2027-09-11", "2027-09-16", "2027-09-21", "2027-09-26", "2027-09-30",
            "2027-10-05", "2027-10-10", "2027-10-15", "2027-10-20", "2027-10-25", "2027-10-29",
        ]),
        // 农历每月初一、十五
        (.lunarDays([1, 15]), "2025-07-01", "2025-09-10", [
            "2025-07-09", "2025-07-25", "2025-08-08", "2025-08-23", "2025-09-06",
        ]),
        // 公历逢1、4、7: the 31st as written, or excluded
        (.gregorianXun([1, 4, 7]), "2027-01-25", "2027-02-08", [
            "2027-01-27", "2027-01-31", "2027-02-01", "2027-02-04", "2027-02-07",
        ]),
        (.gregorianXun([1, 4, 7], thirtyFirst: .excluded), "2027-01-25", "2027-02-08", [
            "2027-01-27", "2027-02-01", "2027-02-04", "2027-02-07",
        ]),
        (.gregorianXun([3, 6, 9]), "2025-03-25", "2025-04-04", ["2025-03-26", "2025-03-29", "2025-04-03"]),
        (.gregorianXun([3, 6, 9], thirtyFirst: .included), "2025-03-25", "2025-04-04", [
            "2025-03-26", "2025-03-29", "2025-03-31", "2025-04-03",
        ]),
        // Gregorian 5-day cycles: 逢5、10 and 逢1、6
        (.gregorianXun([5, 10]), "2025-12-24", "2026-01-06", ["2025-12-25", "2025-12-30", "2026-01-05"]),
        (.gregorianXun([1, 6]), "2025-12-24", "2026-01-07", [
            "2025-12-26", "2025-12-31", "2026-01-01", "2026-01-06",
        ]),
        // 单日 / 双日 around a 31-day month end, and February 2027 (28 days)
        (.oddDays(), "2026-01-27", "2026-02-03", [
            "2026-01-27", "2026-01-29", "2026-01-31", "2026-02-01", "2026-02-03",
        ]),
        (.oddDays(thirtyFirst: .excluded), "2026-01-27", "2026-02-03", [
            "2026-01-27", "2026-01-29", "2026-02-01", "2026-02-03",
        ]),
        (.evenDays(), "2026-01-27", "2026-02-03", ["2026-01-28", "2026-01-30", "2026-02-02"]),
        (.evenDays(thirtyFirst: .included), "2026-01-27", "2026-02-03", [
            "2026-01-28", "2026-01-30", "2026-01-31", "2026-02-02",
        ]),
        (.evenDays(), "2027-02-25", "2027-03-04", ["2027-02-26", "2027-02-28", "2027-03-02", "2027-03-04"]),
        // weekdays: 2027-02-06 is a Saturday, 2025-07-25 a Friday, 2026-03-02 a Monday
        (.weekdays([.friday]), "2027-02-01", "2027-02-28", ["2027-02-05", "2027-02-12", "2027-02-19", "2027-02-26"]),
        (.weekdays([.wednesday]), "2025-07-01", "2025-07-31", [
            "2025-07-02", "2025-07-09", "2025-07-16", "2025-07-23", "2025-07-30",
        ]),
        (.weekdays([.tuesday, .friday]), "2026-03-01", "2026-03-10", ["2026-03-03", "2026-03-06", "2026-03-10"]),
        // 干支 pairs in March 2026: 03-01 is 甲戌 (lunar-python; also (JDN 2461101 + 49) mod 60 = 10 = 甲戌)
        (.branchPair(.zi), "2026-03-01", "2026-03-31", [
            "2026-03-03", "2026-03-09", "2026-03-15", "2026-03-21", "2026-03-27",
        ]),
        (.branchPair(.chou), "2026-03-01", "2026-03-31", [
            "2026-03-04", "2026-03-10", "2026-03-16", "2026-03-22", "2026-03-28",
        ]),
        (.branchPair(.yin), "2026-03-01", "2026-03-31", [
            "2026-03-05", "2026-03-11", "2026-03-17", "2026-03-23", "2026-03-29",
        ]),
        (.branchPair(.mao), "2026-03-01", "2026-03-31", [
            "2026-03-06", "2026-03-12", "2026-03-18", "2026-03-24", "2026-03-30",
        ]),
        (.branchPair(.chen), "2026-03-01", "2026-03-31", [
            "2026-03-01", "2026-03-07", "2026-03-13", "2026-03-19", "2026-03-25", "2026-03-31",
        ]),
        (.branchPair(.si), "2026-03-01", "2026-03-31", [
            "2026-03-02", "2026-03-08", "2026-03-14", "2026-03-20", "2026-03-26",
        ]),
    ])
    func window(rule: MarketRule, from: String, to: String, expected: [String]) {
        let days = MarketCalendar.days(rule, from: day(from), to: day(to))
        #expect(days.map(\.description) == expected)
    }

    /// Counts over 2025-01-01 … 2027-12-31 (1095 days), from lunar-python for the lunar and 干支 rules and by
    /// arithmetic for the others (逢1、4、7: 36 months × 9 + 21 months with a 31st = 345; 单日: 3 × 186 = 558).
    @Test("market days over 2025–2027", arguments: [
        (MarketRule.lunarXun([1, 4, 7]), 334), (.lunarXun([2, 5, 8]), 334), (.lunarXun([3, 6, 9]), 334),
        (.lunarXun([5, 10]), 204), (.lunarXun([4, 9]), 223), (.lunarXun([1, 6]), 222),
        (.lunarDays([1, 15]), 74), (.lunarDays([30]), 19),
        (.gregorianXun([1, 4, 7]), 345), (.gregorianXun([1, 4, 7], thirtyFirst: .excluded), 324),
        (.oddDays(), 558), (.oddDays(thirtyFirst: .excluded), 537),
        (.evenDays(), 537), (.evenDays(thirtyFirst: .included), 558),
        (.weekdays([.friday]), 157), (.weekdays([.wednesday]), 157),
        (.branchPair(.zi), 183), (.branchPair(.chen), 182),
    ])
    func threeYears(rule: MarketRule, count: Int) {
        #expect(MarketCalendar.days(rule, from: day("2025-01-01"), to: day("2027-12-31")).count == count)
    }

    @Test("干支 markets meet every sixth day without a break", arguments: EarthlyBranch.allCases.prefix(6))
    func everySixthDay(branch: EarthlyBranch) {
        let days = MarketCalendar.days(.branchPair(branch), from: day("2025-01-01"), to: day("2027-12-31"))
        #expect(zip(days, days.dropFirst()).allSatisfy { $0.days(to: $1) == 6 })
        #expect(days.allSatisfy { [branch, branch.opposite].contains($0.sexagenary.branch) })
    }

    @Test("the leap month repeats every lunar day number")
    func leapMonthRepeats() {
        let leap = day("2025-07-25")...day("2025-08-22")
        #expect(leap.map { $0.lunar.day } == Array(1...29))
        #expect(leap.allSatisfy { $0.lunar.isLeapMonth })
    }

    @Test("an instant is judged on its day in the given time zone")
    func instantsAndZones() throws {
        let utc = try #require(TimeZone(identifier: "UTC"))
        // 2025-07-25 00:30 in Beijing (闰六月初一) is still 2025-07-24 (六月三十) in UTC.
        let justAfterMidnight = instant("2025-07-25 00:30")
        #expect(MarketRule.lunarXun([1, 4, 7]).isMarketDay(justAfterMidnight))
        #expect(!MarketRule.lunarXun([1, 4, 7]).isMarketDay(justAfterMidnight, in: utc))
        #expect(MarketRule.lunarXun([5, 10]).isMarketDay(justAfterMidnight, in: utc))
    }
}
