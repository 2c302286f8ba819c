import Foundation
import GRDB
import Metrics
import MinqingCore

extension SQLiteCaseStore: WarningStore {
    /// Raises or grows the warnings `fp` causes, in the caller's transaction: a raised one with its outbox rows at
    /// once, a grown one noted in `grown` for its update at the end of the batch (`enqueueWarningUpdates`).
    func raiseWarnings(
        for fp: CaseFingerprint, neighbours: [CaseFingerprint], _ warnings: WarningSettings, _ grown: GrownWarnings, at now: Date,
        _ db: Database
    ) throws {
        guard !warnings.rules.isEmpty else { return }
        let longest = warnings.rules.map(\.within).max() ?? 0
        let active = try activeWarnings(
            rules: warnings.rules.map(\.name), scopes: WarningEvaluator.scopes(of: fp), since: fp.registeredAt.addingTimeInterval(-longest),
            members: neighbours.map(\.caseID.description), db)
        let decisions = WarningEvaluator.evaluate(new: fp, neighbours: neighbours, active: active, rules: warnings.rules)
        for decision in decisions {
            switch decision {
            case .raise(let ruleName, let scope, let members):
                guard let rule = warnings.rules.first(where: { $0.name == ruleName }) else { continue }
                let id = UUID().uuidString.lowercased()
                try db.execute(
                    cached: """
                        INSERT INTO warnings (id, rule, kind, scope, state, raised_at, updated_at, last_case_at, member_count)
                        VALUES (?,?,?,?,'open',?,?,?,?)
                        """,
                    arguments: [id, rule.name, rule.kindName, scope, now.timeIntervalSince1970, now.timeIntervalSince1970,
                                fp.registeredAt.timeIntervalSince1970, members.count])
                for member in members { try addWarningMember(id, member, at: now, db) }
                try insertWarningEvent(id, actor: "系统", action: "raised", detail: "\(members.count) 件：" + members.map(\.description).joined(separator: "、"), at: now, db)
                try enqueueWarning(id, rule: rule, event: "warning.raised", warnings, at: now, db)
            case .grow(let id, let ruleName, let added):
                guard let rule = warnings.rules.first(where: { $0.name == ruleName }) else { continue }
                guard try addWarningMember(id, added, at: now, db) else { continue }
                try db.execute(
                    cached: """
                        UPDATE warnings SET member_count = member_count + 1, updated_at = ?, last_case_at = MAX(last_case_at, ?)
                        WHERE id = ?
                        """,
                    arguments: [now.timeIntervalSince1970, fp.registeredAt.timeIntervalSince1970, id])
                try insertWarningEvent(id, actor: "系统", action: "grown", detail: "新增 \(added)", at: now, db)
                grown.note(id, rule: rule)
            }
        }
    }

    /// Adds `member` to warning `id`, with its registration time and its village (what the notifications list,
    /// `warningContext`); false when it was a member already.
    @discardableResult
    private func addWarningMember(_ id: String, _ member: CaseID, at now: Date, _ db: Database) throws -> Bool {
        try db.execute(
            cached: """
                INSERT OR IGNORE INTO warning_members (warning_id, case_id, added_at, registered_at)
                SELECT ?, id, ?, registered_at FROM cases WHERE id = ?
                """,
            arguments: [id, now.timeIntervalSince1970, member.description])
        guard db.changesCount > 0 else { return false }
        try db.execute(
            cached: """
                INSERT OR IGNORE INTO warning_villages (warning_id, village)
                SELECT ?, COALESCE(village, '') FROM case_fingerprints WHERE case_id = ?
                """,
            arguments: [id, member.description])
        return true
    }

