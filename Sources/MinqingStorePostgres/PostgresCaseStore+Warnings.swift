import Foundation
import MinqingCore
import MinqingStore
import PostgresNIO

/// Early warnings on PostgreSQL: one warning per cluster, its members, its own trail and its throttled updates,
/// written in the intake transaction as the SQLite ledger does (`WarningEvaluator`, `WarningUpdateThrottle` and
/// `WarningNotice` decide; this file reads and writes the rows).
extension PostgresCaseStore: WarningStore {
    func raiseWarnings(
        for fp: CaseFingerprint, neighbours: [CaseFingerprint], _ warnings: WarningSettings, _ grown: GrownWarnings, at now: Date,
        _ c: PostgresConnection
    ) async throws {
        guard !warnings.rules.isEmpty else { return }
        let longest = warnings.rules.map(\.within).max() ?? 0
        let active = try await activeWarnings(
            rules: warnings.rules.map(\.name), scopes: WarningEvaluator.scopes(of: fp), since: fp.registeredAt.addingTimeInterval(-longest),
            members: neighbours.map(\.caseID.description), c)
        let at = now.timeIntervalSince1970
        for decision in WarningEvaluator.evaluate(new: fp, neighbours: neighbours, active: active, rules: warnings.rules) {
            switch decision {
            case .raise(let ruleName, let scope, let members):
                guard let rule = warnings.rules.first(where: { $0.name == ruleName }) else { continue }
                let id = UUID().uuidString.lowercased()
                try await exec("""
                    INSERT INTO warnings (id, rule, kind, scope, state, raised_at, updated_at, last_case_at, member_count)
                    VALUES (\(id), \(rule.name), \(rule.kindName), \(scope), 'open', \(at), \(at),
                      \(fp.registeredAt.timeIntervalSince1970), \(members.count))
                    """, c)
                for member in members { try await addWarningMember(id, member, at: at, c) }
                try await insertWarningEvent(id, actor: "系统", action: "raised",
                                             detail: "\(members.count) 件：" + members.map(\.description).joined(separator: "、"), at: now, c)
                guard let (json, count) = try await warningContext(id, rule: rule, event: NotificationEvent.warningRaised.rawValue, warnings, c)
                else { continue }
                for target in rule.notify {
                    try await insertWarningRow(target: target, event: NotificationEvent.warningRaised.rawValue, context: json,
                                               key: WarningNotice.raisedKey(id, count: count), due: now, at: now, c)
                }
            case .grow(let id, let ruleName, let added):
                guard let rule = warnings.rules.first(where: { $0.name == ruleName }) else { continue }
                // Member, village, count and event in one statement (a wave grows a warning with nearly every case).
                let added = added.description
                let joined = try await rows("""
                    WITH m AS (
                      INSERT INTO warning_members (warning_id, case_id, added_at, registered_at)
                      SELECT \(id), id, \(at), registered_at FROM cases WHERE id = \(added)
                      ON CONFLICT DO NOTHING RETURNING case_id),
                    v AS (
                      INSERT INTO warning_villages (warning_id, village)
                      SELECT \(id), COALESCE(f.village, '') FROM case_fingerprints f JOIN m ON m.case_id = f.case_id
                      ON CONFLICT DO NOTHING),
                    w AS (
                      UPDATE warnings SET member_count = member_count + 1, updated_at = \(at),
                        last_case_at = GREATEST(last_case_at, \(fp.registeredAt.timeIntervalSince1970))
                      WHERE id = \(id) AND EXISTS (SELECT 1 FROM m))
                    INSERT INTO warning_events (warning_id, at, actor, action, detail)
                    SELECT \(id), \(at), '系统', 'grown', \("新增 " + added) FROM m RETURNING warning_id
                    """, c)
                guard !joined.isEmpty else { continue }
                grown.note(id, rule: rule)
            }
        }
    }

