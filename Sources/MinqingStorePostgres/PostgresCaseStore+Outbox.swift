import Foundation
import MinqingCore
import MinqingStore
import PostgresNIO

extension PostgresCaseStore {
    public func outboxEntries(state: OutboxEntry.State?, limit: Int) async throws -> [OutboxEntry] {
        try await read { c in
            let rows = if let state {
                try await self.rows("SELECT * FROM outbox WHERE state = \(state.rawValue) ORDER BY created_at, id LIMIT \(limit)", c)
            } else {
                try await self.rows("SELECT * FROM outbox ORDER BY created_at, id LIMIT \(limit)", c)
            }
            return try rows.map(self.outboxEntry(from:))
        }
    }

    public func outboxEntry(id: String) async throws -> OutboxEntry? {
        try await read { c in try await self.rows("SELECT * FROM outbox WHERE id = \(id)", c).first.map(self.outboxEntry(from:)) }
    }

    /// Claims with `FOR UPDATE SKIP LOCKED`: a row another instance is claiming right now is passed over, never
    /// waited for, and a row it has claimed carries a live lease — so two dispatchers never get the same row.
    /// The lease names this instance (`instanceID`).
    public func claimNotifications(dueAt now: Date, leaseUntil: Date, limits: [String: Int]) async throws -> [OutboxEntry] {
        let wanted = limits.filter { $0.value > 0 }.sorted { $0.key < $1.key }
        guard !wanted.isEmpty else { return [] }
        let at = now.timeIntervalSince1970
        return try await transaction { c in
            var claimed: [OutboxEntry] = []
            for (target, limit) in wanted {
                let rows = try await self.rows(
                    self.claimStatement(target: target, limit: limit, at: at, leaseUntil: leaseUntil.timeIntervalSince1970), c)
                claimed += try rows.map(self.outboxEntry(from:))
                    .sorted { ($0.nextAttemptAt, $0.createdAt, $0.id) < ($1.nextAttemptAt, $1.createdAt, $1.id) }
            }
            return claimed
        }
    }

    /// Leases up to `limit` of `target`'s due rows, oldest due first, skipping rows another instance is claiming
    /// right now; read through `outbox_due` in its order, so a claim stops after `limit` rows whatever the backlog.
    func claimStatement(target: String, limit: Int, at: Double, leaseUntil: Double) -> PostgresQuery {
        """
        UPDATE outbox SET lease_until = \(leaseUntil), lease_owner = \(instanceID)
        WHERE id IN (
            SELECT id FROM outbox
            WHERE target = \(target) AND state IN ('pending', 'retrying') AND next_attempt_at <= \(at)
              AND (lease_until IS NULL OR lease_until <= \(at))
            ORDER BY next_attempt_at, created_at LIMIT \(limit)
            FOR UPDATE SKIP LOCKED)
        RETURNING *
        """
    }

    /// The plan (`EXPLAIN`, sequential and bitmap scans off as in `explainSearch`) of one target's claim.
    public func explainClaim(target: String, limit: Int, at now: Date) async throws -> [String] {
        try await transaction { c in
            try await self.exec("SET LOCAL enable_seqscan = off", c)
            try await self.exec("SET LOCAL enable_bitmapscan = off", c)
            var q = self.claimStatement(
                target: target, limit: limit, at: now.timeIntervalSince1970, leaseUntil: now.timeIntervalSince1970 + 60)
            q.sql = "EXPLAIN " + q.sql
            return try await self.rows(q, c).map { try $0.value("QUERY PLAN", as: String.self) }
        }
    }

    public func abandonNotifications(targetsNotIn known: Set<String>, reason: String, at now: Date) async throws -> Int {
        try await transaction { c in
            try await self.rows("""
                UPDATE outbox SET state = 'dead', last_error = \(reason), lease_until = NULL, lease_owner = NULL,
                  updated_at = \(now.timeIntervalSince1970)
                WHERE state IN ('pending', 'retrying') AND NOT (target = ANY(\(known.sorted())))
                RETURNING id
                """, c).count
        }
    }

