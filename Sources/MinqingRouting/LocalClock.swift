import Foundation

/// Converts between instants and local (day, time of day) pairs in one time zone.
struct LocalClock: Sendable {
    let timeZone: TimeZone
    private let calendar: Calendar

    init(timeZone: TimeZone) {
        self.timeZone = timeZone
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        self.calendar = calendar
    }

    func day(of date: Date) -> CivilDay {
        CivilDay(date, in: timeZone)
    }

    /// The instant at `secondsFromMidnight` local wall-clock time on `day`
    /// (Foundation's rules apply inside a daylight-saving gap; China has none).
    func date(_ day: CivilDay, secondsFromMidnight seconds: Int) -> Date {
        let components = DateComponents(
            year: day.year, month: day.month, day: day.day,
            hour: seconds / 3600, minute: seconds % 3600 / 60, second: seconds % 60)
        if let date = calendar.date(from: components) {
            return date
        }
        // Only reachable for years Foundation cannot represent; fall back to the fixed current offset.
        let utc = Double((day.julianDayNumber - CivilDay.unixEpochJDN) * 86_400 + seconds)
        return Date(timeIntervalSince1970: utc - Double(timeZone.secondsFromGMT()))
    }

    /// The last second of `day` (23:59:59 local).
    func endOfDay(_ day: CivilDay) -> Date {
        date(day, secondsFromMidnight: 86_399)
    }
}
