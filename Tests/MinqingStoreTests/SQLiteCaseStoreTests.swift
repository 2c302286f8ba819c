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
        #expect(try await store.fetchCase(receipt.caseID) != nil)
        #expect(try await store.fingerprint(of: receipt.caseID) == nil)
        #expect(try await store.relatedCases(of: receipt.caseID).isEmpty)
    }
}