    /// Ends THIS instance's leases only: another instance's claims are live deliveries in progress. A lease of an
    /// instance that died runs out by itself and is claimed again after `leaseUntil` (docs/postgres.md).
    public func releaseLeases(at now: Date) async throws {
        try await transaction { c in
            try await self.exec("""
                UPDATE delivery_attempts SET result = 'deferred', detail = \(LedgerRules.unsentReservation)
                WHERE result = 'sending' AND started_at > \(now.timeIntervalSince1970)
                  AND notification_id IN (SELECT id FROM outbox WHERE lease_owner = \(self.instanceID))
                """, c)
            try await self.exec("""
                UPDATE outbox SET lease_until = NULL, lease_owner = NULL WHERE lease_owner = \(self.instanceID)
                """, c)
        }
    }

    public func recordDeliveries(_ records: [DeliveryRecord]) async throws {
        guard !records.isEmpty else { return }
        // Three statements for the lot (a batch of 64 deliveries was 128 round trips): the new attempts in one
        // insert, each reservation completed, and every notification's new state in one update.
        try await transaction { c in
            var attempts = DynamicQuery()
            let fresh = records.filter { $0.reservation == nil }.map { r in
                let a = r.attempt
                return "(\(attempts.bind(a.notificationID)), \(attempts.bind(a.target)), \(attempts.bind(a.number)), "
                    + "\(attempts.bind(a.startedAt.timeIntervalSince1970)), \(attempts.bind(a.result.rawValue)), "
                    + "\(attempts.bind(a.httpStatus)), \(attempts.bind(a.latencyMilliseconds)), \(attempts.bind(a.detail)))"
            }
            if !fresh.isEmpty {
                try await self.exec(attempts.query("""
                    INSERT INTO delivery_attempts (notification_id, target, number, started_at, result, http_status, latency_ms, detail)
                    VALUES \(fresh.joined(separator: ", "))
                    """), c)
            }
            for r in records {
                guard let reservation = r.reservation else { continue }
                let a = r.attempt
                try await self.exec("""
                    UPDATE delivery_attempts SET result = \(a.result.rawValue), started_at = \(a.startedAt.timeIntervalSince1970),
                      http_status = \(a.httpStatus),
                      latency_ms = \(a.latencyMilliseconds), detail = \(a.detail) WHERE id = \(reservation)
                    """, c)
            }
            // One row per notification: should one come twice, its last record decides, as one by one.
            var latest: [String: DeliveryRecord] = [:]
            var order: [String] = []
            for r in records {
                if latest.updateValue(r, forKey: r.attempt.notificationID) == nil { order.append(r.attempt.notificationID) }
            }
            var states = DynamicQuery()
            let rows = order.compactMap { latest[$0] }.map { r in
                let a = r.attempt
                let updatedAt = a.startedAt.timeIntervalSince1970 + Double(a.latencyMilliseconds ?? 0) / 1000
                let deliveredAt: Double? = r.state == .delivered ? updatedAt : nil
                return "(\(states.bind(a.notificationID))::text, \(states.bind(r.state.rawValue))::text, \(states.bind(a.number))::bigint, "
                    + "\(states.bind(r.nextAttemptAt?.timeIntervalSince1970))::double precision, \(states.bind(r.lastError))::text, "
                    + "\(states.bind(updatedAt))::double precision, \(states.bind(deliveredAt))::double precision)"
            }
            try await self.exec(states.query("""
                UPDATE outbox SET state = v.state, attempts = v.attempts, next_attempt_at = COALESCE(v.next_attempt_at, outbox.next_attempt_at),
                  last_error = v.last_error, lease_until = NULL, lease_owner = NULL, updated_at = v.updated_at,
                  delivered_at = COALESCE(v.delivered_at, outbox.delivered_at)
                FROM (VALUES \(rows.joined(separator: ", "))) AS v(id, state, attempts, next_attempt_at, last_error, updated_at, delivered_at)
                WHERE outbox.id = v.id
                """), c)
        }
    }