    /// The warnings of `rules` that can still grow, each with those of its members that are among `members` (the
    /// new case's neighbours) — all the evaluator needs, read through indexes, however large a cluster has grown.
    private func activeWarnings(
        rules: [String], scopes: [String], since: Date, members: [String], _ db: Database
    ) throws -> [ActiveWarning] {
        guard !rules.isEmpty, !scopes.isEmpty else { return [] }
        let marks = rules.map { _ in "?" }.joined(separator: ","), scopeMarks = scopes.map { _ in "?" }.joined(separator: ",")
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT id, rule, scope, last_case_at FROM warnings
                WHERE rule IN (\(marks)) AND scope IN (\(scopeMarks)) AND last_case_at >= ?
                """,
            arguments: StatementArguments(rules as [any DatabaseValueConvertible] + scopes + [since.timeIntervalSince1970]))
        guard !rows.isEmpty else { return [] }
        var known: [String: [CaseID]] = [:]
        for start in stride(from: 0, to: members.count, by: 500) {
            let chunk = Array(members[start..<min(members.count, start + 500)])
            let marks = chunk.map { _ in "?" }.joined(separator: ",")
            for row in try Row.fetchAll(
                db, sql: "SELECT warning_id, case_id FROM warning_members WHERE case_id IN (\(marks))",
                arguments: StatementArguments(chunk))
            {
                if let id = CaseID(row["case_id"] as String) { known[row["warning_id"], default: []].append(id) }
            }
        }
        return rows.map { row in
            let id: String = row["id"]
            return ActiveWarning(
                id: id, rule: row["rule"], scope: row["scope"], members: known[id] ?? [],
                lastCaseAt: Date(timeIntervalSince1970: row["last_case_at"]))
        }
    }

    private func members(of id: String, _ db: Database) throws -> [CaseID] {
        try String.fetchAll(
            db,
            cached: """
                SELECT m.case_id FROM warning_members m JOIN cases c ON c.id = m.case_id
                WHERE m.warning_id = ? ORDER BY c.registered_at, c.seq
                """,
            arguments: [id]).compactMap(CaseID.init)
    }

    private func insertWarningEvent(_ id: String, actor: String, action: String, detail: String?, at now: Date, _ db: Database) throws {
        try db.execute(
            cached: "INSERT INTO warning_events (warning_id, at, actor, action, detail) VALUES (?,?,?,?,?)",
            arguments: [id, now.timeIntervalSince1970, actor, action, detail])
    }

    /// One outbox row per target of `rule`, about no single case: the warning as template values. A member case
    /// with people it is about (`concerns`) is listed by id only, without its subject, so nothing of it reaches a
    /// group those people may sit in; numbers in subjects are masked by the composer for non-private targets.
    private func enqueueWarning(_ id: String, rule: WarningRule, event: String, _ settings: WarningSettings, at now: Date, _ db: Database) throws {
        guard let (json, count) = try warningContext(id, rule: rule, event: event, settings, db) else { return }
        for target in rule.notify {
            try insertWarningRow(target: target, event: event, context: json, key: WarningNotice.raisedKey(id, count: count), due: now, at: now, db)
        }
    }

    /// One outbox row about a warning (no case), once per `(key, target)`.
    private func insertWarningRow(target: String, event: String, context: String, key: String, due: Date, at now: Date, _ db: Database) throws {
        try db.execute(
            cached: """
                INSERT OR IGNORE INTO outbox (id, case_id, target, event, recipients, snapshot, context, job_key,
                  state, next_attempt_at, created_at, updated_at) VALUES (?,NULL,?,?,'[]',NULL,?,?,'pending',?,?,?)
                """,
            arguments: [
                UUID().uuidString.lowercased(), target, event, context, key,
                due.timeIntervalSince1970, now.timeIntervalSince1970, now.timeIntervalSince1970,
            ])
    }

    /// The updates of the warnings a batch grew, each in a savepoint of its own: one that fails is counted and
    /// left out, and the batch's cases still commit (as with repeat detection).
    func enqueueWarningUpdates(_ grown: GrownWarnings, _ warnings: WarningSettings, at now: Date, _ db: Database) {
        for (id, rule) in grown.all {
            do {
                try db.inSavepoint {
                    try self.enqueueWarningUpdate(id, rule: rule, warnings, at: now, db)
                    return .commit
                }
            } catch {
                Counter(label: "minqing_repeat_detection_failures_total").increment()
            }
        }
    }

    /// A grown warning's update to each target of `rule`, throttled by `WarningUpdateThrottle`: the target's waiting
    /// update is rewritten with the latest state, or a new one is written to go out once `updateInterval` has passed
    /// since the raising or the previous update. Keyed `warning:<id>:update:<send time>`.
    private func enqueueWarningUpdate(_ id: String, rule: WarningRule, _ settings: WarningSettings, at now: Date, _ db: Database) throws {
        let event = NotificationEvent.warningUpdated.rawValue
        guard let raised = try Double.fetchOne(db, cached: "SELECT raised_at FROM warnings WHERE id = ?", arguments: [id]),
              let (json, _) = try warningContext(id, rule: rule, event: event, settings, db) else { return }
        for target in rule.notify {
            let last = try Row.fetchOne(
                db, cached: Self.lastWarningUpdateSQL,
                arguments: [WarningNotice.updateKeyPrefix(id), WarningNotice.updateKeyEnd(id), target])
            let lastUpdate = last.flatMap { row -> WarningUpdateThrottle.LastUpdate? in
                guard let sendAt = WarningNotice.sendTime(ofUpdateKey: row["job_key"], id: id) else { return nil }
                return WarningUpdateThrottle.LastUpdate(
                    sendAt: sendAt,
                    refreshable: row["state"] == "pending" && row["attempts"] == 0 && (row["lease_until"] as Double?) == nil)
            }
            switch WarningUpdateThrottle.decide(raisedAt: Date(timeIntervalSince1970: raised), last: lastUpdate, now: now,
                                                interval: settings.updateInterval) {
            case .refresh:
                try db.execute(cached: "UPDATE outbox SET context = ?, updated_at = ? WHERE id = ?",
                               arguments: [json, now.timeIntervalSince1970, last?["id"] as String?])
            case .schedule(let at):
                try insertWarningRow(target: target, event: event, context: json,
                                     key: WarningNotice.updateKey(id, sendAt: at), due: at, at: now, db)
            }
        }
    }

    /// A warning's newest update row for one target. The range on the (job_key, target) index (';' follows ':')
    /// holds only this warning's updates. The index is named: without statistics SQLite preferred `target = ?` on
    /// outbox_target_due, a walk through every row the target ever had — 0.9 ms per grown warning at 8,000 rows,
    /// the writer's costliest statement under load, and growing with the outbox (`explainLastWarningUpdate`).
    static let lastWarningUpdateSQL = """
        SELECT id, job_key, state, attempts, lease_until FROM outbox INDEXED BY outbox_job
        WHERE job_key >= ? AND job_key < ? AND target = ? ORDER BY created_at DESC, job_key DESC LIMIT 1
        """

    /// The query plan of `lastWarningUpdateSQL` (`EXPLAIN QUERY PLAN` details), for the test that keeps it on its index.
    public func explainLastWarningUpdate() async throws -> [String] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + Self.lastWarningUpdateSQL,
                             arguments: [WarningNotice.updateKeyPrefix("w"), WarningNotice.updateKeyEnd("w"), "t"]).map { $0["detail"] }
        }
    }

    /// The warning as template values (JSON) and its member count; nil when it does not exist.
    private func warningContext(_ id: String, rule: WarningRule, event: String, _ settings: WarningSettings, _ db: Database) throws -> (String, Int)? {
        guard let row = try Row.fetchOne(db, cached: "SELECT * FROM warnings WHERE id = ?", arguments: [id]) else { return nil }
        let count: Int = row["member_count"]
        // Bounded work however large the cluster: the villages from the fingerprints, the newest cases in full.
        let villages = try String.fetchAll(
            db, cached: "SELECT village FROM warning_villages WHERE warning_id = ? LIMIT ?",
            arguments: [id, WarningNotice.villagesPerNotification])
        let newest = try Row.fetchAll(
            db,
            cached: """
                SELECT c.id, c.village, c.registered_at, c.subject, COALESCE(json_array_length(c.doc, '$.concerns'), 0) AS concerns
                FROM (SELECT case_id FROM warning_members WHERE warning_id = ? ORDER BY registered_at DESC, case_id DESC LIMIT ?) m
                JOIN cases c ON c.id = m.case_id ORDER BY c.registered_at, c.id
                """,
            arguments: [id, WarningNotice.casesPerNotification]
        ).map { row in
            WarningNotice.Member(id: row[0], village: row[1], registeredAt: Date(timeIntervalSince1970: row[2]), subject: row[3],
                                 hasConcerns: (row[4] as Int) > 0)
        }
        let json = try WarningNotice.context(
            id: id, rule: rule, scope: row["scope"], count: count, raisedAt: Date(timeIntervalSince1970: row["raised_at"]),
            villageCodes: villages, newest: newest, event: event,
            settings: settings, timeZone: self.settings.timeZone)
        return (json, count)
    }

    // MARK: WarningStore

    private func warning(from row: Row, _ db: Database) throws -> EarlyWarning {
        let id: String = row["id"]
        return EarlyWarning(
            id: id, rule: row["rule"], kind: row["kind"], scope: row["scope"],
            state: EarlyWarning.State(rawValue: row["state"]) ?? .open,
            raisedAt: Date(timeIntervalSince1970: row["raised_at"]), updatedAt: Date(timeIntervalSince1970: row["updated_at"]),
            lastCaseAt: Date(timeIntervalSince1970: row["last_case_at"]), members: try members(of: id, db),
            acknowledgedBy: row["acknowledged_by"],
            acknowledgedAt: (row["acknowledged_at"] as Double?).map(Date.init(timeIntervalSince1970:)),
            acknowledgementNote: row["acknowledgement_note"])
    }

    public func warnings(states: Set<EarlyWarning.State>, limit: Int) async throws -> [EarlyWarning] {
        let wanted = (states.isEmpty ? Set(EarlyWarning.State.allCases) : states).map(\.rawValue).sorted()
        let marks = wanted.map { _ in "?" }.joined(separator: ",")
        return try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM warnings WHERE state IN (\(marks)) ORDER BY last_case_at DESC, id LIMIT ?",
                arguments: StatementArguments(wanted) + [min(max(limit, 1), 500)])
                .map { try self.warning(from: $0, db) }
        }
    }

    public func warning(id: String) async throws -> EarlyWarning? {
        try await pool.read { db in
            try Row.fetchOne(db, cached: "SELECT * FROM warnings WHERE id = ?", arguments: [id]).map { try self.warning(from: $0, db) }
        }
    }

    public func warnings(containing id: CaseID) async throws -> [EarlyWarning] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                cached: """
                    SELECT w.* FROM warnings w JOIN warning_members m ON m.warning_id = w.id
                    WHERE m.case_id = ? ORDER BY w.last_case_at DESC
                    """,
                arguments: [id.description]).map { try self.warning(from: $0, db) }
        }
    }

    public func warningEvents(id: String) async throws -> [WarningEvent] {
        try await pool.read { db in
            try Row.fetchAll(db, cached: "SELECT * FROM warning_events WHERE warning_id = ? ORDER BY seq", arguments: [id]).map {
                WarningEvent(at: Date(timeIntervalSince1970: $0["at"]), actor: $0["actor"], action: $0["action"], detail: $0["detail"])
            }
        }
    }

    public func acknowledgeWarning(id: String, by actor: String, note: String?, at now: Date) async throws -> EarlyWarning {
        try await pool.write { db in
            guard let row = try Row.fetchOne(db, cached: "SELECT * FROM warnings WHERE id = ?", arguments: [id]) else {
                throw WarningStoreError.notFound(id)
            }
            if let by = row["acknowledged_by"] as String?, let at = row["acknowledged_at"] as Double? {
                throw WarningStoreError.alreadyAcknowledged(by: by, at: Date(timeIntervalSince1970: at))
            }
            let note = note?.nonEmpty
            try db.execute(
                cached: """
                    UPDATE warnings SET state = 'acknowledged', acknowledged_by = ?, acknowledged_at = ?,
                      acknowledgement_note = ?, updated_at = ? WHERE id = ?
                    """,
                arguments: [actor, now.timeIntervalSince1970, note, now.timeIntervalSince1970, id])
            try self.insertWarningEvent(id, actor: actor, action: "acknowledged", detail: note, at: now, db)
            return try self.warning(from: try Row.fetchOne(db, cached: "SELECT * FROM warnings WHERE id = ?", arguments: [id])!, db)
        }
    }
}
