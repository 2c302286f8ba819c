import Testing
@testable import MinqingRouting

@Suite("Work calendar: holidays and make-up workdays")
struct WorkCalendarTests {
    let calendar = Fixtures.calendar

    /// Every holiday range of docs/domain/holidays.md#the-years-shipped with its name. …
    /// the day after are working days (checked by hand: none of them is an ordinary weekend day).
    @Test("every day of every holiday of the shipped years is off and named", arguments: [
        ("2025-01-01", "2025-01-01", "元旦"),
        ("2025-01-28", "2025-02-04", "春节"),
        ("2025-04-04", "2025-04-06", "清明节"),
        ("2025-05-01", "2025-05-05", "劳动节"),
        ("2025-05-31", "2025-06-02", "端午节"),
        ("2025-10-01", "2025-10-08", "国庆节、中秋节"),
        ("2026-01-01", "2026-01-03", "元旦"),
        ("2026-02-15", "2026-02-23", "春节"),
        ("2026-04-04", "2026-04-06", "清明节"),
        ("2026-05-01", "2026-05-05", "劳动节"),
        ("2026-06-19", "2026-06-21", "端午节"),
        ("2026-09-25", "2026-09-27", "中秋节"),
        ("2026-10-01", "2026-10-07", "国庆节"),
    ])
    func holidays(from: String, to: String, name: String) {
        for holiday in day(from)...day(to) {
            let info = calendar.dayInfo(holiday)
            #expect(!info.isWorkday, "\(holiday)")
            #expect(info.holidayName == name, "\(holiday)")
            #expect(!info.isMakeUpWorkday, "\(holiday)")
            #expect(info.hasCalendarData)
        }
        #expect(calendar.holidayName(day(from).adding(days: -1)) == nil)
        #expect(calendar.holidayName(day(to).adding(days: 1)) == nil)
        #expect(calendar.isWorkday(day(from).adding(days: -1)))
        #expect(calendar.isWorkday(day(to).adding(days: 1)))
    }

    /// The make-up workdays of docs/domain/holidays.md#the-years-shipped, with the weekday the notice gives for each.
    @Test("every make-up workday of the shipped years is a working weekend day", arguments: [
        ("2025-01-26", Weekday.sunday, "春节调休"),
        ("2025-02-08", .saturday, "春节调休"),
        ("2025-04-27", .sunday, "劳动节调休"),
        ("2025-09-28", .sunday, "国庆节、中秋节调休"),
        ("2025-10-11", .saturday, "国庆节、中秋节调休"),
        ("2026-01-04", .sunday, "元旦调休"),
        ("2026-02-14", .saturday, "春节调休"),
        ("2026-02-28", .saturday, "春节调休"),
        ("2026-05-09", .saturday, "劳动节调休"),
        ("2026-09-20", .sunday, "国庆节调休"),
        ("2026-10-10", .saturday, "国庆节调休"),
    ])
    func makeUpWorkdays(text: String, weekday: Weekday, note: String) {
        let info = calendar.dayInfo(day(text))
        #expect(info.weekday == weekday)
        #expect(info.isWorkday)
        #expect(info.isMakeUpWorkday)
        #expect(info.makeUpNote == note)
        #expect(info.holidayName == nil)
    }

    @Test("ordinary days follow Monday–Friday", arguments: [
        ("2025-02-09", false),  // Sunday after the make-up Saturday
        ("2025-03-03", true),  // Monday
        ("2025-03-08", false),  // Saturday (妇女节 is no public day off)
        ("2026-02-27", true),  // Friday before the make-up Saturday
        ("2026-03-01", false),  // Sunday after it
        ("2026-01-05", true),  // Monday after the make-up Sunday
    ])
    func ordinaryDays(text: String, isWorkday: Bool) {
        let info = calendar.dayInfo(day(text))
        #expect(info.isWorkday == isWorkday)
        #expect(info.holidayName == nil)
        #expect(!info.isMakeUpWorkday)
    }

    // 261 weekdays each year, minus 18 (2025) / 19 (2026) weekday holidays, plus 5 / 6 make-up days; the
    // chinese-calendar Python package agrees.
    @Test("2025 and 2026 have 248 working days each", arguments: [2025, 2026])
    func workdayCount(year: Int) {
        let days = calendar.days(from: day("\(year)-01-01"), to: day("\(year)-12-31"))
        #expect(days.count == 365)
        #expect(days.filter(\.isWorkday).count == 248)
    }