    private func activeWarnings(
        rules: [String], scopes: [String], since: Date, members: [String], _ c: PostgresConnection
    ) async throws -> [ActiveWarning] {
        guard !rules.isEmpty, !scopes.isEmpty else { return [] }
        // The warnings and which of the neighbours each already holds, in one round trip.
        var order: [String] = []
        var found: [String: ActiveWarning] = [:]
        for row in try await rows("""
            SELECT w.id, w.rule, w.scope, w.last_case_at, m.case_id FROM warnings w
            LEFT JOIN warning_members m ON m.warning_id = w.id AND m.case_id = ANY(\(members))
            WHERE w.rule = ANY(\(rules)) AND w.scope = ANY(\(scopes)) AND w.last_case_at >= \(since.timeIntervalSince1970)
            ORDER BY w.id
            """, c) {
            let id: String = try row.value("id")
            if found[id] == nil {
                order.append(id)
                found[id] = ActiveWarning(id: id, rule: try row.value("rule"), scope: try row.value("scope"), members: [],
                                          lastCaseAt: try row.date("last_case_at"))
            }
            if let member = (try row.value("case_id", as: String?.self)).flatMap(CaseID.init) { found[id]?.members.append(member) }
        }
        return order.compactMap { found[$0] }
    }

    /// A grown warning's update to each target, throttled as in the SQLite ledger (`WarningUpdateThrottle`). The
    /// target's latest update row is locked while deciding, so a dispatcher claiming it waits or is waited for.
    /// The updates of the warnings a batch grew (`GrownWarnings`), each in a savepoint of its own: one that fails
    /// is logged and left out, and the batch's cases still commit (as with repeat detection). Returns how many
    /// warnings it wrote updates for.
    func enqueueWarningUpdates(_ grown: GrownWarnings, _ warnings: WarningSettings, at now: Date, _ c: PostgresConnection) async throws -> Int {
        var written = 0
        for (id, rule) in grown.all {
            try await exec("SAVEPOINT warning_update", c)
            do {
                try await enqueueWarningUpdate(id, rule: rule, warnings, at: now, c)
                try await exec("RELEASE SAVEPOINT warning_update", c)
                written += 1
            } catch {
                try await exec("ROLLBACK TO SAVEPOINT warning_update", c)
                logger.warning("warning update failed; the batch's cases are stored", metadata: [
                    "warning.id": "\(id)", "error": "\(String(reflecting: error))"])
            }
        }
        return written
    }

    private func enqueueWarningUpdate(_ id: String, rule: WarningRule, _ settings: WarningSettings, at now: Date, _ c: PostgresConnection) async throws {
        let event = NotificationEvent.warningUpdated.rawValue
        guard let raised = try await rows("SELECT raised_at FROM warnings WHERE id = \(id)", c).first,
              let (json, _) = try await warningContext(id, rule: rule, event: event, settings, c) else { return }
        let raisedAt = try raised.date("raised_at")
        for target in rule.notify {
            let last = try await rows("""
                SELECT id, job_key, state, attempts, lease_until FROM outbox
                WHERE job_key >= \(WarningNotice.updateKeyPrefix(id)) AND job_key < \(WarningNotice.updateKeyEnd(id)) AND target = \(target)
                ORDER BY created_at DESC, job_key DESC LIMIT 1 FOR UPDATE
                """, c).first
            var lastUpdate: WarningUpdateThrottle.LastUpdate?
            if let last, let sendAt = WarningNotice.sendTime(ofUpdateKey: try last.value("job_key"), id: id) {
                let refreshable = try last.value("state", as: String.self) == "pending" && last.value("attempts", as: Int.self) == 0
                    && last.value("lease_until", as: Double?.self) == nil
                lastUpdate = .init(sendAt: sendAt, refreshable: refreshable)
            }
            switch WarningUpdateThrottle.decide(raisedAt: raisedAt, last: lastUpdate, now: now, interval: settings.updateInterval) {
            case .refresh:
                guard let rowID = try last?.value("id", as: String.self) else { continue }
                try await exec("UPDATE outbox SET context = \(json), updated_at = \(now.timeIntervalSince1970) WHERE id = \(rowID)", c)
            case .schedule(let at):
                try await insertWarningRow(target: target, event: event, context: json, key: WarningNotice.updateKey(id, sendAt: at),
                                           due: at, at: now, c)
            }
        }
    }

