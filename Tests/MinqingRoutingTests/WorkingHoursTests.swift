import Foundation
import Testing
@testable import MinqingRouting

@Suite("Deadlines in working hours")
struct WorkingHoursTests {
    let calendar = Fixtures.calendar

    // Office hours 08:30–12:00 and 14:30–17:30 (3.5 + 3 = 6.5 hours a day). 2026-03-02 is a Monday.
    @Test("only office time on working days counts", arguments: [
        ("2026-03-02 10:00", 4, "2026-03-02 16:30:00"),  // 2 h before lunch, 2 h after
        ("2026-03-02 11:00", 1, "2026-03-02 12:00:00"),  // ends exactly at the lunch break
        ("2026-03-02 12:30", 1, "2026-03-02 15:30:00"),  // received during lunch
        ("2026-03-02 20:00", 2, "2026-03-03 10:30:00"),  // received at night
        ("2026-03-02 05:00", 7, "2026-03-03 09:00:00"),  // a whole office day (6.5 h) and half an hour
        ("2026-03-02 08:30", 24, "2026-03-05 15:30:00"),  // 6.5 × 3 days, then 3.5 h + 1 h
        ("2026-03-06 16:30", 2, "2026-03-09 09:30:00"),  // Friday afternoon over the weekend
        ("2026-03-07 10:00", 1, "2026-03-09 09:30:00"),  // received on a Saturday
        // Fri 17:00: 0.5 h; Sat 14 调休: 6.5 h; 春节 15–23; Tue 24: 1 h
        ("2026-02-13 17:00", 8, "2026-02-24 09:30:00"),
        ("2026-03-02 12:00", 0, "2026-03-02 14:30:00"),  // zero: the next office moment
        ("2026-03-02 09:15", 0, "2026-03-02 09:15:00"),
    ])
    func workingHours(start: String, hours: Int, expected: String) {
        let result = calendar.deadline(from: instant(start), adding: .workingHours(hours))
        #expect(shanghai(result.date) == expected)
        #expect(result.isReliable)
    }

    @Test("remaining office time before and after a deadline", arguments: [
        // 10:00–12:00, 14:30–17:30, 08:30–10:00 = 6.5 h
        ("2026-03-02 10:00", "2026-03-03 10:00", false, 23_400),
        // evening after a deadline at closing time: overdue, but no office time has passed yet
        ("2026-03-02 20:00", "2026-03-02 17:30", true, 0),
        // next morning 09:30: one office hour past the deadline
        ("2026-03-03 09:30", "2026-03-02 17:30", true, -3600),
        // across 春节: 0.5 + 6.5 + 0.5 h
        ("2026-02-13 17:00", "2026-02-24 09:00", false, 27_000),
    ])
    func remaining(now: String, deadline: String, overdue: Bool, seconds: Int) {
        let remaining = calendar.remainingWorkingTime(from: instant(now), until: instant(deadline))
        #expect(remaining.isOverdue == overdue)
        #expect(remaining.seconds == seconds)
        #expect(remaining.missingYears.isEmpty)
    }

    @Test("other office hours move working-day deadlines to their closing time")
    func customHours() throws {
        let summer = try OfficeHours(parsing: ["08:00-12:00", "15:00～18:00"])
        #expect(summer.closing == ClockTime(hour: 18))
        #expect(summer.secondsPerDay == 7 * 3600)
        #expect(summer.description == "08:00–12:00、15:00–18:00")
        let calendar = WorkCalendar(years: [Fixtures.year2026], officeHours: summer)
        #expect(shanghai(calendar.deadline(from: instant("2026-02-12 10:00"), adding: .workingDays(5)).date)
            == "2026-02-26 18:00:00")
        #expect(shanghai(calendar.deadline(from: instant("2026-03-02 11:00"), adding: .workingHours(2)).date)
            == "2026-03-02 16:00:00")
    }

    @Test("the time zone is a parameter")
    func otherTimeZone() throws {
        let utc = try #require(TimeZone(identifier: "UTC"))
        let calendar = WorkCalendar(years: [Fixtures.year2026], timeZone: utc)
        // 2026-02-13 20:00 in Beijing is 12:00 UTC on Friday the 13th: 5.5 h left that day (UTC office hours)
        let result = calendar.deadline(from: instant("2026-02-13 20:00"), adding: .workingHours(6))
        // 12:00–14:30 is lunch; 14:30–17:30 = 3 h; Sat 14 调休 08:30 + 3 h = 11:30 UTC = 19:30 Beijing
        #expect(shanghai(result.date) == "2026-02-14 19:30:00")
        #expect(result.lastDay == day("2026-02-14"))
    }

    @Test("invalid office hours are refused with a Chinese message", arguments: [
        ([String](), "办公时间至少要有一个时段"),
        (["12:00-08:30"], "办公时段“12:00–08:30”的结束时间必须晚于开始时间"),
        (["08:30-12:00", "11:00-17:30"], "办公时段“08:30–12:00”和“11:00–17:30”重叠或未按时间先后排列"),
        (["8点半到12点"], "无法识别的办公时段“8点半到12点”：应写成“08:30-12:00”"),
        (["25:00-26:00"], "无法识别的办公时段“25:00-26:00”：应写成“08:30-12:00”"),
    ])
    func invalidHours(texts: [String], message: String) {
        #expect(throws: OfficeHoursError.self) { try OfficeHours(parsing: texts) }
        do {
            _ = try OfficeHours(parsing: texts)
        } catch {
            #expect(error.description == message)
        }
    }

    @Test("the default office hours are 08:30–12:00 and 14:30–17:30")
    func standardHours() {
        #expect(OfficeHours.standard.description == "08:30–12:00、14:30–17:30")
        #expect(OfficeHours.standard.opening == ClockTime(hour: 8, minute: 30))
        #expect(OfficeHours.standard.closing == ClockTime(hour: 17, minute: 30))
        #expect(OfficeHours.standard.secondsPerDay == 6 * 3600 + 1800)
    }
}
