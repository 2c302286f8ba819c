import Foundation
import GRDB
import MinqingCore
import MinqingStore
import MinqingTesting
import Testing

@Suite("SQLite case store")
struct SQLiteCaseStoreTests {
    static func tempPath() -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("minqing-store-\(UUID().uuidString)")
        return dir.appendingPathComponent("ledger.sqlite").path
    }

    @Test("conforms to the CaseStore contract", arguments: CaseStoreConformance.checks)
    func conforms(_ check: CaseStoreConformance.Check) async throws {
        try await check.run {
            let path = Self.tempPath()
            return { settings in try SQLiteCaseStore(path: path, settings: settings) }
        }
    }

    @Test("conforms to the HotlineLedger contract", arguments: CaseStoreConformance.hotlineChecks)
    func conformsHotline(_ check: CaseStoreConformance.Check) async throws {
        try await check.run {
            let path = Self.tempPath()
            return { settings in try SQLiteCaseStore(path: path, settings: settings) }
        }
    }

    @Test("conforms to the AccountStore contract", arguments: AccountStoreConformance.checks)
    func conformsAccounts(_ check: AccountStoreConformance.Check) async throws {
        try await check.run { try SQLiteCaseStore(path: Self.tempPath()) }
    }

    @Test("the ledger runs in WAL mode with full fsync")
    func walAndFullSync() async throws {
        let path = Self.tempPath()
        _ = try SQLiteCaseStore(path: path)
        let pool = try DatabasePool(path: path)
        let mode = try await pool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
        let store = try SQLiteCaseStore(path: path)
        try await store.checkReady()
        // 2 = FULL: the log is fsync'd at every commit (GRDB's WAL setup had silently lowered it to NORMAL).
        #expect(try await store.writerSynchronousLevel() == 2)
    }

    @Test("the writer's page cache is large enough for a group commit; each reader's is small, so memory stays bounded")
    func pageCachesBounded() async throws {
        let sizes = try await SQLiteCaseStore(path: Self.tempPath()).pageCacheSizes()
        #expect(sizes.writer == -65536, "64 MB")
        #expect(sizes.reader == -8192, "8 MB")
    }

    @Test("a grown warning finds its last update through the job-key index, not by walking the target's whole outbox")
    func warningUpdateLookupUsesJobIndex() async throws {
        let store = try SQLiteCaseStore(path: Self.tempPath())
        let plan = try await store.explainLastWarningUpdate()
        #expect(plan.contains { $0.contains("USING INDEX outbox_job (job_key>? AND job_key<?)") }, "plan: \(plan)")
        #expect(!plan.contains { $0.contains("outbox_target_due") }, "plan: \(plan)")
    }

    @Test("a write-ahead log past its limit is checkpointed into the ledger and truncated; a small one is left alone")
    func walCheckpointTruncates() async throws {
        let store = try SQLiteCaseStore(path: Self.tempPath())
        let now = Date(timeIntervalSince1970: 1_780_000_000)
        let body = String(repeating: "村口路灯坏了一个多月，晚上出行很不方便，请尽快维修。", count: 40)
        var ids: [CaseID] = []
        for batch in 0..<20 {
            let messages = (0..<50).map { i in
                InboundMessage(
                    channel: .webform, sourceRef: "wal-\(batch)-\(i)", complainant: Complainant(name: "李桂芳", phone: "13912345678"),
                    village: nil, category: nil, subject: "路灯不亮", body: body,
                    raw: Data(body.utf8), rawContentType: "text/plain")
            }
            ids += try await store.ingest(messages, at: now).map { try $0.get().caseID }
        }
        let grown = store.walSize
        #expect(grown > 1 << 20, "1,000 cases of 2 KB fill the log")
        #expect(try await store.checkpointWAL(ifLargerThan: grown + 1) == nil, "a log within its limit is left alone")

        let done = try #require(try await store.checkpointWAL(ifLargerThan: 1 << 20))
        #expect(done.complete && done.bytesBefore == grown && done.bytesAfter == 0)
        #expect(store.walSize == 0)
        #expect(Set(ids).count == 1_000)
        for id in [ids[0], ids[499], ids[999]] {
            #expect(try await store.fetchCase(id)?.subject == "路灯不亮", "the cases are in the ledger file")
        }
        let reopened = try SQLiteCaseStore(path: store.path)
        #expect(try await reopened.fetchCase(ids[999]) != nil)
    }

    @Test("a status or notification state this version does not know fails the read that meets it, not the process")
    func unknownStoredValuesFailTheRead() async throws {
        let path = SQLiteCaseStoreTests.tempPath()
        try await CaseStoreConformance.unknownStoredValues({ try SQLiteCaseStore(path: path, settings: $0) }) { sql in
            let pool = try DatabasePool(path: path)
            try await pool.write { db in try db.execute(sql: sql) }
        }
    }
}

@Suite("SQLite related cases and warnings")
struct SQLiteRelatedCaseTests {
    @Test("conforms to the RelatedCaseStore and WarningStore contracts", arguments: RelatedCaseConformance.checks)
    func conforms(_ check: RelatedCaseConformance.Check) async throws {
        try await check.run {
            let path = SQLiteCaseStoreTests.tempPath()
            return { settings in try SQLiteCaseStore(path: path, settings: settings) }
        }
    }
}