    /// The rate-limited send of one target across every instance: under a transaction-level advisory lock on the
    /// target, reads the sends since `now - horizon`, lets `slot` pick the earliest allowed send time from them
    /// (`RateLimit.earliestSend`), waits out a pause any instance stored, and reserves that time as a `sending` attempt — so two instances reserving at
    /// once take turns and the second sees the first's reservation. Returns the reservation and its send time.
    public func reserveSend(
        _ attempt: DeliveryAttempt, horizon: TimeInterval, now: Date, slot: @Sendable ([Date], Date) -> Date
    ) async throws -> (reservation: Int64, sendAt: Date) {
        try await transaction { c in
            try await self.exec("SELECT pg_advisory_xact_lock(hashtextextended(\("minqing.send:" + attempt.target), 0))", c)
            let history = try await self.sendTimes(target: attempt.target, since: now.addingTimeInterval(-horizon), c)
            var at = slot(history, now)
            let paused = try await self.rows("SELECT paused_until FROM target_states WHERE name = \(attempt.target)", c)
                .first.flatMap { try $0.optionalDate("paused_until") }
            if let paused, paused > at { at = paused }
            let id = try await self.insertAttempt(DeliveryAttempt(
                notificationID: attempt.notificationID, target: attempt.target, number: attempt.number,
                startedAt: at, result: .sending), c)
            return (id, at)
        }
    }

    public func sendTimes(target: String, since: Date) async throws -> [Date] {
        try await read { c in try await self.sendTimes(target: target, since: since, c) }
    }

    private func sendTimes(target: String, since: Date, _ c: PostgresConnection) async throws -> [Date] {
        try await rows("""
            SELECT started_at FROM delivery_attempts
            WHERE target = \(target) AND started_at >= \(since.timeIntervalSince1970) AND result NOT IN ('suppressed', 'deferred')
            ORDER BY started_at
            """, c).map { try $0.date("started_at") }
    }

    public func deliveryAttempts(notificationID: String) async throws -> [DeliveryAttempt] {
        try await read { c in
            try await self.rows("SELECT * FROM delivery_attempts WHERE notification_id = \(notificationID) ORDER BY id", c)
                .map(Self.attempt(from:))
        }
    }

    public func caseNotifications(_ id: CaseID) async throws -> [CaseNotification] {
        try await read { c in
            let entries = try await self.rows(
                "SELECT * FROM outbox WHERE case_id = \(id.description) ORDER BY created_at, id", c
            ).map(self.outboxEntry(from:))
            let attempts = try await self.rows("""
                SELECT a.* FROM delivery_attempts a JOIN outbox o ON o.id = a.notification_id
                WHERE o.case_id = \(id.description) ORDER BY a.id
                """, c).map(Self.attempt(from:))
            let byNotification = Dictionary(grouping: attempts, by: \.notificationID)
            return entries.map { CaseNotification(entry: $0, attempts: byNotification[$0.id] ?? []) }
        }
    }

    public func nextNotificationDue(targets: Set<String>) async throws -> Date? {
        guard !targets.isEmpty else { return nil }
        return try await read { c in
            // The earliest row nobody holds, and the earliest lease that runs out (a dispatcher that died).
            try await self.rows("""
                SELECT MIN(CASE WHEN lease_until IS NULL THEN next_attempt_at
                                ELSE GREATEST(next_attempt_at, lease_until) END) AS due
                FROM outbox WHERE target = ANY(\(targets.sorted())) AND state IN ('pending', 'retrying')
                """, c).first?.optionalDate("due")
        }
    }

    public func replayNotifications(_ ids: [String], at now: Date) async throws -> [String] {
        defer { settings.outboxSignal.notify() }
        return try await transaction { c in
            let at = now.timeIntervalSince1970
            let changed = Set(try await self.rows("""
                UPDATE outbox SET state = 'pending', next_attempt_at = \(at), lease_until = NULL, lease_owner = NULL,
                  updated_at = \(at)
                WHERE id = ANY(\(ids)) AND state IN ('dead', 'retrying')
                RETURNING id
                """, c).map { try $0.value("id", as: String.self) })
            try await self.notifyPeers(outbox: !changed.isEmpty, cases: false, c)
            return ids.filter(changed.contains)
        }
    }

    public func targetStates() async throws -> [TargetState] {
        try await read { c in
            try await self.rows("SELECT * FROM target_states ORDER BY name", c).map { row in
                TargetState(
                    name: try row.value("name"), disabledAt: try row.optionalDate("disabled_at"),
                    disabledReason: try row.value("disabled_reason", as: String?.self),
                    disabledRevision: try row.value("disabled_revision", as: String?.self),
                    enabledAt: try row.optionalDate("enabled_at"), pausedUntil: try row.optionalDate("paused_until"))
            }
        }
    }

