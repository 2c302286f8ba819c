import Foundation
import GRDB
import MinqingCore

extension SQLiteCaseStore {
    /// v3: outbox rows that belong to no single case (nullable `case_id`, a JSON `context`), and the scheduler's
    /// job key, unique per target, so a job computed again after a restart writes nothing twice.
    static func migrateScheduledJobs(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE outbox_v3 (
                id TEXT PRIMARY KEY,
                case_id TEXT REFERENCES cases(id),
                target TEXT NOT NULL,
                event TEXT NOT NULL,
                recipients TEXT NOT NULL,
                snapshot TEXT,
                state TEXT NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_at REAL NOT NULL,
                created_at REAL NOT NULL,
                updated_at REAL NOT NULL,
                last_error TEXT,
                lease_until REAL,
                delivered_at REAL,
                context TEXT,
                job_key TEXT
            );
            INSERT INTO outbox_v3 (id, case_id, target, event, recipients, snapshot, state, attempts, next_attempt_at,
              created_at, updated_at, last_error, lease_until, delivered_at)
              SELECT id, case_id, target, event, recipients, snapshot, state, attempts, next_attempt_at,
              created_at, updated_at, last_error, lease_until, delivered_at FROM outbox;
            DROP TABLE outbox;
            ALTER TABLE outbox_v3 RENAME TO outbox;
            CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
            CREATE UNIQUE INDEX outbox_job ON outbox (job_key, target) WHERE job_key IS NOT NULL;
            CREATE INDEX outbox_target_due ON outbox (target, state, next_attempt_at);
            CREATE INDEX outbox_leased ON outbox (target, lease_until) WHERE lease_until IS NOT NULL;
            """)
    }

    public func enqueueScheduled(_ items: [ScheduledNotification], at now: Date) async throws -> Int {
        guard !items.isEmpty else { return 0 }
        defer { settings.outboxSignal.notify() }
        return try await pool.write { db in
            var written = 0
            for item in items {
                var snapshot: String?
                if let id = item.caseID {
                    guard let record = try self.loadCase(id.description, db) else { continue }
                    snapshot = try self.document(record)
                }
                try db.execute(
                    sql: """
                        INSERT OR IGNORE INTO outbox (id, case_id, target, event, recipients, snapshot, context, job_key,
                          state, next_attempt_at, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,'pending',?,?,?)
                        """,
                    arguments: [
                        UUID().uuidString.lowercased(), item.caseID?.description, item.target, item.event,
                        String(decoding: try self.encoder.encode(item.recipients), as: UTF8.self), snapshot,
                        item.context, item.jobKey,
                        now.timeIntervalSince1970, now.timeIntervalSince1970, now.timeIntervalSince1970,
                    ])
                written += db.changesCount
            }
            return written
        }
    }

    public func writtenJobKeys(_ keys: Set<String>) async throws -> Set<String> {
        let keys = Array(keys)
        return try await pool.read { db in
            var written = Set<String>()
            for start in stride(from: 0, to: keys.count, by: 500) {
                let chunk = Array(keys[start..<min(keys.count, start + 500)])
                written.formUnion(try String.fetchAll(
                    db, sql: "SELECT DISTINCT job_key FROM outbox WHERE job_key IN (\(chunk.map { _ in "?" }.joined(separator: ",")))",
                    arguments: StatementArguments(chunk)))
            }
            return written
        }
    }

    public func scheduleCases(deadlineBefore: Date) async throws -> [CaseRecord] {
        let statuses = CaseStatus.underDeadline.map { "'\($0.rawValue)'" }.joined(separator: ",")
        return try await pool.read { db in
            try String.fetchAll(
                db,
                cached: """
                    SELECT doc FROM cases WHERE status IN (\(statuses)) AND deadline < ?
                    UNION ALL SELECT doc FROM cases WHERE status = 'replied'
                    """,
                arguments: [deadlineBefore.timeIntervalSince1970]
            ).map { try self.decoder.decode(CaseRecord.self, from: Data($0.utf8)) }
        }
    }

    public func openCases(inVillages villages: [String], limit: Int) async throws -> (total: Int, cases: [CaseRecord]) {
        guard !villages.isEmpty else { return (0, []) }
        let statuses = CaseStatus.open.map { "'\($0.rawValue)'" }.joined(separator: ",")
        let filter = "village IN (\(villages.map { _ in "?" }.joined(separator: ","))) AND status IN (\(statuses))"
        return try await pool.read { db in
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM cases WHERE \(filter)", arguments: StatementArguments(villages)) ?? 0
            let docs = try String.fetchAll(
                db, sql: "SELECT doc FROM cases WHERE \(filter) ORDER BY id LIMIT ?",
                arguments: StatementArguments(villages as [any DatabaseValueConvertible] + [max(limit, 0)]))
            return (total, try docs.map { try self.decoder.decode(CaseRecord.self, from: Data($0.utf8)) })
        }
    }

    public func digestCounts(from: Date, to: Date) async throws -> DigestCounts {
        let open = CaseStatus.open.map { "'\($0.rawValue)'" }.joined(separator: ",")
        return try await pool.read { db in
            let range: StatementArguments = [from.timeIntervalSince1970, to.timeIntervalSince1970]
            return DigestCounts(
                open: try Int.fetchOne(db, cached: "SELECT COUNT(*) FROM cases WHERE status IN (\(open))") ?? 0,
                openRegistered: try Int.fetchOne(
                    db, cached: "SELECT COUNT(*) FROM cases WHERE status IN (\(open)) AND registered_at >= ? AND registered_at < ?",
                    arguments: range) ?? 0,
                closed: try Int.fetchOne(
                    db, cached: "SELECT COUNT(*) FROM cases WHERE status = 'closed' AND updated_at >= ? AND updated_at < ?",
                    arguments: range) ?? 0)
        }
    }
}
