import Foundation
@testable import MinqingRouting

/// A day written as `YYYY-MM-DD`; traps on a typo so a broken table fails loudly.
func day(_ text: String) -> CivilDay {
    guard let value = CivilDay(iso8601: text) else { fatalError("bad test date \(text)") }
    return value
}

/// An instant written as `YYYY-MM-DD HH:MM[:SS]` in China Standard Time (UTC+8, no DST).
func instant(_ text: String) -> Date {
    let parts = text.split(separator: " ")
    let date = day(String(parts[0]))
    let clock = parts[1].split(separator: ":").map { Int($0)! }
    let seconds = clock[0] * 3600 + clock[1] * 60 + (clock.count > 2 ? clock[2] : 0)
    let utcSeconds = (date.julianDayNumber - 2_440_588) * 86_400 + seconds - 8 * 3600
    return Date(timeIntervalSince1970: TimeInterval(utcSeconds))
}

/// `YYYY-MM-DD HH:MM:SS` in China Standard Time, for readable expectations.
func shanghai(_ date: Date) -> String {
    let seconds = Int(date.timeIntervalSince1970) + 8 * 3600
    let civil = CivilDay(julianDayNumber: 2_440_588 + Int((Double(seconds) / 86_400).rounded(.down)))
    let rest = ((seconds % 86_400) + 86_400) % 86_400
    func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
    return "\(civil) \(two(rest / 3600)):\(two(rest % 3600 / 60)):\(two(rest % 60))"
}

/// The holiday schedules of 2025 and 2026 (docs/domain/holidays.md#the-years-shipped), the same data as Config/calendars/*.yaml.
enum Fixtures {
    static let year2025 = CalendarYear(
        year: 2025,
        source: "国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号）",
        holidays: [
            Holiday(name: "元旦", on: day("2025-01-01")),
            Holiday(name: "春节", from: day("2025-01-28"), to: day("2025-02-04")),
            Holiday(name: "清明节", from: day("2025-04-04"), to: day("2025-04-06")),
            Holiday(name: "劳动节", from: day("2025-05-01"), to: day("2025-05-05")),
            Holiday(name: "端午节", from: day("2025-05-31"), to: day("2025-06-02")),
            Holiday(name: "国庆节、中秋节", from: day("2025-10-01"), to: day("2025-10-08")),
        ],
        makeUpWorkdays: [
            MakeUpWorkday(date: day("2025-01-26"), note: "春节调休"),
            MakeUpWorkday(date: day("2025-02-08"), note: "春节调休"),
            MakeUpWorkday(date: day("2025-04-27"), note: "劳动节调休"),
            MakeUpWorkday(date: day("2025-09-28"), note: "国庆节、中秋节调休"),
            MakeUpWorkday(date: day("2025-10-11"), note: "国庆节、中秋节调休"),
        ])

    static let year2026 = CalendarYear(
        year: 2026,
        source: "国务院办公厅关于2026年部分节假日安排的通知（2025-11-04）",
        holidays: [
            Holiday(name: "元旦", from: day("2026-01-01"), to: day("2026-01-03")),
            Holiday(name: "春节", from: day("2026-02-15"), to: day("2026-02-23")),
            Holiday(name: "清明节", from: day("2026-04-04"), to: day("2026-04-06")),
            Holiday(name: "劳动节", from: day("2026-05-01"), to: day("2026-05-05")),
            Holiday(name: "端午节", from: day("2026-06-19"), to: day("2026-06-21")),
            Holiday(name: "中秋节", from: day("2026-09-25"), to: day("2026-09-27")),
            Holiday(name: "国庆节", from: day("2026-10-01"), to: day("2026-10-07")),
        ],
        makeUpWorkdays: [
            MakeUpWorkday(date: day("2026-01-04"), note: "元旦调休"),
            MakeUpWorkday(date: day("2026-02-14"), note: "春节调休"),
            MakeUpWorkday(date: day("2026-02-28"), note: "春节调休"),
            MakeUpWorkday(date: day("2026-05-09"), note: "劳动节调休"),
            MakeUpWorkday(date: day("2026-09-20"), note: "国庆节调休"),
            MakeUpWorkday(date: day("2026-10-10"), note: "国庆节调休"),
        ])

    /// 2025 and 2026 with the default office hours (08:30–12:00, 14:30–17:30) in Asia/Shanghai.
    static let calendar = WorkCalendar(years: [year2025, year2026])
}