    /// Stored for every instance: a pause (a DingTalk block) or a disable holds for the target, not one hub. An
    /// enable is never forgotten by a later save that did not know of it (the latest one is kept).
    public func saveTargetState(_ state: TargetState) async throws {
        try await read { c in
            try await self.exec("""
                INSERT INTO target_states (name, disabled_at, disabled_reason, disabled_revision, enabled_at, paused_until)
                VALUES (\(state.name), \(state.disabledAt?.timeIntervalSince1970), \(state.disabledReason),
                  \(state.disabledRevision), \(state.enabledAt?.timeIntervalSince1970), \(state.pausedUntil?.timeIntervalSince1970))
                ON CONFLICT (name) DO UPDATE SET disabled_at = EXCLUDED.disabled_at,
                  disabled_reason = EXCLUDED.disabled_reason, disabled_revision = EXCLUDED.disabled_revision,
                  enabled_at = GREATEST(target_states.enabled_at, EXCLUDED.enabled_at), paused_until = EXCLUDED.paused_until
                """, c)
        }
    }

    // MARK: The scheduler's side

    public func enqueueScheduled(_ items: [ScheduledNotification], at now: Date) async throws -> Int {
        guard !items.isEmpty else { return 0 }
        defer { settings.outboxSignal.notify() }
        let at = now.timeIntervalSince1970
        return try await transaction { c in
            var written = 0
            for item in items {
                var snapshot: String?
                if let id = item.caseID {
                    guard let record = try await self.loadCase(id.description, c) else { continue }
                    snapshot = try self.document(record)
                }
                let recipients = String(decoding: try self.encoder.encode(item.recipients), as: UTF8.self)
                written += try await self.rows("""
                    INSERT INTO outbox (id, case_id, target, event, recipients, snapshot, context, job_key, state,
                      next_attempt_at, created_at, updated_at)
                    VALUES (\(UUID().uuidString.lowercased()), \(item.caseID?.description), \(item.target), \(item.event),
                      \(recipients), \(snapshot), \(item.context), \(item.jobKey), 'pending', \(at), \(at), \(at))
                    ON CONFLICT (job_key, target) WHERE job_key IS NOT NULL DO NOTHING
                    RETURNING id
                    """, c).count
            }
            try await self.notifyPeers(outbox: written > 0, cases: false, c)
            return written
        }
    }

    public func writtenJobKeys(_ keys: Set<String>) async throws -> Set<String> {
        guard !keys.isEmpty else { return [] }
        return try await read { c in
            Set(try await self.rows("""
                SELECT DISTINCT job_key FROM outbox WHERE job_key = ANY(\(keys.sorted()))
                """, c).map { try $0.value("job_key", as: String.self) })
        }
    }

    public func scheduleCases(deadlineBefore: Date) async throws -> [CaseRecord] {
        try await read { c in
            try await self.rows("""
                SELECT doc FROM cases WHERE status = ANY(\(CaseStatus.underDeadline.map(\.rawValue)))
                  AND deadline < \(deadlineBefore.timeIntervalSince1970)
                UNION ALL SELECT doc FROM cases WHERE status = 'replied'
                """, c).map { try self.decodeCase(try $0.value("doc", as: String.self)) }
        }
    }

    public func openCases(inVillages villages: [String], limit: Int) async throws -> (total: Int, cases: [CaseRecord]) {
        guard !villages.isEmpty else { return (0, []) }
        let open = CaseStatus.open.map(\.rawValue)
        return try await read { c in
            let total = try await self.rows("""
                SELECT COUNT(*) AS n FROM cases WHERE village = ANY(\(villages)) AND status = ANY(\(open))
                """, c).first?.value("n", as: Int.self) ?? 0
            let cases = try await self.rows("""
                SELECT doc FROM cases WHERE village = ANY(\(villages)) AND status = ANY(\(open)) ORDER BY id LIMIT \(max(limit, 0))
                """, c).map { try self.decodeCase(try $0.value("doc", as: String.self)) }
            return (total, cases)
        }
    }

