import Foundation

/// A date on the proleptic Gregorian calendar with no time and no time zone ("2026-02-17").
///
/// All day-level calendar logic (holidays, market days, lunar dates, 干支) works on `CivilDay`s; the conversion
/// from an instant (`Date`) to a day needs a time zone and happens at the edges (`CivilDay(_:in:)`).
/// Internally a day is identified by its Julian Day Number (JDN), the integer count of days used by astronomers:
/// JDN 2451545 is 2000-01-01.
public struct CivilDay: Hashable, Comparable, Sendable {
    public let year: Int
    public let month: Int
    public let day: Int

    /// A validated date; `nil` when the month or day does not exist (e.g. 2026-02-29).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), day >= 1, day <= CivilDay.daysInMonth(year: year, month: month) else {
            return nil
        }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD` (exactly that shape, as written in the calendar files); `nil` for anything else.
    public init?(iso8601 text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy(\.isASCII) }),
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2])
        else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// The day with the given Julian Day Number (Fliegel & Van Flandern, valid for all dates after 4800 BC).
    public init(julianDayNumber jdn: Int) {
        let a = jdn + 32044
        let b = (4 * a + 3) / 146_097
        let c = a - 146_097 * b / 4
        let d = (4 * c + 3) / 1461
        let e = c - 1461 * d / 4
        let m = (5 * e + 2) / 153
        day = e - (153 * m + 2) / 5 + 1
        month = m + 3 - 12 * (m / 10)
        year = 100 * b + d - 4800 + m / 10
    }

    /// The local calendar day on which `date` falls in `timeZone`.
    public init(_ date: Date, in timeZone: TimeZone = ChinaTime.zone) {
        let offset = timeZone.secondsFromGMT(for: date)
        let localSeconds = date.timeIntervalSince1970 + Double(offset)
        let daysSinceEpoch = Int((localSeconds / 86_400).rounded(.down))
        self.init(julianDayNumber: CivilDay.unixEpochJDN + daysSinceEpoch)
    }

    /// Julian Day Number of the day (the JDN of its noon).
    public var julianDayNumber: Int {
        let a = (14 - month) / 12
        let y = year + 4800 - a
        let m = month + 12 * a - 3
        return day + (153 * m + 2) / 5 + 365 * y + y / 4 - y / 100 + y / 400 - 32045
    }

    /// ISO weekday. JDN 2451545 (2000-01-01) was a Saturday, and `JDN mod 7` is 0 on Mondays.
    public var weekday: Weekday {
        Weekday(rawValue: julianDayNumber % 7 + 1)!
    }

    /// Saturday or Sunday (whether it is a working day is the `WorkCalendar`'s business).
    public var isWeekend: Bool { weekday.isWeekend }

    /// The day `count` days later (earlier when negative).
    public func adding(days count: Int) -> CivilDay {
        CivilDay(julianDayNumber: julianDayNumber + count)
    }

    /// Whole days from `self` to `other` (positive when `other` is later).
    public func days(to other: CivilDay) -> Int {
        other.julianDayNumber - julianDayNumber
    }

    /// Number of days in a Gregorian month.
    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2:
            let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
            return leap ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    public static func < (lhs: CivilDay, rhs: CivilDay) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    static let unixEpochJDN = 2_440_588
}

extension CivilDay: CustomStringConvertible, LosslessStringConvertible {
    /// `YYYY-MM-DD`.
    public var description: String {
        let y = String(year)
        let m = month < 10 ? "0\(month)" : "\(month)"
        let d = day < 10 ? "0\(day)" : "\(day)"
        return "\(y)-\(m)-\(d)"
    }

    public init?(_ description: String) {
        self.init(iso8601: description)
    }
}

extension CivilDay: Codable {
    /// Encoded as the string `YYYY-MM-DD`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = CivilDay(iso8601: text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "日期“\(text)”不是有效的 YYYY-MM-DD 日期")
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension CivilDay: Strideable {
    public func distance(to other: CivilDay) -> Int { days(to: other) }
    public func advanced(by n: Int) -> CivilDay { adding(days: n) }
}
