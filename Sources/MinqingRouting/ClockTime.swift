import Foundation

/// A wall-clock time of day, minute precision, `00:00` … `24:00` (24:00 is allowed only as an end of day).
public struct ClockTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let hour: Int
    public let minute: Int

    /// `nil` unless 0 ≤ hour ≤ 23 and 0 ≤ minute ≤ 59, or exactly 24:00.
    public init?(hour: Int, minute: Int = 0) {
        guard ((0...23).contains(hour) && (0...59).contains(minute)) || (hour == 24 && minute == 0) else {
            return nil
        }
        self.hour = hour
        self.minute = minute
    }

    /// Parses `H:MM` or `HH:MM` (full-width colon accepted).
    public init?(parsing text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "：", with: ":")
            .split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, (1...2).contains(parts[0].count), parts[1].count == 2,
              let hour = Int(parts[0]), let minute = Int(parts[1])
        else { return nil }
        self.init(hour: hour, minute: minute)
    }

    public var secondsFromMidnight: Int { hour * 3600 + minute * 60 }

    /// `HH:MM`.
    public var description: String {
        (hour < 10 ? "0\(hour)" : "\(hour)") + ":" + (minute < 10 ? "0\(minute)" : "\(minute)")
    }

    public static func < (lhs: ClockTime, rhs: ClockTime) -> Bool {
        lhs.secondsFromMidnight < rhs.secondsFromMidnight
    }
}
