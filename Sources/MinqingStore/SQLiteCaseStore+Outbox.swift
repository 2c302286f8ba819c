import Foundation
import GRDB
import MinqingCore

extension SQLiteCaseStore {
    /// v2: leases, delivery attempts and target states. (The outbox's claim indexes are made by v3, which rebuilds
    /// the table.)
    static func migrateDispatch(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE outbox ADD COLUMN lease_until REAL;
            ALTER TABLE outbox ADD COLUMN delivered_at REAL;
            CREATE TABLE delivery_attempts (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                notification_id TEXT NOT NULL REFERENCES outbox(id),
                target TEXT NOT NULL,
                number INTEGER NOT NULL,
                started_at REAL NOT NULL,
                result TEXT NOT NULL,
                http_status INTEGER,
                latency_ms INTEGER,
                detail TEXT
            );
            CREATE INDEX delivery_attempts_notification ON delivery_attempts (notification_id, id);
            CREATE INDEX delivery_attempts_target ON delivery_attempts (target, started_at);
            CREATE TABLE target_states (
                name TEXT PRIMARY KEY,
                disabled_at REAL,
                disabled_reason TEXT,
                paused_until REAL
            );
            """)
    }

    public func outboxEntries(state: OutboxEntry.State?, limit: Int) async throws -> [OutboxEntry] {
        try await pool.read { db in
            let rows: [Row]
            if let state {
                rows = try Row.fetchAll(
                    db, cached: "SELECT * FROM outbox WHERE state = ? ORDER BY created_at, id LIMIT ?",
                    arguments: [state.rawValue, limit])
            } else {
                rows = try Row.fetchAll(db, cached: "SELECT * FROM outbox ORDER BY created_at, id LIMIT ?", arguments: [limit])
            }
            return try rows.map(self.outboxEntry(from:))
        }
    }

    public func outboxEntry(id: String) async throws -> OutboxEntry? {
        try await pool.read { db in
            try Row.fetchOne(db, cached: "SELECT * FROM outbox WHERE id = ?", arguments: [id]).map(self.outboxEntry(from:))
        }
    }

    public func claimNotifications(dueAt now: Date, leaseUntil: Date, limits: [String: Int]) async throws -> [OutboxEntry] {
        let wanted = limits.filter { $0.value > 0 }.sorted { $0.key < $1.key }
        guard !wanted.isEmpty else { return [] }
        return try await pool.write { db in
            var claimed: [OutboxEntry] = []
            for (target, limit) in wanted {
                // One index range per state, read in due order (no sort of a large backlog), then merged.
                var rows: [Row] = []
                for state in ["retrying", "pending"] {
                    rows += try Row.fetchAll(
                        db,
                        cached: """
                            SELECT * FROM outbox INDEXED BY outbox_target_due
                            WHERE target = ? AND state = ? AND next_attempt_at <= ?
                              AND (lease_until IS NULL OR lease_until <= ?)
                            ORDER BY next_attempt_at LIMIT ?
                            """,
                        arguments: [target, state, now.timeIntervalSince1970, now.timeIntervalSince1970, limit])
                }
                let due = try rows.map(self.outboxEntry(from:)).sorted { ($0.nextAttemptAt, $0.createdAt) < ($1.nextAttemptAt, $1.createdAt) }
                claimed += due.prefix(limit)
            }
            for entry in claimed {
                try db.execute(
                    cached: "UPDATE outbox SET lease_until = ? WHERE id = ?",
                    arguments: [leaseUntil.timeIntervalSince1970, entry.id])
            }
            return claimed
        }
    }

    public func abandonNotifications(targetsNotIn known: Set<String>, reason: String, at now: Date) async throws -> Int {
        let (clause, names) = Self.targetList(known)
        return try await pool.write { db in
            try db.execute(
                sql: """
                    UPDATE outbox SET state = 'dead', last_error = ?, lease_until = NULL, updated_at = ?
                    WHERE state IN ('pending', 'retrying') \(clause.isEmpty ? "" : "AND target NOT IN \(clause)")
                    """,
                arguments: StatementArguments([reason, now.timeIntervalSince1970] as [any DatabaseValueConvertible] + names))
            return db.changesCount
        }
    }

    public func releaseLeases(at now: Date) async throws {
        try await pool.write { db in
            try db.execute(
                cached: """
                    UPDATE delivery_attempts SET result = 'deferred', detail = ?
                    WHERE result = 'sending' AND started_at > ?
                      AND notification_id IN (SELECT id FROM outbox WHERE lease_until IS NOT NULL)
                    """,
                arguments: [LedgerRules.unsentReservation, now.timeIntervalSince1970])
            try db.execute(cached: "UPDATE outbox SET lease_until = NULL WHERE lease_until IS NOT NULL")
        }
    }

    public func recordDeliveries(_ records: [DeliveryRecord]) async throws {
        guard !records.isEmpty else { return }
        try await pool.write { db in
            for r in records {
                let a = r.attempt
                if let reservation = r.reservation {
                    try db.execute(
                        cached: """
                            UPDATE delivery_attempts SET result = ?, started_at = ?, http_status = ?, latency_ms = ?, detail = ?
                            WHERE id = ?
                            """,
                        arguments: [
                            a.result.rawValue, a.startedAt.timeIntervalSince1970, a.httpStatus, a.latencyMilliseconds, a.detail,
                            reservation,
                        ])
                } else {
                    try self.insertAttempt(a, db)
                }
                let updatedAt = a.startedAt.timeIntervalSince1970 + Double(a.latencyMilliseconds ?? 0) / 1000
                try db.execute(
                    cached: """
                        UPDATE outbox SET state = ?, attempts = ?, next_attempt_at = COALESCE(?, next_attempt_at),
                          last_error = ?, lease_until = NULL, updated_at = ?,
                          delivered_at = CASE WHEN ? = 'delivered' THEN ? ELSE delivered_at END
                        WHERE id = ?
                        """,
                    arguments: [
                        r.state.rawValue, a.number, r.nextAttemptAt?.timeIntervalSince1970, r.lastError, updatedAt,
                        r.state.rawValue, updatedAt, a.notificationID,
                    ])
            }
        }
    }

    public func reserveSend(
        _ attempt: DeliveryAttempt, horizon: TimeInterval, now: Date, slot: @Sendable ([Date], Date) -> Date
    ) async throws -> (reservation: Int64, sendAt: Date) {
        // One writer at a time: the history read and the reservation are one write transaction.
        try await pool.write { db in
            let history = try self.sendTimes(target: attempt.target, since: now.addingTimeInterval(-horizon), db)
            let paused = try Double.fetchOne(db, cached: "SELECT paused_until FROM target_states WHERE name = ?", arguments: [attempt.target])
            var at = slot(history, now)
            if let paused, paused > at.timeIntervalSince1970 { at = Date(timeIntervalSince1970: paused) }
            try self.insertAttempt(DeliveryAttempt(
                notificationID: attempt.notificationID, target: attempt.target, number: attempt.number,
                startedAt: at, result: .sending), db)
            return (db.lastInsertedRowID, at)
        }
    }

    public func sendTimes(target: String, since: Date) async throws -> [Date] {
        try await pool.read { db in try self.sendTimes(target: target, since: since, db) }
    }

    private func sendTimes(target: String, since: Date, _ db: Database) throws -> [Date] {
        try Double.fetchAll(
            db,
            cached: """
                SELECT started_at FROM delivery_attempts
                WHERE target = ? AND started_at >= ? AND result NOT IN ('suppressed', 'deferred') ORDER BY started_at
                """,
            arguments: [target, since.timeIntervalSince1970]
        ).map(Date.init(timeIntervalSince1970:))
    }

    public func deliveryAttempts(notificationID: String) async throws -> [DeliveryAttempt] {
        try await pool.read { db in
            try Row.fetchAll(
                db, cached: "SELECT * FROM delivery_attempts WHERE notification_id = ? ORDER BY id", arguments: [notificationID]
            ).map(Self.attempt(from:))
        }
    }

    public func caseNotifications(_ id: CaseID) async throws -> [CaseNotification] {
        try await pool.read { db in
            let entries = try Row.fetchAll(
                db, cached: "SELECT * FROM outbox WHERE case_id = ? ORDER BY created_at, id", arguments: [id.description]
            ).map(self.outboxEntry(from:))
            let attempts = try Row.fetchAll(db, cached: """
                SELECT a.* FROM delivery_attempts a JOIN outbox o ON o.id = a.notification_id
                WHERE o.case_id = ? ORDER BY a.id
                """, arguments: [id.description]).map(Self.attempt(from:))
            let byNotification = Dictionary(grouping: attempts, by: \.notificationID)
            return entries.map { CaseNotification(entry: $0, attempts: byNotification[$0.id] ?? []) }
        }
    }

    static func attempt(from row: Row) -> DeliveryAttempt {
        DeliveryAttempt(
            notificationID: row["notification_id"], target: row["target"], number: row["number"],
            startedAt: Date(timeIntervalSince1970: row["started_at"]),
            result: DeliveryAttempt.Result(rawValue: row["result"]) ?? .failed,
            httpStatus: row["http_status"], latencyMilliseconds: row["latency_ms"], detail: row["detail"])
    }

    public func nextNotificationDue(targets: Set<String>) async throws -> Date? {
        guard !targets.isEmpty else { return nil }
        return try await pool.read { db in
            // Per target, the earliest row nobody holds (index order: stops at the first), and the earliest lease
            // that runs out (a lease held by a dispatcher that died).
            var earliest: Double?
            for target in targets.sorted() {
                var candidates: [Double?] = []
                for state in ["retrying", "pending"] {
                    candidates.append(try Double.fetchOne(
                        db,
                        cached: """
                            SELECT next_attempt_at FROM outbox INDEXED BY outbox_target_due
                            WHERE target = ? AND state = ? AND lease_until IS NULL
                            ORDER BY next_attempt_at LIMIT 1
                            """,
                        arguments: [target, state]))
                }
                candidates.append(try Double.fetchOne(
                    db,
                    cached: """
                        SELECT MIN(MAX(next_attempt_at, lease_until)) FROM outbox INDEXED BY outbox_leased
                        WHERE target = ? AND lease_until IS NOT NULL AND state IN ('pending', 'retrying')
                        """,
                    arguments: [target]))
                for t in candidates.compactMap({ $0 }) { earliest = min(earliest ?? t, t) }
            }
            return earliest.map(Date.init(timeIntervalSince1970:))
        }
    }

    public func replayNotifications(_ ids: [String], at now: Date) async throws -> [String] {
        defer { settings.outboxSignal.notify() }
        return try await pool.write { db in
            var changed: [String] = []
            for id in ids {
                try db.execute(
                    cached: """
                        UPDATE outbox SET state = 'pending', next_attempt_at = ?, lease_until = NULL, updated_at = ?
                        WHERE id = ? AND state IN ('dead', 'retrying')
                        """,
                    arguments: [now.timeIntervalSince1970, now.timeIntervalSince1970, id])
                if db.changesCount > 0 { changed.append(id) }
            }
            return changed
        }
    }

    /// Which configuration a disable was learned with and when an operator enabled the target again
    /// (`TargetState.disabledRevision`, `enabledAt`).
    static func registerTargetRevisionMigration(_ m: inout DatabaseMigrator) {
        m.registerMigration("v7-target-revisions") { db in
            try db.execute(sql: """
                ALTER TABLE target_states ADD COLUMN disabled_revision TEXT;
                ALTER TABLE target_states ADD COLUMN enabled_at REAL;
                """)
        }
    }

    public func targetStates() async throws -> [TargetState] {
        try await pool.read { db in
            try Row.fetchAll(db, cached: "SELECT * FROM target_states ORDER BY name").map { row in
                TargetState(
                    name: row["name"], disabledAt: (row["disabled_at"] as Double?).map(Date.init(timeIntervalSince1970:)),
                    disabledReason: row["disabled_reason"], disabledRevision: row["disabled_revision"],
                    enabledAt: (row["enabled_at"] as Double?).map(Date.init(timeIntervalSince1970:)),
                    pausedUntil: (row["paused_until"] as Double?).map(Date.init(timeIntervalSince1970:)))
            }
        }
    }

    /// An enable is never forgotten by a later save that did not know of it (the latest one is kept).
    public func saveTargetState(_ state: TargetState) async throws {
        try await pool.write { db in
            try db.execute(
                cached: """
                    INSERT INTO target_states (name, disabled_at, disabled_reason, disabled_revision, enabled_at, paused_until)
                    VALUES (?,?,?,?,?,?)
                    ON CONFLICT (name) DO UPDATE SET disabled_at = excluded.disabled_at,
                      disabled_reason = excluded.disabled_reason, disabled_revision = excluded.disabled_revision,
                      enabled_at = CASE WHEN target_states.enabled_at IS NULL THEN excluded.enabled_at
                        WHEN excluded.enabled_at IS NULL THEN target_states.enabled_at
                        ELSE max(target_states.enabled_at, excluded.enabled_at) END,
                      paused_until = excluded.paused_until
                    """,
                arguments: [
                    state.name, state.disabledAt?.timeIntervalSince1970, state.disabledReason, state.disabledRevision,
                    state.enabledAt?.timeIntervalSince1970, state.pausedUntil?.timeIntervalSince1970,
                ])
        }
    }

    // MARK: Rows

    private func insertAttempt(_ a: DeliveryAttempt, _ db: Database) throws {
        try db.execute(
            cached: """
                INSERT INTO delivery_attempts (notification_id, target, number, started_at, result, http_status, latency_ms, detail)
                VALUES (?,?,?,?,?,?,?,?)
                """,
            arguments: [
                a.notificationID, a.target, a.number, a.startedAt.timeIntervalSince1970, a.result.rawValue,
                a.httpStatus, a.latencyMilliseconds, a.detail,
            ])
    }

    private func outboxEntry(from row: Row) throws -> OutboxEntry {
        OutboxEntry(
            id: row["id"], caseID: (row["case_id"] as String?).flatMap(CaseID.init), target: row["target"],
            event: row["event"],
            recipients: try decoder.decode([String].self, from: Data((row["recipients"] as String).utf8)),
            snapshot: try (row["snapshot"] as String?).map { try decoder.decode(CaseRecord.self, from: Data($0.utf8)) },
            context: row["context"], jobKey: row["job_key"],
            state: try CaseStoreError.stored(row["state"], as: OutboxEntry.State.self, at: "outbox.state"), attempts: row["attempts"],
            nextAttemptAt: Date(timeIntervalSince1970: row["next_attempt_at"]),
            createdAt: Date(timeIntervalSince1970: row["created_at"]), lastError: row["last_error"])
    }

    /// `(?,?,…)` for `names`, or "" when there are none.
    private static func targetList(_ names: Set<String>) -> (String, [String]) {
        guard !names.isEmpty else { return ("", []) }
        let sorted = names.sorted()
        return ("(\(sorted.map { _ in "?" }.joined(separator: ",")))", sorted)
    }
}
