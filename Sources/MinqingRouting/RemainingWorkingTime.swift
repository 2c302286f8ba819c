/// Office time left until a deadline, counted like `.workingHours` (only office hours on working days).
public struct RemainingWorkingTime: Hashable, Sendable {
    /// The deadline instant is in the past (`now > deadline`), whatever the office time in between.
    public let isOverdue: Bool
    /// Office seconds from now to the deadline. When overdue: minus the office seconds elapsed since the
    /// deadline, which is 0 (not negative) in the evening after a deadline at closing time.
    public let seconds: Int
    /// Years without calendar data between now and the deadline.
    public let missingYears: Set<Int>

    public init(isOverdue: Bool, seconds: Int, missingYears: Set<Int>) {
        self.isOverdue = isOverdue
        self.seconds = seconds
        self.missingYears = missingYears
    }

    /// Whole office hours, rounded towards zero.
    public var hours: Int { seconds / 3600 }
}
