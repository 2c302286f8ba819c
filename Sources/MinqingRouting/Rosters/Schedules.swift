import Foundation

/// Everything of `schedules.yaml` that says who is on duty when: rosters, market-day duty, reception days and
/// sensitive periods. Every question is a pure function of the schedules and the day or instant asked about.
public struct Schedules: Sendable, Hashable {
    public var rosters: [Roster]
    public var marketDuties: [MarketDuty]
    public var receptionDays: [ReceptionDay]
    public var sensitivePeriods: [SensitivePeriod]

    public init(
        rosters: [Roster] = [], marketDuties: [MarketDuty] = [], receptionDays: [ReceptionDay] = [],
        sensitivePeriods: [SensitivePeriod] = []
    ) {
        self.rosters = rosters
        self.marketDuties = marketDuties
        self.receptionDays = receptionDays
        self.sensitivePeriods = sensitivePeriods
    }

    public func roster(_ name: String) -> Roster? { rosters.first { $0.name == name } }

    /// Who is on duty on roster `name` at `now` (local day in the calendar's zone).
    public func onDuty(_ name: String, at now: Date, calendar: WorkCalendar) -> DutyAssignment? {
        roster(name)?.onDuty(on: calendar.clock.day(of: now), calendar: calendar)
    }

    /// The markets meeting on `day` with their duty leaders, in configuration order.
    public func marketDuty(on day: CivilDay) -> [(duty: MarketDuty, assignment: DutyAssignment)] {
        marketDuties.compactMap { duty in duty.onDuty(on: day).map { (duty, $0) } }
    }

    /// The duty leader of the market serving `village` if it meets on `day`, else of the first market meeting
    /// that day (a walk-in on a market day is received by that day's duty leader).
    public func marketDutyLeader(on day: CivilDay, village: String?) -> (duty: MarketDuty, assignment: DutyAssignment)? {
        let today = marketDuty(on: day)
        return today.first { entry in village.map(entry.duty.villages.contains) ?? false } ?? today.first
    }

    /// The sensitive period covering `day`, if any (the first configured).
    public func sensitivePeriod(on day: CivilDay) -> SensitivePeriod? {
        sensitivePeriods.first { $0.covers(day) }
    }
}
