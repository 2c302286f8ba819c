import Foundation
import MinqingCore
import MinqingTesting
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
        try await RelatedCaseConformance.oneFailingCaseInABatch({ try await fixture.open($0) }) { bad in
            // A trigger stands in for whatever may fail: a full disk, a broken index, a bug.
            try await fixture.execute(
                """
                CREATE FUNCTION refuse_fingerprint() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN IF NEW.case_id = '\(bad.description)' THEN RAISE EXCEPTION 'refused for the test'; END IF; RETURN NEW; END $$
                """,
                "CREATE TRIGGER refuse_fingerprint BEFORE INSERT ON case_fingerprints FOR EACH ROW EXECUTE FUNCTION refuse_fingerprint()")
        }
        await fixture.closeAll()
    }

    @Test("a queued case whose document is not JSON is set aside; detection goes on with the rest of the queue")
    func unreadableQueuedCaseDoesNotStallDetection() async throws {
        let fixture = try await PostgresFixture()
        try await RelatedCaseConformance.unreadableCaseInTheQueue({ try await fixture.open($0) }) { bad in
            // What a half-restored dump or a hand edit may leave behind (the column is text).
            try await fixture.execute("UPDATE cases SET doc = '{\"id\": \"' WHERE id = '\(bad.description)'")
        }
        await fixture.closeAll()
    }
}
