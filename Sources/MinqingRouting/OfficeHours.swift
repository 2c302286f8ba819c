/// The daily office hours of a township office: one or more intervals on every working day.
///
/// The default is the common township schedule 08:30–12:00 and 14:30–17:30 (six and a half hours a day). Offices that
/// switch to summer hours configure their own intervals; time outside the intervals (lunch break, night) never
/// counts towards a working-hours limit.
public struct OfficeHours: Hashable, Sendable, CustomStringConvertible {
    /// One daily interval, `start` inclusive, `end` exclusive.
    public struct Interval: Hashable, Sendable, CustomStringConvertible {
        public let start: ClockTime
        public let end: ClockTime

        public init(start: ClockTime, end: ClockTime) {
            self.start = start
            self.end = end
        }

        /// `08:30–12:00`.
        public var description: String { "\(start)–\(end)" }

        var seconds: Int { end.secondsFromMidnight - start.secondsFromMidnight }
    }

    /// Non-empty, sorted, non-overlapping.
    public let intervals: [Interval]

    /// Validates that there is at least one interval, every interval ends after it starts, and the intervals are
    /// in order without overlapping.
    public init(_ intervals: [Interval]) throws(OfficeHoursError) {
        guard !intervals.isEmpty else { throw OfficeHoursError("办公时间至少要有一个时段") }
        for interval in intervals where interval.end <= interval.start {
            throw OfficeHoursError("办公时段“\(interval)”的结束时间必须晚于开始时间")
        }
        for (earlier, later) in zip(intervals, intervals.dropFirst()) where later.start < earlier.end {
            throw OfficeHoursError("办公时段“\(earlier)”和“\(later)”重叠或未按时间先后排列")
        }
        self.intervals = intervals
    }

    /// Parses intervals written as `08:30-12:00` (also `08:30–12:00`, `08:30~12:00`, `8:30至12:00`).
    public init(parsing texts: [String]) throws(OfficeHoursError) {
        var intervals: [Interval] = []
        for text in texts {
            let normalised = text.map { "-–—~～至到".contains($0) ? "-" : String($0) }.joined()
            let parts = normalised.split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 2,
                  let start = ClockTime(parsing: String(parts[0])),
                  let end = ClockTime(parsing: String(parts[1]))
            else {
                throw OfficeHoursError("无法识别的办公时段“\(text)”：应写成“08:30-12:00”")
            }
            intervals.append(Interval(start: start, end: end))
        }
        try self.init(intervals)
    }

    /// 08:30–12:00 and 14:30–17:30.
    public static let standard: OfficeHours = try! OfficeHours(parsing: ["08:30-12:00", "14:30-17:30"])

    /// When the office opens (start of the first interval).
    public var opening: ClockTime { intervals[0].start }

    /// When the office closes (end of the last interval); working-day deadlines fall here.
    public var closing: ClockTime { intervals[intervals.count - 1].end }

    /// Office seconds in one working day.
    public var secondsPerDay: Int { intervals.reduce(0) { $0 + $1.seconds } }

    /// `08:30–12:00、14:30–17:30`.
    public var description: String { intervals.map(\.description).joined(separator: "、") }
}

/// Invalid office hours; `message` is in Chinese for the person editing the configuration.
public struct OfficeHoursError: Error, Hashable, Sendable, CustomStringConvertible {
    public let message: String
    init(_ message: String) { self.message = message }
    public var description: String { message }
}
