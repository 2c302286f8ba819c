import Foundation
import HotlineAdapter
import Logging
import MinqingCore
import MinqingStore
import MinqingTesting
import Testing

/// Waits for the follower's progress events (no sleeping): returns once `done` says so, fails after `limit` events.
final class ProgressEvents: Sendable {
    let stream: AsyncStream<SourceCursor>
    let continuation: AsyncStream<SourceCursor>.Continuation

    init() { (stream, continuation) = AsyncStream.makeStream(of: SourceCursor.self) }

    func wait(until done: (SourceCursor) -> Bool) async -> SourceCursor? {
        for await cursor in stream where done(cursor) { return cursor }
        return nil
    }
}

// A hang guard, not a speed check: 10,000 lines through the real ledger take minutes on a loaded 2-core machine.
@Suite("Asterisk Master.csv, 10,000 lines", .timeLimit(.minutes(10)))
struct MasterCSVTests {
    static let fixture = MasterCSVFixture.generate(count: 10_000, phones: 700, seed: 20261116)
    static let split = 5_000

    @Test("followed across a rotation, the file yields the right cases and call-backs; bad rows are kept; importing it again changes nothing")
    func followRotateAndReimport() async throws {
        let kit = try HotlineKit(now: Date(iso: "2026-11-21T08:00:00+08:00"))
        let fixture = Self.fixture
        let folder = kit.folder.appendingPathComponent("cdr-csv")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("Master.csv").path
        let firstPart = fixture.text(0..<Self.split)
        let secondPart = fixture.text(Self.split..<fixture.lines.count)
        // The first half is written in two pieces, the second cut inside a record (a writer mid-line).
        let cut = firstPart.utf8.count / 2 + 7
        try Data(firstPart.utf8.prefix(cut)).write(to: URL(fileURLWithPath: path))

        let events = ProgressEvents()
        let follower = CDRFollower(
            path: path, format: AsteriskCDRFormat(), hotline: kit.hotline, ledger: kit.store,
            pollInterval: .milliseconds(5), onProgress: { events.continuation.yield($0) })
        let task = Task { try await follower.follow() }
        defer { task.cancel() }

        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(firstPart.utf8.dropFirst(cut)))
        try handle.close()
        let before = await events.wait { $0.line == Self.split }
        #expect(before?.offset == Int64(firstPart.utf8.count))
        // Rotation: Master.csv → Master.csv.1, a new Master.csv takes the rest.
        try FileManager.default.moveItem(atPath: path, toPath: path + ".1")
        try Data(secondPart.utf8).write(to: URL(fileURLWithPath: path))
        let after = await events.wait { $0.line == fixture.lines.count - Self.split && $0.offset == Int64(secondPart.utf8.count) }
        #expect(after != nil)
        task.cancel()

        let expected = fixture.expected()
        let cases = try await kit.allCases()
        let notesCases = cases.filter { $0.subject.hasPrefix("热线来电") }
        let callbacks = cases.filter { $0.subject.hasPrefix("未接来电回拨") }
        #expect(notesCases.count == expected.notesCases)
        #expect(callbacks.count == expected.callbacks)
        #expect(cases.count == expected.notesCases + expected.callbacks)
        #expect(callbacks.filter { $0.status == .closed }.count == expected.closed)
        #expect(callbacks.filter { $0.status == .assigned }.count == expected.stillOpen)
        let folded = try await withThrowingTaskGroup(of: Int.self) { group in
            for c in callbacks { group.addTask { try await kit.store.auditTrail(of: c.id).filter { $0.action == "message" }.count } }
            return try await group.reduce(0, +)
        }
        #expect(folded == expected.folded)
        // Every good line has its call record; the broken ones are kept with line, column and field.
        let good = fixture.calls.filter { !$0.broken }
        for call in good.prefix(400) { #expect(try await kit.store.call(call.uniqueID) != nil, "line \(call.line)") }
        let source = CDRFollower.source(for: path)
        let rejected = try await kit.store.rejectedInputs(source: source, limit: 100)
        let brokenLines = fixture.calls.filter(\.broken).map(\.line)
        let rejectedLines = rejected.compactMap(\.line)
        #expect(Set(rejectedLines) == Set(brokenLines.map { $0 <= Self.split ? $0 : $0 - Self.split }))
        #expect(rejected.allSatisfy { $0.column == 10 && $0.field == "start" })
        // Notes with quoted commas and doubled quotes arrive intact.
        #expect(notesCases.contains { $0.body == "路灯不亮,青山村五组,共3盏" })
        #expect(notesCases.contains { $0.body.contains("\"希望尽快处理\"") })

        // Importing the same history again changes nothing.
        let audit = try await auditCount(kit, cases)
        let importer = CallFileImport(taker: CallRowTaker(hotline: kit.hotline, source: source), format: .asterisk(AsteriskCDRFormat()))
        for part in [firstPart, secondPart] { _ = try await importer.run(Data(part.utf8)) }
        let again = try await kit.allCases()
        #expect(Set(again) == Set(cases), "every case unchanged, version included")
        #expect(try await auditCount(kit, again) == audit)
        #expect(try await kit.store.rejectedInputs(source: source, limit: 100).count == rejected.count)
    }

    func auditCount(_ kit: HotlineKit, _ cases: [CaseRecord]) async throws -> Int {
        try await withThrowingTaskGroup(of: Int.self) { group in
            for c in cases { group.addTask { try await kit.store.auditTrail(of: c.id).count } }
            return try await group.reduce(0, +)
        }
    }
}

@Suite("Asterisk CDR follower restarts", .timeLimit(.minutes(5)))
struct CDRFollowerRestartTests {
    @Test("a file rotated while the follower was stopped is finished from the cursor before the new file is started")
    func rotatedWhileStopped() async throws {
        let kit = try HotlineKit(now: Date(iso: "2026-11-21T08:00:00+08:00"))
        let fixture = MasterCSVFixture.generate(count: 1_500, phones: 200, seed: 99, brokenEvery: 10_000)
        let path = kit.folder.appendingPathComponent("Master.csv").path
        try Data(fixture.text(0..<1_000).utf8).write(to: URL(fileURLWithPath: path))
        func follower(_ events: ProgressEvents) -> CDRFollower {
            CDRFollower(path: path, format: AsteriskCDRFormat(), hotline: kit.hotline, ledger: kit.store,
                        pollInterval: .milliseconds(5), batchSize: 300, onProgress: { events.continuation.yield($0) })
        }
        let first = ProgressEvents()
        let task = Task { try await follower(first).follow() }
        _ = await first.wait { $0.line == 1_000 }
        task.cancel()
        _ = try? await task.value

        // While stopped: the PBX writes 200 more lines, then the log is rotated and a new file begins.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(fixture.text(1_000..<1_200).utf8))
        try handle.close()
        try FileManager.default.moveItem(atPath: path, toPath: path + ".1")
        try Data(fixture.text(1_200..<1_500).utf8).write(to: URL(fileURLWithPath: path))

        let second = ProgressEvents()
        let again = Task { try await follower(second).follow() }
        defer { again.cancel() }
        let resumed = await second.wait { _ in true }
        #expect(resumed?.line == 1_200, "the rotated file is finished first, from where the cursor stood")
        _ = await second.wait { $0.line == 300 && $0.fileID == CDRFollower.fileID(atPath: path)?.id }
        for call in fixture.calls {
            #expect(try await kit.store.call(call.uniqueID) != nil, "line \(call.line)")
        }
    }
}
