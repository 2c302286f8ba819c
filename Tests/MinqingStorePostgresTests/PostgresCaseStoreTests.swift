import Foundation
import Logging
import MinqingConfig
import MinqingCore
import MinqingDispatch
import MinqingStore
@testable import MinqingStorePostgres
import MinqingTesting
import PostgresNIO
import Synchronization
import Testing

/// A fresh database on the test process's PostgreSQL, and the stores a test opened on it (closed at the end).
final class PostgresFixture: Sendable {
    let settings: PostgresSettings
    private let opened = Mutex<[PostgresCaseStore]>([])

    init() async throws {
        let server = try await PostgresServer.shared()
        let name = try await server.createDatabase()
        settings = PostgresSettings(host: "127.0.0.1", port: server.port, username: server.user, database: name,
                                    poolSize: 3, statementTimeout: 30, sslMode: .disable)
    }

    func open(_ ledger: LedgerSettings = LedgerSettings(), instance: String = UUID().uuidString) async throws -> PostgresCaseStore {
        let store = try await PostgresCaseStore.open(settings: settings, ledger: ledger, instanceID: instance)
        opened.withLock { $0.append(store) }
        return store
    }

    func closeAll() async {
        for store in opened.withLock({ s in defer { s = [] }; return s }) { await store.close() }
    }

    /// Runs `statements` on the fixture's database over a connection of their own, as an administrator would by
    /// hand (tests use it to break what the store wrote).
    func execute(_ statements: String...) async throws {
        let logger = Logger(label: "test.postgres-fixture")
        let client = PostgresClient(configuration: try PostgresCaseStore.clientConfiguration(settings), backgroundLogger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            try await client.withConnection { c in
                for sql in statements { _ = try await c.query(PostgresQuery(unsafeSQL: sql), logger: logger).collect() }
            }
            group.cancelAll()
        }
    }
}

@Suite("PostgreSQL case store", .enabled(if: Peers.postgresRunnable, Comment(rawValue: Peers.postgresHint)), .timeLimit(.minutes(3)))
struct PostgresCaseStoreTests {
    static let start = CaseStoreConformance.start

    static func run(_ check: CaseStoreConformance.Check) async throws {
        let fixture = try await PostgresFixture()
        defer { Task { await fixture.closeAll() } }
        try await check.run { { settings in try await fixture.open(settings) } }
        await fixture.closeAll()
    }

    @Test("conforms to the CaseStore contract", arguments: CaseStoreConformance.checks)
    func conforms(_ check: CaseStoreConformance.Check) async throws {
        try await Self.run(check)
    }

    @Test("a status or notification state this version does not know fails the read that meets it, not the process")
    func unknownStoredValuesFailTheRead() async throws {
        let fixture = try await PostgresFixture()
        try await CaseStoreConformance.unknownStoredValues({ try await fixture.open($0) }) { sql in
            try await fixture.execute(sql)
        }
        await fixture.closeAll()
    }

    @Test("conforms to the RelatedCaseStore and WarningStore contracts", arguments: RelatedCaseConformance.checks)
    func conformsRelated(_ check: RelatedCaseConformance.Check) async throws {
        let fixture = try await PostgresFixture()
        try await check.run { { settings in try await fixture.open(settings) } }
        await fixture.closeAll()
    }

    @Test("conforms to the LedgerStatistics contract", arguments: StatisticsConformance.checks)
    func conformsStatistics(_ check: StatisticsConformance.Check) async throws {
        let fixture = try await PostgresFixture()
        try await check.run { { settings in try await fixture.open(settings) } }
        await fixture.closeAll()
    }

    @Test("conforms to the HotlineLedger contract", arguments: CaseStoreConformance.hotlineChecks)
    func conformsHotline(_ check: CaseStoreConformance.Check) async throws {
        try await Self.run(check)
    }

