import Foundation
import Logging
import MinqingTesting
import PostgresNIO
import Testing

@testable import MinqingStorePostgres

@Suite("PostgreSQL migrations and the statement timeout", .timeLimit(.minutes(3)))
struct MigrationTimeoutTests {
    @Test("a migration that waits for another instance's migration far past the statement timeout still completes")
    func migrationOutlastsStatementTimeout() async throws {
        let fixture = try await PostgresFixture()
        let settings = {
            var s = fixture.settings
            s.statementTimeout = 0.001  // 1 ms: any wait for the lock is longer
            return s
        }()
        let logger = Logger(label: "test.migration-lock")
        let holder = PostgresClient(configuration: try PostgresCaseStore.clientConfiguration(fixture.settings), backgroundLogger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await holder.run() }
            try await holder.withConnection { c in
                // Another instance is migrating: it holds the migration lock.
                _ = try await c.query("SELECT pg_advisory_lock(\(PostgresMigrations.migrationLock))", logger: logger).collect()
                let migration = Task { try await PostgresCaseStore.migrate(settings: settings) }
                // Until the new instance is seen waiting for that lock (an event in the server, not a sleep) …
                var waiting = 0
                while waiting == 0 {
                    for try await n in try await c.query(
                        "SELECT count(*)::int FROM pg_locks WHERE locktype = 'advisory' AND NOT granted", logger: logger
                    ).decode(Int.self) { waiting = n }
                }
                // … and then 50 times its statement timeout longer.
                _ = try await c.query("SELECT pg_sleep(0.05)", logger: logger).collect()
                _ = try await c.query("SELECT pg_advisory_unlock(\(PostgresMigrations.migrationLock))", logger: logger).collect()
                let applied = try await migration.value
                #expect(applied == PostgresCaseStore.migrationNames, "every step applied once the lock was free")
            }
            group.cancelAll()
        }
        await fixture.closeAll()
    }
}
