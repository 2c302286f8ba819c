import Foundation
import MinqingConfig
import MinqingCore
import MinqingDispatch
import MinqingStore
import MinqingTesting
import Testing

/// 回访 in the example township on a manual clock: the reply stamps the follow-up deadline (`follow_up:` in
/// schedules.yaml, 2 working days), the clerk on duty that day is reminded once, the digest lists the case while it
/// is overdue, and recording the follow-up ends it.
@Suite("Scheduler: follow-up reminders and the digest")
struct FollowUpSchedulerTests {
    static func at(_ text: String) -> Date { Date(iso: text + "+08:00") }

    @Test("a replied case's follow-up: one reminder to the duty clerk, listed in the digest while overdue, gone once recorded",
          .timeLimit(.minutes(5)))
    func followUp() async throws {
        let config = try ConfigLoader.load(from: DispatchHarness.exampleConfig,
                                           environment: ["MINQING_API_TOKEN": "test-token-0123456789abcdef"])
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("minqing-followup-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let clock = ManualClock(Self.at("2026-12-01T08:00:00"))
        let driver = SchedulerMonthTests.Driver(clock: clock)
        let store = try SQLiteCaseStore(
            path: directory.appendingPathComponent("minqing.sqlite").path,
            settings: LedgerSettings(caseIDPrefix: config.office.caseIDPrefix, timeZone: config.office.timeZone,
                                     factory: config.caseFactory, policy: config.casePolicy))
        let ids = SchedulerMonthTests.IDs()
        var task = await driver.start(config, store: store)
        try await driver.run(until: Self.at("2026-12-04T18:00:00"), events: [
            // Replied Tue 12-01 10:00: follow-up due Thu 12-03 17:30, reminder that morning at opening.
            (Self.at("2026-12-01T09:00:00"), { @Sendable [store] in
                let receipt = try await store.ingest([SchedulerMonthTests.message(
                    "fu-1", village: "青山村", category: "环境", body: "村东头自来水管破裂，三天没有供水")], at: clock.now())[0].get()
                ids.set("W", receipt.caseID)
                _ = try await store.apply(.accept(note: nil), to: receipt.caseID, actor: "王丽", expectedVersion: nil, at: clock.now())
                let record = try await store.fetchCase(receipt.caseID)!
                _ = try await store.apply(.assign(Assignment(leader: record.leader!, staff: record.staff!, deadline: record.deadline!)),
                                          to: receipt.caseID, actor: "王丽", expectedVersion: nil, at: clock.now())
            }),
            (Self.at("2026-12-01T10:00:00"), { @Sendable [store] in
                _ = try await store.apply(.reply(outcome: .resolved, text: "已维修水管，恢复供水。"), to: ids.get("W"), actor: "王丽",
                                          expectedVersion: nil, at: clock.now())
            }),
        ])
        let id = ids.get("W")
        let record = try await store.fetchCase(id)!
        #expect(record.followUpDue == Self.at("2026-12-03T17:30:00"))
        let rows = try await store.outboxEntries(state: nil, limit: 10_000)
        let reminders = rows.filter { $0.event == NotificationEvent.followUpDue.rawValue }
        let clerk = config.schedules!.schedules.onDuty("群工办值班", at: Self.at("2026-12-03T12:00:00"),
                                                       calendar: config.routing!.calendar)!.person
        #expect(reminders.map(\.target) == ["staff-email"])
        #expect(reminders.map(\.recipients) == [[clerk]])
        #expect(reminders.map(\.createdAt) == [Self.at("2026-12-03T08:30:00")])
        // Wed 12-02's digest has nothing overdue yet; Thu 12-03 at 17:30 the deadline is just reached; Fri 12-04 lists it.
        let digests = rows.filter { $0.event == NotificationEvent.dailyDigest.rawValue }
            .sorted { $0.createdAt < $1.createdAt }.map { try! JSONSerialization.jsonObject(with: Data($0.context!.utf8)) as! [String: Any] }
        let counts = digests.map { ($0["digest"] as! [String: Any])["follow_up_overdue_count"] as! Int }
        #expect(counts == [0, 0, 0, 1])
        let listed = (digests.last?["follow_up_overdue"] as? [[String: Any]])?.map { $0["id"] as? String }
        #expect(listed == [id.description])

        // Recorded on Monday; a restart then writes nothing again, and the next digest no longer lists it.
        task.cancel()
        _ = await task.result
        _ = try await store.apply(.followUp(satisfaction: .basicallySatisfied, note: "群众说水已通"), to: id, actor: "王丽",
                                  expectedVersion: nil, at: Self.at("2026-12-07T09:00:00"))
        clock.set(Self.at("2026-12-07T09:00:00"))
        task = await driver.start(config, store: store)
        try await driver.run(until: Self.at("2026-12-07T18:00:00"), events: [])
        task.cancel()
        _ = await task.result
        let after = try await store.outboxEntries(state: nil, limit: 10_000)
        #expect(after.filter { $0.event == NotificationEvent.followUpDue.rawValue }.count == 1)
        let monday = after.filter { $0.event == NotificationEvent.dailyDigest.rawValue }.max { $0.createdAt < $1.createdAt }!
        let context = try JSONSerialization.jsonObject(with: Data(monday.context!.utf8)) as! [String: Any]
        #expect((context["digest"] as! [String: Any])["follow_up_overdue_count"] as? Int == 0)
    }
}
