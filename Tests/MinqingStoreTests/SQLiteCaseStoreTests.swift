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
