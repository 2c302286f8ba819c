import Foundation
import Logging
import MinqingCore
import MinqingTesting
import PostgresNIO
import Testing

@testable import MinqingStorePostgres

/// PostgreSQL compares a detection batch in a handful of statements; when one of them fails, the batch is undone and
/// compared case by case, so only the case that fails stays without links.
@Suite("PostgreSQL repeat detection in batches", .enabled(if: Peers.postgresRunnable, Comment(rawValue: Peers.postgresHint)),
       .timeLimit(.minutes(3)))
struct RepeatBatchFailureTests {
    @Test("a case whose comparison fails stays without links; the rest of its batch is linked and warned as usual")
    func failingCaseLeavesTheBatchLinked() async throws {
        let fixture = try await PostgresFixture()
        let settings = fixture.settings
        try await RelatedCaseConformance.oneFailingCaseInABatch({ try await fixture.open($0) }) { bad in
            // A trigger stands in for whatever may fail: a full disk, a broken index, a bug.
            let logger = Logger(label: "test.repeat-batch")
            let client = PostgresClient(configuration: try PostgresCaseStore.clientConfiguration(settings), backgroundLogger: logger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await client.run() }
                try await client.withConnection { c in
                    _ = try await c.query(PostgresQuery(unsafeSQL: """
                        CREATE FUNCTION refuse_fingerprint() RETURNS trigger LANGUAGE plpgsql AS $$
                        BEGIN IF NEW.case_id = '\(bad.description)' THEN RAISE EXCEPTION 'refused for the test'; END IF; RETURN NEW; END $$
                        """), logger: logger).collect()
                    _ = try await c.query("""
                        CREATE TRIGGER refuse_fingerprint BEFORE INSERT ON case_fingerprints
                        FOR EACH ROW EXECUTE FUNCTION refuse_fingerprint()
                        """, logger: logger).collect()
                }
                group.cancelAll()
            }
        }
        await fixture.closeAll()
    }
}