    public func digestCounts(from: Date, to: Date) async throws -> DigestCounts {
        let open = CaseStatus.open.map(\.rawValue)
        let (start, end) = (from.timeIntervalSince1970, to.timeIntervalSince1970)
        return try await read { c in
            let row = try await self.rows("""
                SELECT
                  (SELECT COUNT(*) FROM cases WHERE status = ANY(\(open))) AS open,
                  (SELECT COUNT(*) FROM cases WHERE status = ANY(\(open)) AND registered_at >= \(start) AND registered_at < \(end)) AS registered,
                  (SELECT COUNT(*) FROM cases WHERE status = 'closed' AND updated_at >= \(start) AND updated_at < \(end)) AS closed
                """, c).first
            return DigestCounts(
                open: try row?.value("open", as: Int.self) ?? 0, openRegistered: try row?.value("registered", as: Int.self) ?? 0,
                closed: try row?.value("closed", as: Int.self) ?? 0)
        }
    }

    // MARK: Mailbox cursors

    public func mailboxCursor(_ mailbox: String) async throws -> MailboxCursor? {
        try await read { c in
            try await self.rows("SELECT uid_validity, last_uid FROM mailbox_cursors WHERE mailbox = \(mailbox)", c).first.map {
                MailboxCursor(
                    mailbox: mailbox, uidValidity: UInt32(try $0.value("uid_validity", as: Int64.self)),
                    lastUID: UInt32(try $0.value("last_uid", as: Int64.self)))
            }
        }
    }

    public func saveMailboxCursor(_ cursor: MailboxCursor, at now: Date) async throws {
        try await read { c in
            try await self.exec("""
                INSERT INTO mailbox_cursors (mailbox, uid_validity, last_uid, updated_at)
                VALUES (\(cursor.mailbox), \(Int64(cursor.uidValidity)), \(Int64(cursor.lastUID)), \(now.timeIntervalSince1970))
                ON CONFLICT (mailbox) DO UPDATE SET
                  last_uid = CASE WHEN mailbox_cursors.uid_validity = EXCLUDED.uid_validity
                                  THEN GREATEST(mailbox_cursors.last_uid, EXCLUDED.last_uid) ELSE EXCLUDED.last_uid END,
                  uid_validity = EXCLUDED.uid_validity,
                  updated_at = EXCLUDED.updated_at
                """, c)
        }
    }

    // MARK: Rows

    private func insertAttempt(_ a: DeliveryAttempt, _ c: PostgresConnection) async throws -> Int64 {
        try await rows("""
            INSERT INTO delivery_attempts (notification_id, target, number, started_at, result, http_status, latency_ms, detail)
            VALUES (\(a.notificationID), \(a.target), \(a.number), \(a.startedAt.timeIntervalSince1970), \(a.result.rawValue),
              \(a.httpStatus), \(a.latencyMilliseconds), \(a.detail))
            RETURNING id
            """, c).first!.value("id", as: Int64.self)
    }

    static func attempt(from row: PostgresRandomAccessRow) throws -> DeliveryAttempt {
        DeliveryAttempt(
            notificationID: try row.value("notification_id"), target: try row.value("target"),
            number: try row.value("number"), startedAt: try row.date("started_at"),
            result: DeliveryAttempt.Result(rawValue: try row.value("result", as: String.self)) ?? .failed,
            httpStatus: try row.value("http_status", as: Int?.self), latencyMilliseconds: try row.value("latency_ms", as: Int?.self),
            detail: try row.value("detail", as: String?.self))
    }

    private func outboxEntry(from row: PostgresRandomAccessRow) throws -> OutboxEntry {
        OutboxEntry(
            id: try row.value("id"), caseID: try row.value("case_id", as: String?.self).flatMap(CaseID.init),
            target: try row.value("target"), event: try row.value("event"),
            recipients: try decoder.decode([String].self, from: Data(try row.value("recipients", as: String.self).utf8)),
            snapshot: try row.value("snapshot", as: String?.self).map(decodeCase),
            context: try row.value("context", as: String?.self), jobKey: try row.value("job_key", as: String?.self),
            state: try CaseStoreError.stored(try row.value("state", as: String.self), as: OutboxEntry.State.self, at: "outbox.state"), attempts: try row.value("attempts"),
            nextAttemptAt: try row.date("next_attempt_at"), createdAt: try row.date("created_at"),
            lastError: try row.value("last_error", as: String?.self))
    }
}