    @Test("conforms to the AccountStore contract", arguments: AccountStoreConformance.checks)
    func conformsAccounts(_ check: AccountStoreConformance.Check) async throws {
        let fixture = try await PostgresFixture()
        try await check.run { try await fixture.open() }
        await fixture.closeAll()
    }

    static func message(_ ref: String) -> InboundMessage {
        InboundMessage(
            channel: .webform, sourceRef: ref, receivedAt: start.addingTimeInterval(-60),
            complainant: Complainant(name: "李桂兰", phone: "13912345678"), village: "青山村", category: "土地",
            subject: "灌溉渠堵塞", body: "村东灌溉渠被垃圾堵塞，农田无法灌溉，请尽快清理。",
            raw: Data("{\"source_ref\":\"\(ref)\"}".utf8), rawContentType: "application/json")
    }

    static let wecomPlanner = ClosurePlanner { change in
        change.event.action == "received" ? [OutboxDraft(target: "wecom", event: "case.created")] : []
    }

    @Test("three instances taking the same 200 messages at once make one case per message, every id given once")
    func concurrentIntakeAcrossInstances() async throws {
        let fixture = try await PostgresFixture()
        let stores = [try await fixture.open(), try await fixture.open(), try await fixture.open()]
        let messages = (0..<200).map { Self.message("form-\($0)") }
        let receipts = try await withThrowingTaskGroup(of: (Int, String, IntakeReceipt).self) { group in
            for (i, store) in stores.enumerated() {
                let intake = IntakeService(store: store, clock: ManualClock(Self.start), maxBatch: 16)
                for m in messages.shuffled() {
                    group.addTask {
                        do { return (i, m.sourceRef, try await intake.submit(m)) } catch {
                            // PSQLError's description hides the server's message: show all of it (a rare CI failure
                            // here needs the SQLSTATE and the statement to be understood).
                            throw ConformanceFailure("instance \(i), \(m.sourceRef): \(String(reflecting: error))")
                        }
                    }
                }
            }
            return try await group.reduce(into: [(Int, String, IntakeReceipt)]()) { $0.append($1) }
        }
        #expect(receipts.count == 600)
        let byMessage = Dictionary(grouping: receipts, by: \.1)
        #expect(byMessage.count == 200)
        #expect(byMessage.values.allSatisfy { Set($0.map(\.2.caseID)).count == 1 }, "every instance answers the same id")
        #expect(byMessage.values.allSatisfy { $0.filter(\.2.created).count == 1 }, "exactly one instance created each case")
        var all = CaseQuery()
        all.limit = 500
        let page = try await stores[0].searchCases(all)
        #expect(page.total == 200)
        #expect(Set(page.items.map(\.id)).count == 200)
        #expect(Set(page.items.map(\.id.sequence)) == Set(1...200), "one counter: no id twice, none skipped")
        await fixture.closeAll()
    }

    /// Ingests `count` cases with one `wecom` notification each.
    static func backlog(_ store: PostgresCaseStore, count: Int) async throws {
        let results = try await store.ingest((0..<count).map { Self.message("n-\($0)") }, at: start)
        for r in results { _ = try r.get() }
    }

    @Test("instances claiming the outbox at once never get the same row, and together get every row")
    func concurrentClaimsAcrossInstances() async throws {
        let fixture = try await PostgresFixture()
        let ledger = LedgerSettings(planner: Self.wecomPlanner)
        let stores = [try await fixture.open(ledger), try await fixture.open(ledger), try await fixture.open(ledger)]
        try await Self.backlog(stores[0], count: 300)
        let claims = try await withThrowingTaskGroup(of: [String].self) { group in
            for store in stores {
                group.addTask {
                    var mine: [String] = []
                    while true {
                        let got = try await store.claimNotifications(
                            dueAt: Self.start, leaseUntil: Self.start.addingTimeInterval(300), limits: ["wecom": 7])
                        if got.isEmpty { return mine }
                        mine += got.map(\.id)
                    }
                }
            }
            return try await group.reduce(into: [[String]]()) { $0.append($1) }
        }
        let all = claims.flatMap { $0 }
        #expect(all.count == 300, "every row claimed")
        #expect(Set(all).count == 300, "no row claimed twice")
        #expect(claims.filter { !$0.isEmpty }.count >= 2, "the work was shared")
        await fixture.closeAll()
    }