    @Test("a year without data falls back to weekends but says so")
    func missingYear() {
        let newYear2027 = calendar.dayInfo(day("2027-01-01"))  // a Friday; the 2027 notice is not loaded
        #expect(newYear2027.isWorkday)
        #expect(!newYear2027.hasCalendarData)
        #expect(!calendar.hasData(forYear: 2027))
        #expect(calendar.hasData(forYear: 2026))
        #expect(calendar.missingYears(from: day("2024-12-30"), to: day("2027-01-02")) == [2024, 2027])
        #expect(calendar.missingYears(from: day("2026-12-30"), to: day("2025-01-02")) == [])
    }

    @Test("instants are placed on their Beijing day")
    func instants() {
        #expect(!calendar.isWorkday(instant("2026-02-14 23:59:59").addingTimeInterval(1)))  // 02-15 春节
        #expect(calendar.isWorkday(instant("2026-02-14 23:59:59")))  // make-up Saturday
        #expect(calendar.dayInfo(instant("2025-10-08 12:00")).holidayName == "国庆节、中秋节")
    }

    @Test("office hours: inside the two daily intervals on working days only", arguments: [
        ("2026-03-02 08:29:59", false), ("2026-03-02 08:30", true), ("2026-03-02 11:59:59", true),
        ("2026-03-02 12:00", false), ("2026-03-02 14:30", true), ("2026-03-02 17:30", false),
        ("2026-02-14 09:00", true),  // make-up Saturday
        ("2026-02-16 09:00", false),  // 春节
        ("2026-03-01 09:00", false),  // Sunday
    ])
    func officeHours(text: String, open: Bool) {
        #expect(calendar.isWithinOfficeHours(instant(text)) == open)
    }

    @Test("the shipped data has no validation problems")
    func fixturesAreClean() {
        #expect(Fixtures.year2025.validationProblems().isEmpty)
        #expect(Fixtures.year2026.validationProblems().isEmpty)
        #expect(calendar.validationProblems().isEmpty)
    }

    @Test("validation names each problem in Chinese")
    func validation() {
        let broken = CalendarYear(
            year: 2030,
            holidays: [
                Holiday(name: "春节", from: day("2030-02-02"), to: day("2030-02-08")),
                Holiday(name: "元宵", from: day("2030-02-08"), to: day("2030-02-06")),
                Holiday(name: "", on: day("2030-05-01")),
                Holiday(name: "国庆节", from: day("2031-10-01"), to: day("2033-10-07")),
            ],
            makeUpWorkdays: [
                MakeUpWorkday(date: day("2030-02-04")),  // Monday, and inside 春节
                MakeUpWorkday(date: day("2030-02-09")),  // Saturday: fine
                MakeUpWorkday(date: day("2030-02-09")),
            ])
        let problems = broken.validationProblems()
        #expect(problems.contains("2030年：假期“元宵”的结束日2030-02-06早于开始日2030-02-08"))
        #expect(problems.contains("2030年：2030-05-01起的假期缺少名称"))
        #expect(problems.contains("2030年：假期“国庆节”的日期2033-10-07不在2030年前后"))
        #expect(problems.contains("2030年：假期“春节”和“元宵”的日期重叠"))
        #expect(problems.contains("2030年：调休上班日2030-02-04是星期一，本来就是工作日"))
        #expect(problems.contains("2030年：调休上班日2030-02-04落在假期“春节”之内"))
        #expect(problems.contains("2030年：调休上班日2030-02-09重复"))
        #expect(problems.count == 7)
    }

    @Test("a make-up workday wins over another year's holiday on the same day, and is reported")
    func conflicts() {
        let a = CalendarYear(year: 2030, holidays: [Holiday(name: "甲", on: day("2030-12-29"))], makeUpWorkdays: [])
        let b = CalendarYear(year: 2031, holidays: [], makeUpWorkdays: [MakeUpWorkday(date: day("2030-12-29"))])
        let merged = WorkCalendar(years: [a, b, a])
        #expect(merged.isWorkday(day("2030-12-29")))
        #expect(merged.validationProblems() == ["2030年的节假日安排给了不止一份", "2030-12-29既是假期“甲”又是调休上班日"])
    }
}
