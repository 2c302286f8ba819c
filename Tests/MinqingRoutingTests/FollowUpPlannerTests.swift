import Foundation
import MinqingCore
import Testing
@testable import MinqingRouting

@Suite("Follow-up (回访): due dates and the clerk's reminder")
struct FollowUpPlannerTests {
    static let policy = FollowUpPolicy(within: .workingDays(2), roster: "群工办值班", targets: ["staff-email"])
    static let planner = JobPlanner(
        policies: [:],
        schedules: Schedules(rosters: [Roster(name: "群工办值班",
                                              rotation: Rotation(people: ["wang", "zhou"], period: .workdays, anchor: day("2026-10-08")))]),
        alerts: AlertSettings(), calendar: Fixtures.calendar, people: RoutingFixtures.people, followUp: policy)

    /// A case replied at `at` through the state machine with the policy's rule, as a store would apply it.
    static func replied(at text: String, concerns: [String] = []) throws -> CaseRecord {
        var record = RoutingFixtures.record(village: "v1", concerns: concerns)
        record.status = .inProgress
        record.staff = "chen"
        record.leader = "sun"
        let rule = policy.rule(calendar: Fixtures.calendar)
        return try CaseStateMachine.apply(.reply(outcome: .resolved, text: "已协调自来水公司恢复供水。"), to: record, actor: "chen",
                                          at: instant(text), policy: .init(followUp: rule)).0
    }

    @Test("the follow-up is due at closing time of the N-th working day after the reply, holidays skipped", arguments: [
        // Wed 2026-09-30 + 2 working days: 国庆 10-01..07 → Thu 10-08, Fri 10-09
        ("2026-09-30 10:00", "2026-10-09 17:30:00"),
        // Fri 2026-10-09 + 2: Sat 10-10 is a make-up workday → Sat 10-10, Mon 10-12
        ("2026-10-09 16:00", "2026-10-12 17:30:00"),
        ("2026-12-01 09:00", "2026-12-03 17:30:00"),
    ])
    func dueDate(reply: String, expected: String) throws {
        #expect(shanghai(try Self.replied(at: reply).followUpDue!) == expected)
    }

    @Test("the clerk on duty on the due day is reminded at opening time that day, under a key of the reply's time")
    func reminder() throws {
        let record = try Self.replied(at: "2026-09-30 10:00")
        #expect(Self.planner.due(at: instant("2026-10-09 08:29"), cases: [record]).isEmpty)
        let jobs = Self.planner.due(at: instant("2026-10-09 08:30"), cases: [record])
        #expect(jobs.map(\.key) == ["followup:MQ-20261015-0001:\(Int(instant("2026-09-30 10:00").timeIntervalSince1970))"])
        #expect(jobs.first?.event == .followUpDue)
        #expect(jobs.first?.recipients == ["zhou"])  // 10-08 wang, 10-09 zhou
        #expect(jobs.first?.targets == ["staff-email"])
        // Still due after the deadline (the scheduler writes the key once), so a hub that was down catches up.
        #expect(Self.planner.due(at: instant("2026-10-20 09:00"), cases: [record]).map(\.key) == jobs.map(\.key))
        #expect(Self.planner.nextDue(after: instant("2026-10-08 12:00"), cases: [record]) == instant("2026-10-09 08:30"))
    }

    @Test("a reply on the due day itself is announced at once, not before the reply")
    func sameDay() throws {
        let policy = FollowUpPolicy(within: .workingDays(0), targets: ["staff-email"])
        var planner = Self.planner
        planner.followUp = policy
        var record = try Self.replied(at: "2026-12-01 10:00")
        record.followUpDue = policy.due(repliedAt: record.repliedAt!, calendar: Fixtures.calendar)
        #expect(planner.due(at: instant("2026-12-01 10:00"), cases: [record]).map(\.recipients) == [["chen"]])  // no roster: the staff
    }

    @Test("recording the follow-up ends the reminder; an unsatisfied answer clears the reply and its follow-up deadline")
    func recorded() throws {
        let record = try Self.replied(at: "2026-09-30 10:00")
        let satisfied = try CaseStateMachine.apply(.followUp(satisfaction: .satisfied, note: nil), to: record, actor: "wang",
                                                   at: instant("2026-10-09 09:00")).0
        #expect(Self.planner.due(at: instant("2026-10-09 10:00"), cases: [satisfied]).isEmpty)
        #expect(!satisfied.isFollowUpOverdue(at: instant("2026-10-20 09:00")))
        let unsatisfied = try CaseStateMachine.apply(.followUp(satisfaction: .unsatisfied, note: "仍然停水"), to: record, actor: "wang",
                                                     at: instant("2026-10-09 09:00")).0
        #expect(unsatisfied.status == .reopened)
        #expect(unsatisfied.repliedAt == nil && unsatisfied.followUpDue == nil)
        #expect(record.isFollowUpOverdue(at: instant("2026-10-09 17:30:01")))
        #expect(!record.isFollowUpOverdue(at: instant("2026-10-09 17:30")))
    }

    @Test("a clerk the case is about is not reminded")
    func conflict() throws {
        let record = try Self.replied(at: "2026-09-30 10:00", concerns: ["zhou"])
        #expect(Self.planner.due(at: instant("2026-10-09 09:00"), cases: [record]).map(\.recipients) == [[]])
    }
}
