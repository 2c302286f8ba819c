import Foundation
import MinqingCore

/// Decides which scheduled jobs are due: reminders before deadlines, escalation steps after them, market-day
/// alerts and the daily digest. Pure: the same cases, schedules and `now` give the same jobs.
///
/// A job is due from its time until it is no longer useful: a reminder until the deadline, an escalation step
/// while the case is still overdue and not yet with the county, a market alert until the end of the market day,
/// the digest until the end of its day. So a hub that was down at the due time catches up at its next start.
public struct JobPlanner: Sendable {
    public var policies: [String: EscalationPolicy]
    public var defaultPolicy: String
    public var schedules: Schedules
    public var alerts: AlertSettings
    public var calendar: WorkCalendar
    public var people: RoutingPeople
    /// The follow-up call after a reply (回访); nil: no follow-up reminders.
    public var followUp: FollowUpPolicy?

    public init(
        policies: [String: EscalationPolicy], defaultPolicy: String = "standard", schedules: Schedules,
        alerts: AlertSettings, calendar: WorkCalendar, people: RoutingPeople, followUp: FollowUpPolicy? = nil
    ) {
        self.followUp = followUp
        self.policies = policies
        self.defaultPolicy = defaultPolicy
        self.schedules = schedules
        self.alerts = alerts
        self.calendar = calendar
        self.people = people
    }

    /// Jobs due at `now` (their time reached, still useful), in due order.
    public func due(at now: Date, cases: [CaseRecord]) -> [DueJob] {
        candidates(around: now, cases: cases).filter { $0.job.due <= now && now <= $0.until }.map(\.job)
            .sorted { ($0.due, $0.key) < ($1.due, $1.key) }
    }

    /// The earliest job time after `now`, for the scheduler to sleep until.
    public func nextDue(after now: Date, cases: [CaseRecord]) -> Date? {
        candidates(around: now, cases: cases).map(\.job.due).filter { $0 > now }.min()
    }

    /// A deadline past which a case can have no job due before `lookingAgainBy` (the scheduler reads only the cases
    /// with earlier deadlines, `ScheduleLedger.scheduleCases`). Escalation steps fall after the deadline; a reminder
    /// comes `remindBefore` ahead of it, and `reminderTime` never moves earlier for a later deadline — so the horizon
    /// is the first whole day past `lookingAgainBy` whose reminders, under every policy, all fall after it.
    /// Bounded: at most 400 days ahead (a reminder longer ahead than that is a configuration no office writes).
    public func deadlineHorizon(now: Date, lookingAgainBy: Date) -> Date {
        let leads = policies.values.compactMap(\.remindBefore)
        var horizon = max(now, lookingAgainBy).addingTimeInterval(1)
        for _ in 0..<400 {
            if leads.allSatisfy({ reminderTime(deadline: horizon, before: $0) > lookingAgainBy }) { return horizon }
            horizon = horizon.addingTimeInterval(86_400)
        }
        return horizon
    }

    /// The escalation policy of a case: its routing decision's, else the default.
    public func policy(for record: CaseRecord) -> EscalationPolicy? {
        policies[record.routing?.escalation ?? defaultPolicy] ?? policies[defaultPolicy]
    }

    private func candidates(around now: Date, cases: [CaseRecord]) -> [(job: DueJob, until: Date)] {
        var out: [(DueJob, Date)] = []
        for record in cases { out += caseJobs(record) + followUpJobs(record) }
        out += marketJobs(around: now, cases: cases)
        out += digestJobs(around: now)
        return out
    }

    // MARK: Deadlines

    /// Reminder and escalation steps of one case. Only cases being handled count: a case replied, escalated to
    /// the county or closed has no more deadline jobs.
    func caseJobs(_ record: CaseRecord) -> [(DueJob, Date)] {
        guard let deadline = record.deadline, record.status.isOpen,
              ![.replied, .followedUp, .escalated].contains(record.status), let policy = policy(for: record)
        else { return [] }
        let stamp = Int(deadline.timeIntervalSince1970)
        let id = record.id
        let notHim = { (p: String) in !record.isAbout(p, in: people.index) }
        var out: [(DueJob, Date)] = []
        if let before = policy.remindBefore {
            let at = reminderTime(deadline: deadline, before: before)
            let recipients = [record.staff, record.leader].compactMap { $0 }.filter(notHim)
            out.append((DueJob(key: "remind:\(id):\(stamp)", due: at, action: .remind(id), targets: policy.targets,
                               recipients: recipients), deadline))
        }
        for (index, step) in policy.steps.enumerated() {
            let at = stepTime(deadline: deadline, after: step.after)
            let key = "escalate:\(id):\(stamp):\(index)"
            switch step.level {
            case .leader:
                let recipients = [record.leader].compactMap { $0 }.filter(notHim)
                out.append((DueJob(key: key, due: at, action: .overdue(id, level: .leader), targets: policy.targets,
                                   recipients: recipients), .distantFuture))
            case .principalLeader:
                out.append((DueJob(key: key, due: at, action: .overdue(id, level: .principalLeader),
                                   targets: policy.targets, recipients: people.principalLeaders.filter(notHim)),
                            .distantFuture))
            case .county(let office, let target):
                out.append((DueJob(key: key, due: at, action: .forward(id, office: office, target: target),
                                   targets: [], recipients: []), .distantFuture))
            }
        }
        return out
    }

