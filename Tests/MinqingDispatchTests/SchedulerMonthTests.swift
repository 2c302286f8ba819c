import Foundation
import Logging
import MinqingApp
import MinqingConfig
import MinqingCore
import MinqingDispatch
import MinqingStore
import MinqingTesting
import Synchronization
import Testing

/// December 2026 in the example township on a manual clock: the scheduler, as `serve` builds it, writes exactly
/// the expected reminders, overdue notices, county forwards, market-day alerts and digests — and a restart in the
/// middle, with the hub down across a reminder's due time, changes nothing but when that reminder is written.
@Suite("Scheduler: a simulated month")
struct SchedulerMonthTests {
    static func at(_ text: String) -> Date { Date(iso: text + "+08:00") }

    /// Runs the scheduler on `clock` until `end`, performing `events` at their times. Each step moves the clock to
    /// the next event or the scheduler's wake-up, whichever is first, and waits until the scheduler is idle again.
    final class Driver: Sendable {
        let clock: ManualClock
        let passes = EventLog<Date>()
        let signal = ChangeSignal()

        init(clock: ManualClock) { self.clock = clock }

        func start(_ config: HubConfig, store: any CaseStore) async -> Task<Void, any Error> {
            let passes = self.passes
            let scheduler = SchedulerSetup.scheduler(
                for: config, store: store, clock: clock, signal: signal, maxSleep: 86_400,
                logger: Logger(label: "test.scheduler"), onIdle: { passes.append($0) })!
            let before = passes.events.count
            let task = Task { try await scheduler.run() }
            await passes.wait(forCount: before + 1)
            await clock.waitForSleepers { !$0.isEmpty }
            return task
        }

        /// Moves the clock to `date`, waking the scheduler if it sleeps until then or earlier.
        func move(to date: Date) async {
            let wakes = clock.nextDeadline.map { $0 <= date } ?? false
            let before = passes.events.count
            clock.set(date)
            if wakes {
                await passes.wait(forCount: before + 1)
                await clock.waitForSleepers { !$0.isEmpty }
            }
        }

        /// Wakes the scheduler now (after a case changed) and waits for its pass.
        func poke() async {
            let before = passes.events.count
            signal.notify()
            await passes.wait(forCount: before + 1)
            await clock.waitForSleepers { !$0.isEmpty }
        }

        func run(until end: Date, events: [(Date, @Sendable () async throws -> Void)]) async throws {
            var pending = events.sorted { $0.0 < $1.0 }
            while true {
                let wake = clock.nextDeadline ?? end
                if let event = pending.first, event.0 <= min(wake, end) {
                    pending.removeFirst()
                    await move(to: event.0)
                    try await event.1()
                    await poke()
                } else if wake <= end {
                    await move(to: wake)
                } else {
                    await move(to: end)
                    return
                }
            }
        }
    }

    @Sendable static func message(_ ref: String, village: String, category: String, body: String) -> InboundMessage {
        InboundMessage(channel: .webform, sourceRef: ref, complainant: Complainant(name: "张秀英", phone: "13812345678"),
                       village: village, category: category, subject: body, body: body)
    }

    final class IDs: Sendable {
        private let state = Mutex<[String: CaseID]>([:])
        func set(_ key: String, _ id: CaseID) { state.withLock { $0[key] = id } }
        func get(_ key: String) -> CaseID { state.withLock { $0[key]! } }
    }

    static func open(_ config: HubConfig, directory: URL) throws -> SQLiteCaseStore {
        try SQLiteCaseStore(
            path: directory.appendingPathComponent("minqing.sqlite").path,
            settings: LedgerSettings(
                caseIDPrefix: config.office.caseIDPrefix, timeZone: config.office.timeZone, factory: config.caseFactory,
                planner: CompositePlanner([NotificationSetup.planner(for: config), SchedulerSetup.forwardPlanner(for: config)])))
    }

