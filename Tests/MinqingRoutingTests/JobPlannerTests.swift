import Foundation
import MinqingCore
import Testing
@testable import MinqingRouting

@Suite("Scheduled jobs: reminder and escalation times")
struct JobPlannerTests {
    static let planner = JobPlanner(
        policies: [:], schedules: Schedules(), alerts: AlertSettings(), calendar: Fixtures.calendar,
        people: RoutingFixtures.people)

    @Test("reminders go back over weekends and holidays and land on make-up workdays", arguments: [
        // Tue 2026-02-24 17:30, 1 working day before: 春节 15–23 and Sun 22 skipped → Sat 02-14 (调休上班)
        ("2026-02-24 17:30", DeadlineSpan.workingDays(1), "2026-02-14 17:30:00"),
        ("2026-02-24 17:30", .workingDays(2), "2026-02-13 17:30:00"),
        // Thu 2025-10-09 17:30: 国庆中秋 1–8 → Tue 09-30; 2 → Mon 09-29; 3 → Sun 09-28 (调休上班)
        ("2025-10-09 17:30", .workingDays(1), "2025-09-30 17:30:00"),
        ("2025-10-09 17:30", .workingDays(3), "2025-09-28 17:30:00"),
        // a calendar-day deadline at 23:59:59 reminds at closing time of the earlier working day
        ("2026-10-12 23:59:59", .workingDays(1), "2026-10-10 17:30:00"),
        ("2026-10-04 00:15", .hours(1), "2026-10-03 23:15:00"),
        ("2026-10-04 00:15", .calendarDays(1), "2026-10-03 00:15:00"),
    ])
    func reminder(deadline: String, before: DeadlineSpan, expected: String) {
        #expect(shanghai(Self.planner.reminderTime(deadline: instant(deadline), before: before)) == expected)
    }

    @Test("a reminder longer than a year before the deadline counts as a year, without walking the calendar for ever")
    func hugeReminder() {
        let deadline = instant("2026-12-21 17:30")
        #expect(Self.planner.reminderTime(deadline: deadline, before: .workingDays(.max))
            == Self.planner.reminderTime(deadline: deadline, before: .workingDays(250)))
        #expect(Self.planner.reminderTime(deadline: deadline, before: .hours(.max)) == deadline.addingTimeInterval(-8_784 * 3600))
    }

    @Test("escalation steps count from the deadline; a step without delay is due the second after it", arguments: [
        ("2026-12-21 17:30", nil, "2026-12-21 17:30:01"),
        ("2026-12-21 17:30", DeadlineSpan.workingDays(2), "2026-12-23 17:30:00"),
        // Wed 2026-09-30 17:30 + 2 working days: 国庆 1–7 → Thu 10-08, Fri 10-09
        ("2026-09-30 17:30", .workingDays(2), "2026-10-09 17:30:00"),
        ("2026-09-30 17:30", .workingDays(3), "2026-10-10 17:30:00"),  // Sat 10-10 调休上班
        ("2026-12-15 23:00", .hours(4), "2026-12-16 03:00:00"),
    ] as [(String, DeadlineSpan?, String)])
    func step(deadline: String, after: DeadlineSpan?, expected: String) {
        #expect(shanghai(Self.planner.stepTime(deadline: instant(deadline), after: after)) == expected)
    }

    @Test("a replied, escalated or closed case has no deadline jobs; an open one has its reminder and steps")
    func eligibility() {
        let policy = EscalationPolicy(name: "standard", remindBefore: .workingDays(1),
                                      steps: [.init(level: .leader), .init(after: .workingDays(2), level: .principalLeader)],
                                      targets: ["email"])
        let planner = JobPlanner(policies: ["standard": policy], schedules: Schedules(), alerts: AlertSettings(),
                                 calendar: Fixtures.calendar, people: RoutingFixtures.people)
        var record = RoutingFixtures.record(village: "v1", concerns: ["zhao"])
        record.leader = "sun"
        record.staff = "chen"
        record.deadline = instant("2026-12-21 17:30")
        let jobs = planner.due(at: instant("2026-12-23 18:00"), cases: [record])
        #expect(jobs.map(\.key) == [
            "escalate:MQ-20261015-0001:\(Int(instant("2026-12-21 17:30").timeIntervalSince1970)):0",
            "escalate:MQ-20261015-0001:\(Int(instant("2026-12-21 17:30").timeIntervalSince1970)):1",
        ])  // the reminder is no longer useful after the deadline
        #expect(jobs.last?.recipients == ["liu"])  // principal leaders, less 赵红梅 whom the case is about
        #expect(planner.due(at: instant("2026-12-18 17:30"), cases: [record]).map(\.recipients) == [["chen", "sun"]])
        for status in [CaseStatus.replied, .escalated, .closed] {
            record.status = status
            #expect(planner.due(at: instant("2026-12-23 18:00"), cases: [record]).isEmpty, "\(status)")
        }
    }
}

@Suite("Scheduled jobs: digests and sensitive periods")
struct DigestJobTests {
    @Test("the digest goes out on working days, and every day of a sensitive period", arguments: [
        (false, "2026-03-01 17:30", true),   // Sunday inside 两会 (03-01 … 03-15)
        (false, "2026-03-21 17:30", false),  // Saturday after it
        (false, "2026-03-23 17:30", true),   // Monday
        (true, "2026-03-23 17:30", false),   // only in sensitive periods
        (true, "2026-03-14 17:30", true),
    ])
    func digest(onlySensitive: Bool, at: String, expected: Bool) {
        let schedules = Schedules(sensitivePeriods: [SensitivePeriod(name: "两会", from: day("2026-03-01"), to: day("2026-03-15"))])
        let planner = JobPlanner(
            policies: [:], schedules: schedules,
            alerts: AlertSettings(digestTargets: ["wecom"], digestOnlyInSensitivePeriods: onlySensitive),
            calendar: Fixtures.calendar, people: RoutingFixtures.people)
        let keys = planner.due(at: instant(at), cases: []).map(\.key)
        #expect(keys == (expected ? ["digest:\(at.prefix(10))"] : []))
        #expect(planner.due(at: instant(at).addingTimeInterval(-60), cases: []).isEmpty)  // not before 17:30
    }
}
