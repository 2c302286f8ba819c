/// What the work calendar knows about one day.
public struct DayInfo: Hashable, Sendable {
    public let day: CivilDay
    /// Offices work on this day (a weekday that is no holiday, or a make-up workday).
    public let isWorkday: Bool
    /// The holiday the day belongs to (also for weekend days inside a holiday range); `nil` otherwise.
    public let holidayName: String?
    /// A weekend day that is a working day (调休上班).
    public let isMakeUpWorkday: Bool
    /// The note of the make-up workday, e.g. 春节调休.
    public let makeUpNote: String?
    /// `false` when no calendar file covers the day's year: `isWorkday` then only reflects Monday–Friday and
    /// must be shown as uncertain.
    public let hasCalendarData: Bool

    public init(
        day: CivilDay, isWorkday: Bool, holidayName: String?, isMakeUpWorkday: Bool, makeUpNote: String?,
        hasCalendarData: Bool
    ) {
        self.day = day
        self.isWorkday = isWorkday
        self.holidayName = holidayName
        self.isMakeUpWorkday = isMakeUpWorkday
        self.makeUpNote = makeUpNote
        self.hasCalendarData = hasCalendarData
    }

    public var weekday: Weekday { day.weekday }
}