    @Test("a killed instance's leases are taken over when they run out; releaseLeases ends only the caller's own")
    func leasesOfAKilledInstance() async throws {
        let fixture = try await PostgresFixture()
        let ledger = LedgerSettings(planner: Self.wecomPlanner)
        let killed = try await fixture.open(ledger, instance: "hub-a")
        let alive = try await fixture.open(ledger, instance: "hub-b")
        let other = try await fixture.open(ledger, instance: "hub-c")
        try await Self.backlog(killed, count: 6)
        let lease = Self.start.addingTimeInterval(300)
        let longLease = Self.start.addingTimeInterval(3600)
        let taken = try await killed.claimNotifications(dueAt: Self.start, leaseUntil: lease, limits: ["wecom": 4])
        #expect(taken.count == 4)
        await killed.close()  // no releaseLeases: as after SIGKILL
        let held = try await other.claimNotifications(dueAt: Self.start, leaseUntil: longLease, limits: ["wecom": 10])
        #expect(held.count == 2, "only the rows nobody holds")
        try await alive.releaseLeases(at: Self.start)
        let stillLeased = try await alive.claimNotifications(
            dueAt: Self.start.addingTimeInterval(299), leaseUntil: longLease, limits: ["wecom": 10])
        #expect(stillLeased.isEmpty, "releaseLeases of one instance leaves the others' claims alone")
        #expect(try await alive.nextNotificationDue(targets: ["wecom"]) == lease, "the dispatcher wakes when the first lease runs out")
        let takenOver = try await alive.claimNotifications(dueAt: lease, leaseUntil: longLease, limits: ["wecom": 10])
        #expect(Set(takenOver.map(\.id)) == Set(taken.map(\.id)), "the killed instance's rows come back after its lease")
        try await other.releaseLeases(at: Self.start)
        let released = try await alive.claimNotifications(dueAt: lease, leaseUntil: longLease, limits: ["wecom": 10])
        #expect(Set(released.map(\.id)) == Set(held.map(\.id)), "an instance's own releaseLeases frees its rows at once")
        await fixture.closeAll()
    }

    @Test("two instances reserving rate-limited sends at once never exceed 20 in any minute together")
    func sharedRateLimit() async throws {
        let fixture = try await PostgresFixture()
        let ledger = LedgerSettings(planner: Self.wecomPlanner)
        let stores = [try await fixture.open(ledger), try await fixture.open(ledger)]
        try await Self.backlog(stores[0], count: 1)
        let id = try await stores[0].outboxEntries(state: nil, limit: 1)[0].id
        let limit = RateLimit([RateWindow(count: 20, per: .seconds(60))])
        let slots = try await withThrowingTaskGroup(of: Date.self) { group in
            for (i, store) in stores.enumerated() {
                for n in 0..<25 {
                    group.addTask {
                        try await store.reserveSend(
                            DeliveryAttempt(notificationID: id, target: "wecom", number: i * 100 + n, startedAt: Self.start, result: .sending),
                            horizon: limit.horizon.seconds, now: Self.start, slot: limit.earliestSend(after:now:)
                        ).sendAt
                    }
                }
            }
            return try await group.reduce(into: [Date]()) { $0.append($1) }.sorted()
        }
        #expect(slots.count == 50)
        for (i, slot) in slots.enumerated() {
            let inWindow = slots[i...].prefix { $0 < slot.addingTimeInterval(60) }.count
            #expect(inWindow <= 20, "\(inWindow) sends in the minute from \(slot)")
        }
        #expect(slots.filter { $0 == Self.start }.count == 20, "the first 20 go at once")
        #expect(try await stores[1].sendTimes(target: "wecom", since: Self.start) == slots, "both instances see every send")
        await fixture.closeAll()
    }

