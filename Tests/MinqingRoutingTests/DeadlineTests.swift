import Foundation
import Testing
@testable import MinqingRouting

@Suite("Deadlines in calendar and working days")
struct DeadlineTests {
    let calendar = Fixtures.calendar

    // Expected days counted by hand on a paper calendar: the start day is not counted; calendar-day limits end
    // at 23:59:59 of the last day, working-day limits at 17:30 (closing time) of the last working day.
    @Test("calendar-day limits end at midnight of the Nth day after the start day", arguments: [
        ("2026-02-12 10:00", 15, "2026-02-27 23:59:59"),  // across 春节: holidays count as days
        ("2026-01-10 16:45", 60, "2026-03-11 23:59:59"),  // art. 34 handling limit
        ("2025-12-20 00:00", 15, "2026-01-04 23:59:59"),  // across the year end
        ("2025-09-30 23:59", 1, "2025-10-01 23:59:59"),  // a deadline on a holiday is not moved
        ("2026-03-02 09:00", 0, "2026-03-02 23:59:59"),
    ])
    func calendarDays(start: String, days: Int, expected: String) {
        let result = calendar.deadline(from: instant(start), adding: .calendarDays(days))
        #expect(shanghai(result.date) == expected)
        #expect(result.lastDay == day(String(expected.prefix(10))))
        #expect(result.missingYears.isEmpty)
        #expect(result.isReliable)
    }

    @Test("working-day limits skip weekends and holidays and count make-up workdays", arguments: [
        // Thu; Fri 13 (1), Sat 14 调休 (2), 春节 15–23, Tue 24 (3), Wed 25 (4), Thu 26 (5)
        ("2026-02-12 10:00", 5, "2026-02-26 17:30:00"),
        // Tue; Wed 25, Thu 26, Fri 27, Sat 28 调休 (4)
        ("2026-02-24 09:00", 4, "2026-02-28 17:30:00"),
        // Fri; Sat 27 rest, Sun 28 调休 (1), Mon 29 (2), Tue 30 (3), 国庆中秋 1–8, Thu 9 (4), Fri 10 (5)
        ("2025-09-26 15:00", 5, "2025-10-10 17:30:00"),
        // Tue; 国庆中秋 1–8, Thu 9 (1), Fri 10 (2), Sat 11 调休 (3)
        ("2025-09-30 08:00", 3, "2025-10-11 17:30:00"),
        // Thu; 中秋 25–27, Mon 28 (1), Tue 29 (2), Wed 30 (3), 国庆 1–7, Thu 8 (4), Fri 9 (5), Sat 10 调休 (6)
        ("2026-09-24 11:00", 5, "2026-10-09 17:30:00"),
        ("2026-09-24 11:00", 6, "2026-10-10 17:30:00"),
        // Fri; Sat 19 rest, Sun 20 调休 (1)
        ("2026-09-18 17:00", 1, "2026-09-20 17:30:00"),
        // received on a holiday: 2026-02-16; Sat 14 is behind us, Tue 24 (1)
        ("2026-02-16 10:00", 1, "2026-02-24 17:30:00"),
        // zero: closing time of the start day if it is a working day, else of the next one
        ("2026-03-02 09:00", 0, "2026-03-02 17:30:00"),
        ("2026-03-01 09:00", 0, "2026-03-02 17:30:00"),
    ])
    func workingDays(start: String, days: Int, expected: String) {
        let result = calendar.deadline(from: instant(start), adding: .workingDays(days))
        #expect(shanghai(result.date) == expected)
        #expect(result.missingYears.isEmpty)
    }