@Suite("SQLite statistics")
struct SQLiteStatisticsTests {
    @Test("conforms to the LedgerStatistics contract", arguments: StatisticsConformance.checks)
    func conforms(_ check: StatisticsConformance.Check) async throws {
        try await check.run {
            let path = SQLiteCaseStoreTests.tempPath()
            return { settings in try SQLiteCaseStore(path: path, settings: settings) }
        }
    }
}

extension SQLiteRelatedCaseTests {
    @Test("a failure in repeat detection never loses the case: it commits without links")
    func detectionFailureKeepsTheCase() async throws {
        let path = SQLiteCaseStoreTests.tempPath()
        var settings = LedgerSettings(factory: CaseFactory(vocabulary: CaseStoreConformance.vocabulary))
        settings.warnings = WarningSettings()
        let store = try SQLiteCaseStore(path: path, settings: settings)
        // Break the index under the store's feet.
        let pool = try DatabasePool(path: path)
        try await pool.write { db in try db.execute(sql: "DROP TABLE case_bands") }
        let message = InboundMessage(channel: .webform, sourceRef: "broken-1", village: "青山村",
                                     body: "青山村三组从昨天早上开始停水，请尽快恢复供水。", raw: Data("x".utf8))
        let receipt = try await store.ingest([message], at: CaseStoreConformance.start)[0].get()
        #expect(receipt.created)
        #expect(try await store.detectPendingRepeats(limit: 10, at: CaseStoreConformance.start) == 1)
        #expect(try await store.pendingRepeatCount() == 0, "a case that failed detection is not retried forever")
        #expect(try await store.fetchCase(receipt.caseID) != nil)
        #expect(try await store.fingerprint(of: receipt.caseID) == nil)
        #expect(try await store.relatedCases(of: receipt.caseID).isEmpty)
    }

    @Test("a case whose comparison fails stays without links; the rest of its detection batch is linked and warned as usual")
    func failingCaseLeavesTheBatchLinked() async throws {
        let path = SQLiteCaseStoreTests.tempPath()
        try await RelatedCaseConformance.oneFailingCaseInABatch({ try SQLiteCaseStore(path: path, settings: $0) }) { bad in
            // A trigger stands in for whatever may fail: a full disk, a broken index, a bug.
            let pool = try DatabasePool(path: path)
            try await pool.write { db in
                try db.execute(sql: """
                    CREATE TRIGGER refuse_fingerprint BEFORE INSERT ON case_fingerprints WHEN NEW.case_id = '\(bad.description)'
                    BEGIN SELECT RAISE(ABORT, 'refused for the test'); END
                    """)
            }
        }
    }

    @Test("a queued case whose document is not JSON is set aside; detection goes on with the rest of the queue")
    func unreadableQueuedCaseDoesNotStallDetection() async throws {
        let path = SQLiteCaseStoreTests.tempPath()
        try await RelatedCaseConformance.unreadableCaseInTheQueue({ try SQLiteCaseStore(path: path, settings: $0) }) { bad in
            // What a half-restored backup or a hand edit of the file may leave behind.
            let pool = try DatabasePool(path: path)
            try await pool.write { db in
                try db.execute(sql: "UPDATE cases SET doc = '{\"id\": \"' WHERE id = ?", arguments: [bad.description])
            }
        }
    }

    @Test("a case queued for repeat detection survives a restart and is compared once, after it")
    func queuedCaseSurvivesRestart() async throws {
        let path = SQLiteCaseStoreTests.tempPath()
        var settings = LedgerSettings(factory: CaseFactory(vocabulary: CaseStoreConformance.vocabulary))
        settings.warnings = WarningSettings()
        let texts = ["青山村三组从昨天早上开始停水，到现在还没有来水，请尽快恢复供水。",
                     "我是青山村三组村民，我们组从昨天早上停水到现在，一直没来水，请尽快恢复供水。"]
        var ids: [CaseID] = []
        do {
            let store = try SQLiteCaseStore(path: path, settings: settings)
            for (i, text) in texts.enumerated() {
                let m = InboundMessage(channel: .webform, sourceRef: "restart-\(i)", village: "青山村", body: text, raw: Data(text.utf8))
                ids.append(try await store.ingest([m], at: CaseStoreConformance.start.addingTimeInterval(Double(i) * 60))[0].get().caseID)
            }
            #expect(try await store.pendingRepeatCount() == 2)
        }  // the process ends before its detector ran
        let reopened = try SQLiteCaseStore(path: path, settings: settings)
        #expect(try await reopened.pendingRepeatCount() == 2, "the queue is in the ledger file")
        #expect(try await reopened.detectPendingRepeats(limit: 16, at: CaseStoreConformance.start) == 2)
        #expect(try await reopened.detectPendingRepeats(limit: 16, at: CaseStoreConformance.start) == 0)
        #expect(try await reopened.relatedCases(of: ids[1]).map(\.caseID) == [ids[0]])
        #expect(try await reopened.fingerprint(of: ids[0]) != nil)
    }
}