    @Test("status look-up attempts are counted atomically across instances")
    func sharedAttemptLimit() async throws {
        let fixture = try await PostgresFixture()
        let stores = [try await fixture.open(), try await fixture.open()]
        let granted = try await withThrowingTaskGroup(of: Int64?.self) { group in
            for store in stores {
                for _ in 0..<10 {
                    group.addTask {
                        try await store.reserveAttempt(key: "lookup:MQ-20261122-0001", limit: 5, since: Self.start.addingTimeInterval(-3600),
                                                       at: Self.start)
                    }
                }
            }
            return try await group.reduce(into: [Int64?]()) { $0.append($1) }
        }
        #expect(granted.compactMap { $0 }.count == 5)
        let key = try await stores[0].hubSecret(named: "form-token") { Data("第一把钥匙".utf8) }
        #expect(try await stores[1].hubSecret(named: "form-token") { Data("第二把钥匙".utf8) } == key, "one key for every instance")
        await fixture.closeAll()
    }

    @Test("a commit on one instance wakes the listeners of another by NOTIFY")
    func notifyWakesOtherInstances() async throws {
        let fixture = try await PostgresFixture()
        let writer = try await fixture.open(LedgerSettings(planner: Self.wecomPlanner))
        let outbox = ChangeSignal()
        let cases = ChangeSignal()
        let (listening, listeningNow) = AsyncStream.makeStream(of: Void.self)
        let listener = Task {
            await PostgresChangeListener.run(settings: fixture.settings, outbox: outbox, cases: cases) { listeningNow.yield() }
        }
        for await _ in listening { break }
        let clock = ManualClock(Self.start)
        // Connecting fires both once (a listener may have missed something while it was away): take those first.
        await outbox.wait(until: nil, on: clock)
        await cases.wait(until: nil, on: clock)
        let receipt = try await writer.ingest([Self.message("notify-1")], at: Self.start)[0].get()
        await outbox.wait(until: nil, on: clock)
        await cases.wait(until: nil, on: clock)
        _ = try await writer.apply(.accept(note: nil), to: receipt.caseID, actor: "王丽", expectedVersion: nil, at: Self.start)
        await cases.wait(until: nil, on: clock)
        listener.cancel()
        await listener.value
        await fixture.closeAll()
    }

    @Test("leadership moves to another instance when the holder's connection ends")
    func leadershipFailover() async throws {
        let fixture = try await PostgresFixture()
        let first = PostgresLeadership(settings: fixture.settings)
        let second = PostgresLeadership(settings: fixture.settings)
        #expect(try await first.tryLeadership("scheduler"))
        #expect(try await first.tryLeadership("scheduler"), "asking again keeps it")
        #expect(try await first.holds("scheduler"))
        #expect(try await !second.tryLeadership("scheduler"))
        #expect(try await second.tryLeadership("mailbox:office"), "other names are independent")
        #expect(try await !second.waitForLeadership("scheduler", timeout: .milliseconds(100)), "a wait times out")
        await first.close()  // the process died
        #expect(try await second.waitForLeadership("scheduler", timeout: .seconds(30)), "taken over")
        #expect(try await second.holds("scheduler"))
        #expect(try await !first.tryLeadership("scheduler"), "the old leader comes back as a follower")
        try await second.release("scheduler")
        #expect(try await first.tryLeadership("scheduler"), "a released name is free at once")
        await first.close()
        await second.close()
    }

