import Foundation

/// A computed deadline, with the years whose holiday data it had to do without.
public struct DeadlineResult: Hashable, Sendable {
    /// The deadline instant: the last moment that is still on time.
    public let date: Date
    /// The local day of `date`.
    public let lastDay: CivilDay
    /// Years the computation relied on that have no calendar file (the weekend-only fallback was used for them).
    /// Not empty means the deadline may be wrong: show it loudly, count it in a metric, log it.
    public let missingYears: Set<Int>

    public init(date: Date, lastDay: CivilDay, missingYears: Set<Int>) {
        self.date = date
        self.lastDay = lastDay
        self.missingYears = missingYears
    }

    /// The computation used holiday data for every year it touched.
    public var isReliable: Bool { missingYears.isEmpty }

    /// A Chinese warning for people when data was missing, e.g.
    /// 「2027年节假日安排未配置，该期限仅按双休日推算，可能不准确」; `nil` when reliable.
    public var warning: String? {
        guard !missingYears.isEmpty else { return nil }
        let years = missingYears.sorted().map { "\($0)年" }.joined(separator: "、")
        return "\(years)节假日安排未配置，该期限仅按双休日推算，可能不准确"
    }

    /// Overdue once `now` is past the deadline instant (a case is still on time at exactly `date`).
    public func isOverdue(at now: Date) -> Bool {
        now > date
    }
}
