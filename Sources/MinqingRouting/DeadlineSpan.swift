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

    /// The longest span of each kind: a year of it (366 days, 8,784 hours, 250 working days — China has about 250 a
    /// year — and 2,000 working hours, 250 days of eight). Every deadline, reminder and escalation step the hub
    /// computes is far shorter (the longest statutory limit is 60 days plus an extension, docs/domain); without a
    /// bound, `{working_days: 9223372036854775807}` in a configuration would walk the calendar day by day forever
    /// inside intake's single writer, and `{hours: …}` would overflow. Configuration refuses longer spans
    /// (`RoutingSettings.readDeadline`); the calculators clamp to these all the same.
    public static let maxCalendarDays = 366, maxHours = 8_784, maxWorkingDays = 250, maxWorkingHours = 2_000

    /// The largest count of this span's kind.
    public var maxCount: Int {
        switch self {
        case .calendarDays: Self.maxCalendarDays
        case .workingDays: Self.maxWorkingDays
        case .workingHours: Self.maxWorkingHours
        case .hours: Self.maxHours
        }
    }

    /// The span's count, clamped to `0...maxCount`.
    public var boundedCount: Int {
        switch self {
        case .calendarDays(let n), .workingDays(let n), .workingHours(let n), .hours(let n): min(max(n, 0), maxCount)
        }
    }
}
