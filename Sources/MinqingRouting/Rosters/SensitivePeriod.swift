/// A sensitive period (敏感时期: 两会, 国庆 …) with a stricter policy: new cases get at most `deadline`, and the
/// office gets a daily digest.
public struct SensitivePeriod: Sendable, Hashable {
    public var name: String
    public var from: CivilDay
    public var to: CivilDay
    /// The longest deadline a new case may get during the period; nil keeps the rules' deadline.
    public var deadline: DeadlineSpan?
    public var dailyDigest: Bool

    public init(name: String, from: CivilDay, to: CivilDay, deadline: DeadlineSpan? = nil, dailyDigest: Bool = true) {
        self.name = name
        self.from = from
        self.to = to
        self.deadline = deadline
        self.dailyDigest = dailyDigest
    }

    public func covers(_ day: CivilDay) -> Bool { from <= day && day <= to }
}
