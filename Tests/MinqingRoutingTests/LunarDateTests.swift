import Testing
@testable import MinqingRouting

@Suite("Lunar dates")
struct LunarDateTests {
    // 春节 dates are public knowledge (2024-02-10, 2025-01-29, 2026-02-17, 2027-02-06); the leap month of 2025
    // … (闰六月 2025-07-25 … 2025-08-22, 29 days) is in docs/domain/market-days.md#lunar-dates. Every row was also checked against lunar-python.
    @Test("lunar dates of known days", arguments: [
        ("2024-02-10", "甲辰年正月初一"),
        ("2025-01-29", "乙巳年正月初一"),
        ("2025-01-28", "甲辰年腊月廿九"),
        ("2026-02-17", "丙午年正月初一"),
        ("2026-02-16", "乙巳年腊月廿九"),
        ("2027-02-06", "丁未年正月初一"),
        ("2025-06-25", "乙巳年六月初一"),
        ("2025-07-24", "乙巳年六月三十"),
        ("2025-07-25", "乙巳年闰六月初一"),
        ("2025-08-22", "乙巳年闰六月廿九"),
        ("2025-08-23", "乙巳年七月初一"),
        ("2025-10-06", "乙巳年八月十五"),
        ("2026-09-25", "丙午年八月十五"),
        ("2025-12-31", "乙巳年冬月十二"),
    ])
    func knownDates(text: String, expected: String) {
        #expect(day(text).lunar.description == expected)
    }

    @Test("闰六月 2025 is flagged as a leap month of 29 days; 六月 before it has 30")
    func leapMonth() {
        let leap = day("2025-08-01").lunar
        #expect(leap.isLeapMonth)
        #expect(leap.month == 6)
        #expect(leap.monthLength == 29)
        let before = day("2025-07-01").lunar
        #expect(!before.isLeapMonth)
        #expect(before.month == 6)
        #expect(before.monthLength == 30)
    }

    @Test("the 腊月 before 春节 2026 has only 29 days (除夕 is 廿九)")
    func shortMonth() {
        #expect(day("2026-02-16").lunar.monthLength == 29)
        #expect(day("2026-02-16").lunar.day == 29)
    }
}
