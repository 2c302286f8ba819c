/// A duty rotation (轮值): people take turns, one per period, counted from an anchor day.
///
/// `daily` turns over every calendar day; `weekly` every Monday (ISO weeks); `workdays` only on working days of
/// the `WorkCalendar` (a weekend or holiday keeps the person of the previous working day's turn… and the next
/// working day goes on with the next person). The first person is on duty on `anchor`.
public struct Rotation: Sendable, Hashable {
    public enum Period: String, Sendable, Hashable, CaseIterable {
        case daily, weekly, workdays
    }

    public var people: [String]
    public var period: Period
    public var anchor: CivilDay

    public init(people: [String], period: Period, anchor: CivilDay) {
        self.people = people
        self.period = period
        self.anchor = anchor
    }

    /// The person whose turn it is on `day`; nil when nobody is listed.
    public func person(on day: CivilDay, calendar: WorkCalendar) -> String? {
        guard !people.isEmpty else { return nil }
        let turns: Int
        switch period {
        case .daily:
            turns = anchor.days(to: day)
        case .weekly:
            let monday = { (d: CivilDay) in d.adding(days: -(d.weekday.rawValue - 1)) }
            turns = monday(anchor).days(to: monday(day)) / 7
        case .workdays:
            turns = Rotation.workdays(from: anchor, to: day, calendar: calendar)
        }
        let n = people.count
        return people[((turns % n) + n) % n]
    }

    /// Working days strictly after `from` up to `to` (negative when `to` is earlier); the last working day on or
    /// before `to` is the one that counts.
    static func workdays(from: CivilDay, to: CivilDay, calendar: WorkCalendar) -> Int {
        if to >= from {
            return (from...to).dropFirst().filter(calendar.isWorkday).count
        }
        return -(to...from).dropFirst().filter(calendar.isWorkday).count
    }
}