    private func insertWarningRow(
        target: String, event: String, context: String, key: String, due: Date, at now: Date, _ c: PostgresConnection
    ) async throws {
        let (due, at) = (due.timeIntervalSince1970, now.timeIntervalSince1970)
        try await exec("""
            INSERT INTO outbox (id, case_id, target, event, recipients, snapshot, context, job_key, state, next_attempt_at,
              created_at, updated_at)
            VALUES (\(UUID().uuidString.lowercased()), NULL, \(target), \(event), '[]', NULL, \(context), \(key), 'pending', \(due), \(at), \(at))
            ON CONFLICT (job_key, target) WHERE job_key IS NOT NULL DO NOTHING
            """, c)
        try await notifyPeers(outbox: true, cases: false, c)
    }

    /// Adds `member` to warning `id`, with its registration time and its village (what the notifications list);
    /// false when it was a member already.
    @discardableResult
    private func addWarningMember(_ id: String, _ member: CaseID, at: Double, _ c: PostgresConnection) async throws -> Bool {
        let inserted = try await rows("""
            INSERT INTO warning_members (warning_id, case_id, added_at, registered_at)
            SELECT \(id), id, \(at), registered_at FROM cases WHERE id = \(member.description)
            ON CONFLICT DO NOTHING RETURNING case_id
            """, c)
        guard !inserted.isEmpty else { return false }
        try await exec("""
            INSERT INTO warning_villages (warning_id, village)
            SELECT \(id), COALESCE(village, '') FROM case_fingerprints WHERE case_id = \(member.description)
            ON CONFLICT DO NOTHING
            """, c)
        return true
    }

    private func warningContext(
        _ id: String, rule: WarningRule, event: String, _ settings: WarningSettings, _ c: PostgresConnection
    ) async throws -> (String, Int)? {
        guard let row = try await rows("SELECT * FROM warnings WHERE id = \(id)", c).first else { return nil }
        let count = try row.value("member_count", as: Int.self)
        let villages = try await rows("""
            SELECT village FROM warning_villages WHERE warning_id = \(id) LIMIT \(WarningNotice.villagesPerNotification)
            """, c).map { try $0.value("village", as: String.self) }
        let newest = try await rows("""
            SELECT c.id, c.village, c.registered_at, c.subject,
              jsonb_array_length(COALESCE(c.doc::jsonb -> 'concerns', '[]'::jsonb)) AS concerns
            FROM (SELECT case_id FROM warning_members WHERE warning_id = \(id)
                  ORDER BY registered_at DESC, case_id DESC LIMIT \(WarningNotice.casesPerNotification)) m
            JOIN cases c ON c.id = m.case_id ORDER BY c.registered_at, c.id
            """, c).map { row in
            WarningNotice.Member(
                id: try row.value("id"), village: try row.value("village"), registeredAt: try row.date("registered_at"),
                subject: try row.value("subject"), hasConcerns: try row.value("concerns", as: Int.self) > 0)
        }
        let json = try WarningNotice.context(
            id: id, rule: rule, scope: try row.value("scope"), count: count, raisedAt: try row.date("raised_at"),
            villageCodes: villages, newest: newest, event: event, settings: settings, timeZone: self.settings.timeZone)
        return (json, count)
    }

    private func insertWarningEvent(_ id: String, actor: String, action: String, detail: String?, at now: Date, _ c: PostgresConnection) async throws {
        try await exec("""
            INSERT INTO warning_events (warning_id, at, actor, action, detail)
            VALUES (\(id), \(now.timeIntervalSince1970), \(actor), \(action), \(detail))
            """, c)
    }

