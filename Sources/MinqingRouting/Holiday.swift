/// A public holiday as published by the State Council: a name and an inclusive range of days off
/// (weekend days inside the range belong to the holiday too).
public struct Holiday: Hashable, Sendable {
    /// Chinese name as in the notice, e.g. 春节, 国庆节、中秋节.
    public let name: String
    /// First day off.
    public let from: CivilDay
    /// Last day off (inclusive).
    public let to: CivilDay

    public init(name: String, from: CivilDay, to: CivilDay) {
        self.name = name
        self.from = from
        self.to = to
    }

    /// A one-day holiday.
    public init(name: String, on day: CivilDay) {
        self.init(name: name, from: day, to: day)
    }

    /// Every day of the holiday, in order (empty when `to` is before `from`).
    public var days: [CivilDay] {
        from <= to ? Array(from...to) : []
    }

    public func contains(_ day: CivilDay) -> Bool {
        from <= day && day <= to
    }
}
