import Foundation
import MinqingCore
import MinqingStore

extension CaseStoreConformance {
    /// A stored value this version does not know — a status or notification state written by a newer version on a
    /// shared database during a rolling upgrade, or a hand edit — fails the read that meets it with
    /// `CaseStoreError.unreadableValue` naming the column and the value, and nothing else: the process goes on, the
    /// other rows are served. `execute` runs one SQL statement on the store's database behind its back (each store's
    /// test does it its own way); the statements are plain SQL both databases accept.
    public static func unknownStoredValues(_ open: Opener, execute: @Sendable (String) async throws -> Void) async throws {
        let (store, ids) = try await outboxFixture(open, cases: 2, targets: ["a"])
        let odd = ids[0], fine = ids[1]
        try await execute("UPDATE outbox SET state = 'archived' WHERE case_id = '\(odd)'")
        try await execute("UPDATE audit_events SET to_status = 'archived' WHERE case_id = '\(odd)'")
        try await execute("UPDATE cases SET status = 'archived' WHERE id = '\(odd)'")

        try await requireUnreadable("outbox.state", "archived", "the outbox list") {
            _ = try await store.outboxEntries(state: nil, limit: 10)
        }
        let claimed = try await store.claimNotifications(dueAt: start.addingTimeInterval(60), leaseUntil: start.addingTimeInterval(360), limits: ["a": 10])
        try requireEqual(claimed.map(\.caseID), [fine], "the dispatcher still claims the other case's notification")
        try await requireUnreadable("audit_events.to_status", "archived", "the audit trail") {
            _ = try await store.auditTrail(of: odd)
        }
        try requireEqual(try await store.auditTrail(of: fine).count, 1, "another case's audit trail reads as before")
        // The message of the odd case, delivered again: its receipt names the stored status.
        let again = try await store.ingest([message("out-0")], at: start.addingTimeInterval(120))
        do {
            _ = try again[0].get()
            throw ConformanceFailure("a redelivered message of the odd case got a receipt")
        } catch let error as CaseStoreError {
            try requireEqual(error, .unreadableValue(place: "cases.status", value: "archived"), "the redelivery's error")
        }
        try require("\(CaseStoreError.unreadableValue(place: "cases.status", value: "archived"))".contains("同一版本"), "the error says what to do")
    }

    private static func requireUnreadable(
        _ place: String, _ value: String, _ what: String, _ read: () async throws -> Void
    ) async throws {
        do {
            try await read()
            throw ConformanceFailure("\(what) read the unknown \(place) without an error")
        } catch let error as CaseStoreError {
            try requireEqual(error, .unreadableValue(place: place, value: value), "\(what): the error names the column and the value")
        }
    }
}