    // MARK: WarningStore

    private func warning(from row: PostgresRandomAccessRow, _ c: PostgresConnection) async throws -> EarlyWarning {
        let id: String = try row.value("id")
        let members = try await rows("""
            SELECT m.case_id FROM warning_members m JOIN cases c ON c.id = m.case_id
            WHERE m.warning_id = \(id) ORDER BY c.registered_at, c.seq
            """, c).compactMap { CaseID(try $0.value("case_id", as: String.self)) }
        return EarlyWarning(
            id: id, rule: try row.value("rule"), kind: try row.value("kind"), scope: try row.value("scope"),
            state: EarlyWarning.State(rawValue: try row.value("state")) ?? .open,
            raisedAt: try row.date("raised_at"), updatedAt: try row.date("updated_at"), lastCaseAt: try row.date("last_case_at"),
            members: members, acknowledgedBy: try row.value("acknowledged_by"), acknowledgedAt: try row.optionalDate("acknowledged_at"),
            acknowledgementNote: try row.value("acknowledgement_note"))
    }

    public func warnings(states: Set<EarlyWarning.State>, limit: Int) async throws -> [EarlyWarning] {
        let wanted = (states.isEmpty ? Set(EarlyWarning.State.allCases) : states).map(\.rawValue).sorted()
        return try await read { c in
            var out: [EarlyWarning] = []
            for row in try await self.rows("""
                SELECT * FROM warnings WHERE state = ANY(\(wanted)) ORDER BY last_case_at DESC, id LIMIT \(min(max(limit, 1), 500))
                """, c) { out.append(try await self.warning(from: row, c)) }
            return out
        }
    }

    public func warning(id: String) async throws -> EarlyWarning? {
        try await read { c in
            guard let row = try await self.rows("SELECT * FROM warnings WHERE id = \(id)", c).first else { return nil }
            return try await self.warning(from: row, c)
        }
    }

    public func warnings(containing id: CaseID) async throws -> [EarlyWarning] {
        try await read { c in
            var out: [EarlyWarning] = []
            for row in try await self.rows("""
                SELECT w.* FROM warnings w JOIN warning_members m ON m.warning_id = w.id
                WHERE m.case_id = \(id.description) ORDER BY w.last_case_at DESC
                """, c) { out.append(try await self.warning(from: row, c)) }
            return out
        }
    }

    public func warningEvents(id: String) async throws -> [WarningEvent] {
        try await read { c in
            try await self.rows("SELECT * FROM warning_events WHERE warning_id = \(id) ORDER BY seq", c).map {
                WarningEvent(at: try $0.date("at"), actor: try $0.value("actor"), action: try $0.value("action"), detail: try $0.value("detail"))
            }
        }
    }

    public func acknowledgeWarning(id: String, by actor: String, note: String?, at now: Date) async throws -> EarlyWarning {
        try await transaction { c in
            guard let row = try await self.rows("SELECT * FROM warnings WHERE id = \(id) FOR UPDATE", c).first else {
                throw WarningStoreError.notFound(id)
            }
            if let by = try row.value("acknowledged_by", as: String?.self), let at = try row.optionalDate("acknowledged_at") {
                throw WarningStoreError.alreadyAcknowledged(by: by, at: at)
            }
            let note = note?.nonEmpty
            try await self.exec("""
                UPDATE warnings SET state = 'acknowledged', acknowledged_by = \(actor), acknowledged_at = \(now.timeIntervalSince1970),
                  acknowledgement_note = \(note), updated_at = \(now.timeIntervalSince1970) WHERE id = \(id)
                """, c)
            try await self.insertWarningEvent(id, actor: actor, action: "acknowledged", detail: note, at: now, c)
            return try await self.warning(from: try await self.rows("SELECT * FROM warnings WHERE id = \(id)", c).first!, c)
        }
    }
}