    /// `before` ahead of the deadline; working days go back to the same time of day (at most closing time) on
    /// an earlier working day.
    public func reminderTime(deadline: Date, before: DeadlineSpan) -> Date {
        let n = before.boundedCount
        switch before {
        case .hours, .workingHours: return deadline.addingTimeInterval(-Double(n) * 3600)
        case .calendarDays: return deadline.addingTimeInterval(-Double(n) * 86_400)
        case .workingDays:
            let midnight = ClockTime(hour: 0)!
            let deadlineDay = calendar.day(of: deadline)
            let timeOfDay = deadline.timeIntervalSince(calendar.date(deadlineDay, at: midnight))
            var day = deadlineDay
            for _ in 0..<n { day = calendar.previousWorkday(before: day) }
            return min(calendar.date(day, at: calendar.officeHours.closing),
                       calendar.date(day, at: midnight).addingTimeInterval(timeOfDay))
        }
    }

    /// When an escalation step is due: just after the deadline, or `after` it.
    public func stepTime(deadline: Date, after: DeadlineSpan?) -> Date {
        guard let after, after != .hours(0), after != .workingDays(0) else { return deadline.addingTimeInterval(1) }
        return max(deadline.addingTimeInterval(1), calendar.deadline(from: deadline, adding: after).date)
    }

    // MARK: Follow-up

    /// The follow-up reminder (`case.follow_up_due`) of a replied case, to the clerk on duty the day it falls due
    /// (or the case's staff when no roster is named). Keyed by the reply's time, so a case replied again after 重办
    /// gets a new reminder and a recomputed one is written once. Due until the follow-up is recorded.
    func followUpJobs(_ record: CaseRecord) -> [(DueJob, Date)] {
        guard let policy = followUp, !policy.targets.isEmpty, record.status == .replied, let repliedAt = record.repliedAt
        else { return [] }
        let due = record.followUpDue ?? policy.due(repliedAt: repliedAt, calendar: calendar)
        let at = policy.reminderTime(repliedAt: repliedAt, due: due, calendar: calendar)
        let clerk = policy.roster.flatMap { schedules.onDuty($0, at: due, calendar: calendar)?.person } ?? record.staff
        let recipients = [clerk].compactMap { $0 }.filter { !record.isAbout($0, in: people.index) }
        let key = "followup:\(record.id):\(Int(repliedAt.timeIntervalSince1970))"
        return [(DueJob(key: key, due: at, action: .followUpDue(record.id), targets: policy.targets, recipients: recipients),
                 .distantFuture)]
    }

    // MARK: Market days and digest

    func marketJobs(around now: Date, cases: [CaseRecord]) -> [(DueJob, Date)] {
        guard !alerts.marketTargets.isEmpty else { return [] }
        let today = calendar.day(of: now)
        var out: [(DueJob, Date)] = []
        for day in [today.adding(days: -1), today, today.adding(days: 1)] {
            let endOfDay = calendar.date(day, at: ClockTime(hour: 24)!)
            for (duty, assignment) in schedules.marketDuty(on: day) {
                for evening in [true, false] {
                    let at = evening
                        ? calendar.date(day.adding(days: -1), at: alerts.eveningBefore)
                        : calendar.date(day, at: alerts.morningOf)
                    let key = "market:\(duty.market):\(day):\(evening ? "evening" : "morning")"
                    out.append((DueJob(key: key, due: at, action: .marketDuty(market: duty.market, day: day, evening: evening),
                                       targets: alerts.marketTargets, recipients: [assignment.person]), endOfDay))
                }
            }
        }
        return out
    }

    func digestJobs(around now: Date) -> [(DueJob, Date)] {
        guard !alerts.digestTargets.isEmpty else { return [] }
        let today = calendar.day(of: now)
        return [today, today.adding(days: 1)].compactMap { day in
            let sensitive = schedules.sensitivePeriod(on: day).map(\.dailyDigest) ?? false
            let wanted = alerts.digestOnlyInSensitivePeriods ? sensitive : (sensitive || calendar.isWorkday(day))
            guard wanted else { return nil }
            return (DueJob(key: "digest:\(day)", due: calendar.date(day, at: alerts.digestAt), action: .digest(day),
                           targets: alerts.digestTargets, recipients: []),
                    calendar.date(day, at: ClockTime(hour: 24)!))
        }
    }
}
