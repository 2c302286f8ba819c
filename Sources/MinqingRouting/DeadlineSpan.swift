/// A time limit as written in a rule or a statute. How each kind is counted is documented on
/// `WorkCalendar.deadline(from:adding:)`. Negative counts are treated as zero.
public enum DeadlineSpan: Hashable, Sendable, CustomStringConvertible {
    /// N 日: calendar days, weekends and holidays included.
    case calendarDays(Int)
    /// N 个工作日: working days (skips weekends and holidays, counts make-up workdays).
    case workingDays(Int)
    /// N 个工作小时: only time inside office hours on working days counts.
    case workingHours(Int)
    /// N 小时: clock hours, nights and holidays included (emergencies: 火灾, 溺水 … cannot wait for office hours).
    case hours(Int)

    /// `15日`, `5个工作日`, `8个工作小时`, `2小时`.
    public var description: String {
        switch self {
        case .calendarDays(let n): "\(n)日"
        case .workingDays(let n): "\(n)个工作日"
        case .workingHours(let n): "\(n)个工作小时"
        case .hours(let n): "\(n)小时"
        }
    }
}