    @Test("a new case's deadline is planned at once: the store's case signal wakes the scheduler, the clock standing still",
          .timeLimit(.minutes(5)))
    func caseSignalWakesScheduler() async throws {
        let config = try ConfigLoader.load(from: DispatchHarness.exampleConfig,
                                           environment: ["MINQING_API_TOKEN": "test-token-0123456789abcdef"])
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("minqing-wake-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let clock = ManualClock(Self.at("2026-12-01T09:00:00"))
        let driver = Driver(clock: clock)
        let store = try SQLiteCaseStore(
            path: directory.appendingPathComponent("minqing.sqlite").path,
            settings: LedgerSettings(caseIDPrefix: config.office.caseIDPrefix, timeZone: config.office.timeZone,
                                     factory: config.caseFactory, policy: config.casePolicy, caseSignal: driver.signal))
        let task = await driver.start(config, store: store)
        defer { task.cancel() }
        let before = driver.passes.events.count
        // Nobody pokes the scheduler and the clock does not move: only the store's commit can wake it.
        _ = try await store.ingest([Self.message("wake-1", village: "青山村", category: "土地", body: "宅基地边界纠纷")], at: clock.now())
        await driver.passes.wait(forCount: before + 1)
        #expect(clock.now() == Self.at("2026-12-01T09:00:00"))
    }

    @Test("December 2026: reminders, escalations, forwards, market-day alerts and digests, exactly; a restart changes nothing")
    func month() async throws {
        let config = try ConfigLoader.load(from: DispatchHarness.exampleConfig,
                                           environment: ["MINQING_API_TOKEN": "test-token-0123456789abcdef"])
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("minqing-month-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let clock = ManualClock(Self.at("2026-11-30T08:00:00"))
        let driver = Driver(clock: clock)
        let store = try Self.open(config, directory: directory)
        let ids = IDs()
        @Sendable func file(_ store: any CaseStore, _ key: String, _ m: InboundMessage, accept: Bool = true) async throws {
            let receipt = try await store.ingest([m], at: clock.now())[0].get()
            ids.set(key, receipt.caseID)
            if accept { _ = try await store.apply(.accept(note: nil), to: receipt.caseID, actor: "王丽", expectedVersion: nil, at: clock.now()) }
        }

        var task = await driver.start(config, store: store)
        // A: 龙泉村 land dispute, 15 working days → Mon 2026-12-21 17:30. Never replied.
        // B: 青山村 wages, 10 working days → 2026-12-14 17:30; replied on 12-10, so no reminder (but a follow-up reminder).
        try await driver.run(until: Self.at("2026-12-16T12:00:00"), events: [
            (Self.at("2026-11-30T09:00:00"), { @Sendable [store] in
                try await file(store, "A", Self.message("a", village: "龙泉村", category: "土地", body: "宅基地界址纠纷"))
                try await file(store, "B", Self.message("b", village: "青山村", category: "劳资", body: "工地拖欠工资"))
            }),
            (Self.at("2026-12-10T10:00:00"), { @Sendable [store] in
                let b = ids.get("B")
                let record = try await store.fetchCase(b)!
                _ = try await store.apply(.assign(Assignment(leader: record.leader!, staff: record.staff!, deadline: record.deadline!)),
                                          to: b, actor: "王丽", expectedVersion: nil, at: clock.now())
                _ = try await store.apply(.reply(outcome: .resolved, text: "已协调支付"), to: b, actor: "邓强", expectedVersion: nil, at: clock.now())
            }),
            // C: 柳塘村 gas leak at night: urgent, 2 hours → 23:00; reminder 22:00; principal leaders 23:00:01;
            // forwarded to the county 4 hours after the deadline.
            (Self.at("2026-12-15T21:00:00"), { @Sendable [store] in
                try await file(store, "C", Self.message("c", village: "柳塘村", category: "环境", body: "村民家中煤气泄漏，气味很重"))
            }),
        ])

        // Restart: the hub stops at 12-16 12:00 and is down until 12-18 19:00, across A's reminder (12-18 17:30).
        task.cancel()
        _ = await task.result
        clock.set(Self.at("2026-12-18T19:00:00"))
        let reopened = try Self.open(config, directory: directory)
        let rowsBefore = try await reopened.outboxEntries(state: nil, limit: 10_000).count
        task = await driver.start(config, store: reopened)
        try await driver.run(until: Self.at("2026-12-31T23:59:00"), events: [])
        task.cancel()
        _ = await task.result

        let (a, b, c) = (ids.get("A"), ids.get("B"), ids.get("C"))
        let rows = try await reopened.outboxEntries(state: nil, limit: 10_000)
        #expect(rowsBefore > 0)
        func line(_ e: OutboxEntry) -> String {
            "\(HubTime.iso(e.createdAt)) \(e.event) \(e.target) \(e.caseID.map { [a: "A", b: "B", c: "C"][$0] ?? "?" } ?? "-") \(e.recipients.joined(separator: ","))"
        }
        let caseRows = rows.filter { $0.jobKey != nil || $0.event == "case.forwarded" }
            .filter { $0.event.hasPrefix("case.") }.map(line).sorted()
        #expect(caseRows == [
            // B replied Thu 12-10: its follow-up (回访, 2 working days) is due Mon 12-14; the clerk on duty is told that morning.
            "2026-12-14T08:30:00+08:00 case.follow_up_due staff-email B chen-zhiqiang",
            "2026-12-15T22:00:00+08:00 case.reminder leaders-dingtalk C zhou-min,liu-jianguo",
            "2026-12-15T22:00:00+08:00 case.reminder staff-email C zhou-min,liu-jianguo",
            "2026-12-15T23:00:01+08:00 case.overdue leaders-dingtalk C liu-jianguo,zhao-hongmei",
            "2026-12-15T23:00:01+08:00 case.overdue staff-email C liu-jianguo,zhao-hongmei",
            "2026-12-16T03:00:00+08:00 case.forwarded county-webhook C ",
            "2026-12-18T19:00:00+08:00 case.reminder leaders-dingtalk A li-haitao,sun-wei",
            "2026-12-18T19:00:00+08:00 case.reminder staff-email A li-haitao,sun-wei",
            "2026-12-21T17:30:01+08:00 case.overdue leaders-dingtalk A sun-wei",
            "2026-12-21T17:30:01+08:00 case.overdue staff-email A sun-wei",
            "2026-12-23T17:30:00+08:00 case.overdue leaders-dingtalk A liu-jianguo,zhao-hongmei",
            "2026-12-23T17:30:00+08:00 case.overdue staff-email A liu-jianguo,zhao-hongmei",
            "2026-12-28T17:30:00+08:00 case.forwarded county-webhook A ",
        ])
        #expect(try await reopened.fetchCase(a)?.status == .escalated)
        #expect(try await reopened.fetchCase(a)?.escalatedTo == "county-xinfang")
        #expect(try await reopened.fetchCase(c)?.status == .escalated)
        #expect(try await reopened.auditTrail(of: a).last?.actor == "scheduler")

        // Market-day alerts: 青山集 农历逢三六九 and 柳塘集 农历逢一四七 (lunar dates of December 2026 from a
        // paper almanac: 12-01 = 十月廿三, 12-09 = 冬月初一, 12-31 = 冬月廿三, 2027-01-01 = 冬月廿四).
        // 12-17's alerts (due 12-16 18:00 and 12-17 07:00) fall wholly inside the downtime and are useless after
        // the market day: they are the only ones not sent. 12-19's evening alert (due 12-18 18:00) is sent late.
        let qingshan = ["12-01", "12-04", "12-07", "12-11", "12-14", "12-21", "12-24", "12-27", "12-31"]
        let liutang = ["12-02", "12-05", "12-09", "12-12", "12-15", "12-19", "12-22", "12-25", "12-29"]
        var expectedMarket: [String] = []
        for (market, days) in [("qingshan-market", qingshan), ("liutang-market", liutang)] {
            for d in days { expectedMarket += ["market:\(market):2026-\(d):evening", "market:\(market):2026-\(d):morning"] }
        }
        expectedMarket.append("market:liutang-market:2027-01-01:evening")
        let marketRows = rows.filter { $0.event == "market.duty" }
        #expect(Set(marketRows.map { $0.jobKey! }) == Set(expectedMarket))
        #expect(marketRows.count == expectedMarket.count * 2)  // staff-email and leaders-dingtalk
        for row in marketRows {
            let key = row.jobKey!
            let evening = key.hasSuffix("evening")
            let day = String(key.split(separator: ":")[2])
            let dueDay = evening ? CivilDayText.previous(day) : day
            let sent = key == "market:liutang-market:2026-12-19:evening" ? "2026-12-18T19:00" : "\(dueDay)T\(evening ? "18:00" : "07:00")"
            #expect(HubTime.iso(row.createdAt).hasPrefix(sent + ":00"), "\(key)")
            #expect(row.caseID == nil && row.snapshot == nil && row.recipients.count == 1)
        }
        let override = marketRows.first { $0.jobKey == "market:qingshan-market:2026-12-14:morning" }
        #expect(override?.recipients == ["huang-lihua"])
        #expect(override?.context?.contains("宅基地界址纠纷") == true)  // A is open and 龙泉村 is served by 青山集
        #expect(override?.context?.contains("13812345678") == false)

        // Digest: every working day at 17:30 (no holidays in December 2026): 11-30 and 23 December weekdays,
        // less 12-16 and 12-17, whose days ended while the hub was down.
        let digests = rows.filter { $0.event == "digest.daily" }
        #expect(digests.count == 22)
        #expect(Set(digests.map(\.target)) == ["office-wecom"])
        #expect(!digests.contains { $0.jobKey == "digest:2026-12-16" || $0.jobKey == "digest:2026-12-17" })
        #expect(digests.filter { $0.jobKey != "digest:2026-12-18" }.allSatisfy { HubTime.iso($0.createdAt).hasSuffix("T17:30:00+08:00") })
        #expect(!digests.contains { $0.jobKey == "digest:2026-12-05" } && digests.contains { $0.jobKey == "digest:2026-12-31" })
        // The hub was down on 12-16 from noon to 12-18 19:00: those digests are missed only once their day is
        // over (12-16 17:30, 12-17 17:30); 12-18's is still written at 19:00.
        #expect(digests.first { $0.jobKey == "digest:2026-12-18" }.map { HubTime.iso($0.createdAt) } == "2026-12-18T19:00:00+08:00")

        // Running the month's last pass again writes nothing.
        let scheduler = SchedulerSetup.scheduler(for: config, store: reopened, clock: clock, signal: ChangeSignal())!
        let cases = try await reopened.searchCases(CaseQuery()).items.filter(\.status.isOpen)
        #expect(try await scheduler.runDue(at: clock.now(), cases: cases).isEmpty)
        #expect(try await reopened.outboxEntries(state: nil, limit: 10_000).count == rows.count)
    }
}

enum CivilDayText {
    /// The ISO date before `text` (`2026-12-01` → `2026-11-30`).
    static func previous(_ text: String) -> String {
        let date = Date(iso: "\(text)T12:00:00+08:00").addingTimeInterval(-86_400)
        return String(HubTime.iso(date).prefix(10))
    }
}