    @Test("jobs asking one instance's leadership at once share its one connection (regression: a second connection was dropped unclosed, which trapped the process)")
    func concurrentLeadershipRequests() async throws {
        let fixture = try await PostgresFixture()
        let leadership = PostgresLeadership(settings: fixture.settings)
        let names = ["scheduler", "hotline:cdr"] + (0..<8).map { "mailbox:box-\($0)" }
        let won = try await withThrowingTaskGroup(of: Bool.self) { group in
            for name in names { group.addTask { try await leadership.tryLeadership(name) } }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(won.count == names.count && won.allSatisfy { $0 }, "every free name is taken")
        for name in names { #expect(await leadership.holds(name), "\(name) is held on the one connection") }
        await leadership.close()
        await fixture.closeAll()
    }

    @Test("every filter and a cursor page are read through an index in the list's order; a rare text through the GIN index")
    func listPlans() async throws {
        let fixture = try await PostgresFixture()
        let store = try await fixture.open()
        let cursor = CaseCursor(registeredAt: 1_795_000_000, seq: 7)
        let cases = CaseStoreConformance.listPlanQueries(after: cursor)
        for (name, q, index) in cases {
            let plan = try await store.explainSearch(q)
            #expect(plan.page.contains { $0.contains(index) }, "\(name): \(plan.page)")
            #expect(!plan.page.contains { $0.contains("Sort") }, "\(name) sorts nothing: \(plan.page)")
        }
        var text = CaseQuery()
        text.text = "路灯"
        let plan = try await store.explainSearch(text)
        #expect(plan.page.contains { $0.contains("cases_search") }, "\(plan.page)")
        #expect(plan.count.contains { $0.contains("cases_search") }, "\(plan.count)")
        await fixture.closeAll()
    }

    @Test("a claim reads the target's due rows through outbox_due in claim order, without sorting the backlog")
    func claimPlan() async throws {
        let fixture = try await PostgresFixture()
        let store = try await fixture.open(LedgerSettings(planner: Self.wecomPlanner))
        try await Self.backlog(store, count: 50)
        let plan = try await store.explainClaim(target: "wecom", limit: 8, at: Self.start)
        #expect(plan.contains { $0.contains("outbox_due") }, "\(plan)")
        #expect(!plan.contains { $0.contains("Sort") }, "\(plan)")
        await fixture.closeAll()
    }

    @Test("instances starting at once migrate the schema exactly once")
    func concurrentMigrations() async throws {
        let fixture = try await PostgresFixture()
        let runs = try await withThrowingTaskGroup(of: [String].self) { group in
            for _ in 0..<3 { group.addTask { try await PostgresCaseStore.migrate(settings: fixture.settings) } }
            return try await group.reduce(into: [[String]]()) { $0.append($1) }
        }
        let applied = runs.flatMap { $0 }
        #expect(applied.count == Set(applied).count, "no step applied twice")
        #expect(Set(applied) == Set(PostgresCaseStore.migrationNames))
        #expect(runs.filter(\.isEmpty).count == 2, "the others found the schema current")
        #expect(try await PostgresCaseStore.migrate(settings: fixture.settings).isEmpty, "and so does a restart")
        let store = try await fixture.open()
        try await store.checkReady()
        await fixture.closeAll()
    }

    @Test("sslmode prefer falls back to plain TCP on a server without TLS, require refuses it, and no error shows the password")
    func sslModes() async throws {
        let fixture = try await PostgresFixture()
        var settings = fixture.settings
        settings.password = Secret("口令-hunter2-不可见")
        settings.sslMode = .prefer
        let store = try await PostgresCaseStore.open(settings: settings, ledger: LedgerSettings())
        try await store.checkReady()
        await store.close()
        settings.sslMode = .require
        do {
            let refused = try await PostgresCaseStore.open(settings: settings, ledger: LedgerSettings())
            await refused.close()
            Issue.record("sslmode require must not connect to a server without TLS")
        } catch {
            for shown in [String(describing: error), String(reflecting: error), "\(error)"] {
                #expect(!shown.contains("hunter2"), "\(shown)")
            }
        }
        #expect(!String(describing: settings).contains("hunter2"))
        await fixture.closeAll()
    }
}
