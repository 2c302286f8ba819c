import Foundation

/// Working days, holidays and office hours of a township office.
///
/// A day is a working day when it is a make-up workday (调休上班), or else when it is Monday–Friday and in no
/// holiday range. Years without data (no `CalendarYear` with that `year`) fall back to Monday–Friday, and every
/// answer that depends on such a year says so: `DayInfo.hasCalendarData`, `DeadlineResult.missingYears`.
///
/// Everything is a pure function of the inputs: no clock is read; instants are converted to days in `timeZone`.
public struct WorkCalendar: Sendable {
    public let officeHours: OfficeHours
    public let timeZone: TimeZone
    /// Years for which a calendar was given.
    public let coveredYears: Set<Int>

    private let holidayByDay: [CivilDay: String]
    private let makeUpByDay: [CivilDay: String]
    private let years: [CalendarYear]
    let clock: LocalClock

    /// Builds the calendar from any number of years. Entries of several `CalendarYear`s are merged; where a day
    /// is both a holiday and a make-up workday, the make-up workday wins (see `validationProblems()`).
    public init(years: [CalendarYear], officeHours: OfficeHours = .standard, timeZone: TimeZone = ChinaTime.zone) {
        var holidayByDay: [CivilDay: String] = [:]
        var makeUpByDay: [CivilDay: String] = [:]
        for year in years {
            for holiday in year.holidays {
                for day in holiday.days { holidayByDay[day] = holiday.name }
            }
            for workday in year.makeUpWorkdays { makeUpByDay[workday.date] = workday.note }
        }
        self.years = years
        self.holidayByDay = holidayByDay
        self.makeUpByDay = makeUpByDay
        self.coveredYears = Set(years.map(\.year))
        self.officeHours = officeHours
        self.timeZone = timeZone
        self.clock = LocalClock(timeZone: timeZone)
    }

    /// Whether a calendar file covers `year`.
    public func hasData(forYear year: Int) -> Bool {
        coveredYears.contains(year)
    }

    /// Years between the two days (inclusive, in either order) that have no calendar data.
    public func missingYears(from first: CivilDay, to last: CivilDay) -> Set<Int> {
        let years = min(first.year, last.year)...max(first.year, last.year)
        return Set(years.filter { !coveredYears.contains($0) })
    }

    /// Everything known about `day`.
    public func dayInfo(_ day: CivilDay) -> DayInfo {
        let makeUpNote = makeUpByDay[day]
        let holidayName = makeUpNote == nil ? holidayByDay[day] : nil
        let isWorkday = makeUpNote != nil || (holidayName == nil && !day.isWeekend)
        return DayInfo(
            day: day, isWorkday: isWorkday, holidayName: holidayName, isMakeUpWorkday: makeUpNote != nil,
            makeUpNote: makeUpNote, hasCalendarData: coveredYears.contains(day.year))
    }

    /// Everything known about the local day of `date` in `timeZone`.
    public func dayInfo(_ date: Date) -> DayInfo {
        dayInfo(clock.day(of: date))
    }

    /// Whether offices work on `day`. For a year without data this is Monday–Friday; use `dayInfo` to tell.
    public func isWorkday(_ day: CivilDay) -> Bool {
        dayInfo(day).isWorkday
    }

    /// Whether offices work on the local day of `date`.
    public func isWorkday(_ date: Date) -> Bool {
        isWorkday(clock.day(of: date))
    }

    /// The name of the holiday `day` belongs to, e.g. 春节; `nil` on ordinary days and make-up workdays.
    public func holidayName(_ day: CivilDay) -> String? {
        dayInfo(day).holidayName
    }

    /// Day-by-day information from `start` to `end`, both inclusive (empty when `end` is before `start`).
    public func days(from start: CivilDay, to end: CivilDay) -> [DayInfo] {
        guard start <= end else { return [] }
        return (start...end).map(dayInfo)
    }

    /// The first working day strictly after `day`.
    public func nextWorkday(after day: CivilDay) -> CivilDay {
        var candidate = day.adding(days: 1)
        while !isWorkday(candidate) { candidate = candidate.adding(days: 1) }
        return candidate
    }

    /// The last working day strictly before `day`.
    public func previousWorkday(before day: CivilDay) -> CivilDay {
        var candidate = day.adding(days: -1)
        while !isWorkday(candidate) { candidate = candidate.adding(days: -1) }
        return candidate
    }

    /// The instant of `time` on `day` in the calendar's zone.
    public func date(_ day: CivilDay, at time: ClockTime) -> Date {
        clock.date(day, secondsFromMidnight: time.secondsFromMidnight)
    }

    /// The local day of `date` in the calendar's zone.
    public func day(of date: Date) -> CivilDay {
        clock.day(of: date)
    }

    /// Whether `date` falls inside office hours on a working day.
    public func isWithinOfficeHours(_ date: Date) -> Bool {
        let day = clock.day(of: date)
        guard isWorkday(day) else { return false }
        return officeHours.intervals.contains { interval in
            clock.date(day, secondsFromMidnight: interval.start.secondsFromMidnight) <= date
                && date < clock.date(day, secondsFromMidnight: interval.end.secondsFromMidnight)
        }
    }

    /// Data problems over all years (see `CalendarYear.validationProblems()`), plus years given twice and days
    /// that one year lists as a holiday and another as a make-up workday.
    public func validationProblems() -> [String] {
        var problems = years.sorted { $0.year < $1.year }.flatMap { $0.validationProblems() }
        var seenYears: Set<Int> = []
        for year in years where !seenYears.insert(year.year).inserted {
            problems.append("\(year.year)年的节假日安排给了不止一份")
        }
        for day in makeUpByDay.keys.sorted() where holidayByDay[day] != nil {
            let alreadyReported = years.contains { year in
                year.holidays.contains { $0.contains(day) } && year.makeUpWorkdays.contains { $0.date == day }
            }
            if !alreadyReported {
                problems.append("\(day)既是假期“\(holidayByDay[day]!)”又是调休上班日")
            }
        }
        return problems
    }
}
