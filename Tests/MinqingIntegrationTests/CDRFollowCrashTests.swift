import Foundation
import HotlineAdapter
import MinqingConfig
import MinqingCore
import MinqingStore
import MinqingTesting
import Testing

/// Polls `condition` (waiting on another process) until it holds or `limit` passes.
func eventually(within limit: Duration, _ what: String, _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + limit
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(20))
    }
    throw TestFailure("timed out waiting for \(what)")
}

@Suite("Asterisk CDR follower crash", .serialized, .timeLimit(.minutes(8)))
struct CDRFollowCrashTests {
    @Test("kill -9 of minqing serve while it follows Master.csv, then a restart, neither skips nor repeats a line")
    func killNineWhileFollowing() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("minqing-cdr-crash-\(UUID().uuidString)")
        let data = root.appendingPathComponent("data")
        let cdr = root.appendingPathComponent("cdr-csv")
        try FileManager.default.createDirectory(at: cdr, withIntermediateDirectories: true)
        let file = cdr.appendingPathComponent("Master.csv")
        let fixture = MasterCSVFixture.generate(count: 3_000, phones: 300, seed: 7)
        let firstPart = fixture.text(0..<2_500)
        try Data(firstPart.utf8).write(to: file)
        let source = CDRFollower.source(for: file.path)
        let env = ["MINQING_CDR_FILE": file.path]

        let hub = try await HubProcess(data: data, environment: env)
        let ledger = try SQLiteCaseStore(path: data.appendingPathComponent("minqing.sqlite").path)
        try await eventually(within: .seconds(120), "the first durable batch") {
            (try await ledger.cursor(for: source)?.line ?? 0) > 0
        }
        hub.kill9()
        let killedAt = try #require(try await ledger.cursor(for: source))
        #expect(killedAt.line < 2_500, "killed while lines were still waiting")

        // More lines arrive while the hub is down.
        let handle = try FileHandle(forWritingTo: file)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(fixture.text(2_500..<3_000).utf8))
        try handle.close()
        let size = Int64(try FileManager.default.attributesOfItem(atPath: file.path)[.size] as! Int)

        let restarted = try await HubProcess(data: data, environment: env)
        try await eventually(within: .seconds(180), "every line taken after the restart") {
            try await ledger.cursor(for: source)?.offset == size
        }
        restarted.terminate()

        // The same file taken by a hub that never crashed is the reference.
        let config = try ConfigLoader.load(from: repoRoot.appendingPathComponent("Config/example"),
                                           environment: ["MINQING_API_TOKEN": HubProcess.token])
        let reference = try SQLiteCaseStore(path: root.appendingPathComponent("reference/minqing.sqlite").path,
                                            settings: LedgerSettings(factory: CaseFactory(vocabulary: config.vocabulary)))
        let hotline = HotlineIntake(settings: config.hotline!, intake: IntakeService(store: reference), store: reference)
        _ = try await CallFileImport(taker: CallRowTaker(hotline: hotline, source: source), format: .asterisk(AsteriskCDRFormat()))
            .run(try Data(contentsOf: file))

        let crashed = try await Self.ledgerShape(ledger, fixture)
        let clean = try await Self.ledgerShape(reference, fixture)
        #expect(clean.cases.count > 1_000 && !clean.calls.values.contains("missing"), "the reference took every good line")
        #expect(crashed.cases.count == clean.cases.count)
        #expect(crashed.calls == clean.calls, "every line's call record, with its case role")
        for (ref, trail) in clean.cases where crashed.cases[ref] != trail {
            Issue.record("case \(ref): after the crash \(crashed.cases[ref] ?? []), without a crash \(trail)")
        }
    }

    /// Source reference → status and audit actions of every case; call id → role of every good line's call.
    static func ledgerShape(_ store: SQLiteCaseStore, _ fixture: MasterCSVFixture) async throws -> (cases: [String: [String]], calls: [String: String]) {
        var cases: [String: [String]] = [:]
        var q = CaseQuery()
        q.limit = CaseQuery.maxLimit
        while true {
            q.offset = cases.count
            let page = try await store.searchCases(q)
            for c in page.items {
                cases[c.sourceRef] = [c.status.rawValue] + (try await store.auditTrail(of: c.id)).map(\.action)
            }
            if page.items.isEmpty || cases.count >= page.total { break }
        }
        var calls: [String: String] = [:]
        for call in fixture.calls where !call.broken {
            calls[call.uniqueID] = try await store.call(call.uniqueID).map { $0.role ?? "recorded" } ?? "missing"
        }
        return (cases, calls)
    }
}
