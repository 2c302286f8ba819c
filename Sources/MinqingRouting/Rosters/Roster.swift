/// A duty roster (值班表): a rotation plus overrides. `onDuty` is a pure function of the roster and the day.
public struct Roster: Sendable, Hashable {
    public var name: String
    public var rotation: Rotation
    /// Later overrides win over earlier ones on the same day.
    public var overrides: [RosterOverride]

    public init(name: String, rotation: Rotation, overrides: [RosterOverride] = []) {
        self.name = name
        self.rotation = rotation
        self.overrides = overrides
    }

    /// Who is on duty on `day`, and why (「按轮值」「陈志强请假，由王丽替班」).
    public func onDuty(on day: CivilDay, calendar: WorkCalendar) -> DutyAssignment? {
        guard let person = rotation.person(on: day, calendar: calendar) else { return nil }
        return RosterOverride.apply(overrides, to: DutyAssignment(person: person, reason: "\(name)按轮值"), on: day, label: name)
    }
}

/// Who is on duty, and the reason people read.
public struct DutyAssignment: Sendable, Hashable {
    public var person: String
    public var reason: String

    public init(person: String, reason: String) {
        self.person = person
        self.reason = reason
    }
}