    @Test("a working-day limit running into a year without data is flagged")
    func missingYearWarning() {
        // Tue 2026-12-29; Wed 30 (1), Thu 31 (2), Fri 2027-01-01 (3, weekdays only: no 2027 data), Mon 4, Tue 5
        let result = calendar.deadline(from: instant("2026-12-29 10:00"), adding: .workingDays(5))
        #expect(shanghai(result.date) == "2027-01-05 17:30:00")
        #expect(result.missingYears == [2027])
        #expect(!result.isReliable)
        #expect(result.warning == "2027年节假日安排未配置，该期限仅按双休日推算，可能不准确")

        // Mon 2024-12-30; Tue 31 (1, 2024 has no data), 元旦 2025-01-01, Thu 2 (2)
        let earlier = calendar.deadline(from: instant("2024-12-30 10:00"), adding: .workingDays(2))
        #expect(shanghai(earlier.date) == "2025-01-02 17:30:00")
        #expect(earlier.missingYears == [2024])

        // The start day is not counted, so starting on 2024-12-31 needs no 2024 data.
        let next = calendar.deadline(from: instant("2024-12-31 10:00"), adding: .workingDays(1))
        #expect(shanghai(next.date) == "2025-01-02 17:30:00")
        #expect(next.isReliable)
        #expect(next.warning == nil)

        // Working hours starting in a year without data.
        let hours = calendar.deadline(from: instant("2027-03-01 09:00"), adding: .workingHours(2))
        #expect(hours.missingYears == [2027])

        // With no data at all, every year counted is reported: Wed 2026-12-30; Thu 31 (1), Fri 1 (2), Mon 4 (3).
        let empty = WorkCalendar(years: [])
        #expect(empty.deadline(from: instant("2026-12-30 10:00"), adding: .workingDays(3)).missingYears == [2026, 2027])
        // Thu 2026-12-31 is the start day and not counted: Fri 1 (1), Mon 4 (2), Tue 5 (3).
        #expect(empty.deadline(from: instant("2026-12-31 10:00"), adding: .workingDays(3)).missingYears == [2027])
    }

    @Test("overdue only after the deadline instant")
    func overdue() {
        let result = calendar.deadline(from: instant("2026-01-10 09:00"), adding: .calendarDays(60))
        #expect(!result.isOverdue(at: instant("2026-03-11 23:59:59")))
        #expect(result.isOverdue(at: instant("2026-03-12 00:00:00")))
    }

    @Test("statutory limits carry the span and article of 信访工作条例", arguments: [
        (StatutoryLimit.registrationAndForwarding, DeadlineSpan.calendarDays(15), "第二十二条"),
        (.acceptanceNotice, .calendarDays(15), "第二十三条"),
        (.objectionOutsideRemit, .workingDays(5), "第二十三条"),
        (.handling, .calendarDays(60), "第三十四条"),
        (.maximumExtension, .calendarDays(30), "第三十四条"),
        (.reviewRequest, .calendarDays(30), "第三十五条"),
        (.reviewOpinion, .calendarDays(30), "第三十五条"),
        (.recheckRequest, .calendarDays(30), "第三十六条"),
        (.recheckOpinion, .calendarDays(30), "第三十六条"),
    ])
    func statutoryLimits(limit: StatutoryLimit, span: DeadlineSpan, article: String) {
        #expect(limit.span == span)
        #expect(limit.article == article)
        #expect(StatutoryLimit.all.contains(limit))
    }

    @Test("handling plus the longest extension: 60 days, then 30 more from the original deadline")
    func extensionChain() {
        let handling = calendar.deadline(from: instant("2026-01-10 16:45"), for: .handling)
        #expect(shanghai(handling.date) == "2026-03-11 23:59:59")
        let extended = calendar.deadline(from: handling.date, for: .maximumExtension)
        #expect(shanghai(extended.date) == "2026-04-10 23:59:59")
        #expect(StatutoryLimit.objectionOutsideRemit.description == "不属于本机关职权范围的提出异议：5个工作日（信访工作条例第二十三条）")
    }

    @Test("spans print in Chinese")
    func spanDescriptions() {
        #expect(DeadlineSpan.calendarDays(15).description == "15日")
        #expect(DeadlineSpan.workingDays(5).description == "5个工作日")
        #expect(DeadlineSpan.workingHours(8).description == "8个工作小时")
    }

    @Test("a span longer than a year counts as a year: no endless walk through the calendar, no overflow")
    func hugeCounts() {
        let start = instant("2026-03-02 09:00")
        for (huge, year) in [
            (DeadlineSpan.workingDays(.max), DeadlineSpan.workingDays(250)), (.workingHours(.max), .workingHours(2_000)),
            (.hours(.max), .hours(8_784)), (.calendarDays(.max), .calendarDays(366)),
        ] {
            #expect(calendar.deadline(from: start, adding: huge) == calendar.deadline(from: start, adding: year), "\(huge)")
        }
    }

    @Test("negative counts count as zero")
    func negativeCounts() {
        let start = instant("2026-03-02 09:00")
        #expect(calendar.deadline(from: start, adding: .calendarDays(-3)) == calendar.deadline(from: start, adding: .calendarDays(0)))
        #expect(calendar.deadline(from: start, adding: .workingDays(-1)) == calendar.deadline(from: start, adding: .workingDays(0)))
        #expect(calendar.deadline(from: start, adding: .workingHours(-2)).date == start)
    }
}
