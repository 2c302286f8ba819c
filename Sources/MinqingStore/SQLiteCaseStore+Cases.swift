import Foundation
import GRDB
import MinqingCore

extension SQLiteCaseStore {
    public func fetchCase(_ id: CaseID) async throws -> CaseRecord? {
        try await pool.read { db in try self.loadCase(id.description, db) }
    }

    public func auditTrail(of id: CaseID) async throws -> [AuditEvent] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM audit_events WHERE case_id = ? ORDER BY seq", arguments: [id.description])
                .map { row in
                    let details: String = row["details"]
                    return AuditEvent(
                        seq: row["seq"], caseID: id, at: Date(timeIntervalSince1970: row["at"]), actor: row["actor"],
                        action: row["action"], from: (row["from_status"] as String?).flatMap(CaseStatus.init(rawValue:)),
                        to: CaseStatus(rawValue: row["to_status"])!, reason: row["reason"],
                        details: try self.decoder.decode([String: String].self, from: Data(details.utf8)))
                }
        }
    }

    public func apply(
        _ action: CaseAction, to id: CaseID, actor: String, onBehalfOf: String?, expectedVersion: Int?, at now: Date
    ) async throws -> CaseRecord {
        defer {
            settings.outboxSignal.notify()
            settings.caseSignal.notify()
        }
        let policy = intakeRules.rules.policy
        return try await pool.write { db in
            guard let before = try self.loadCase(id.description, db) else { throw CaseStoreError.caseNotFound(id) }
            let target = try LedgerRules.mergeTarget(of: action).flatMap { try self.loadCase($0.description, db) }
            let (after, event) = try LedgerRules.transition(
                action, from: before, mergeTarget: target, actor: actor, onBehalfOf: onBehalfOf,
                expectedVersion: expectedVersion, at: now, policy: policy)
            let document = try self.updateCase(after, db)
            try self.insertEvent(event, db)
            try self.enqueueNotifications(for: CaseChange(before: before, after: after, event: event), document: document, at: now, db)
            return after
        }
    }

    public func searchCases(_ query: CaseQuery) async throws -> CasePage {
        var clauses: [String] = []
        var args: [(any DatabaseValueConvertible)?] = []
        if !query.statuses.isEmpty {
            clauses.append("status IN (\(query.statuses.map { _ in "?" }.joined(separator: ",")))")
            args += query.statuses.map(\.rawValue)
        }
        for (column, value) in [
            ("channel", query.channel?.rawValue), ("village", query.village), ("category", query.category),
            ("leader", query.leader), ("staff", query.staff),
        ] {
            if let value { clauses.append("\(column) = ?"); args.append(value) }
        }
        if let from = query.registeredFrom { clauses.append("registered_at >= ?"); args.append(from.timeIntervalSince1970) }
        if let to = query.registeredTo { clauses.append("registered_at < ?"); args.append(to.timeIntervalSince1970) }
        if let at = query.overdueAt {
            let open = CaseStatus.allCases.filter { $0.isOpen && $0 != .replied && $0 != .followedUp }
            clauses.append("deadline < ? AND status IN (\(open.map { "'\($0.rawValue)'" }.joined(separator: ",")))")
            args.append(at.timeIntervalSince1970)
        }
        if let at = query.followUpOverdueAt {
            // Only replied cases are read (status index); the due time is in the document, ISO-8601 with offset.
            clauses.append("status = 'replied' AND (julianday(json_extract(doc, '$.follow_up_due')) - 2440587.5) * 86400.0 < ?")
            args.append(at.timeIntervalSince1970)
        }
        if let text = try query.text.map(CaseQuery.checkedText)?.nonEmpty {
            let pattern = "%" + text.replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"
            if query.textMatchesPII {
                clauses.append(
                    "(subject LIKE ? ESCAPE '\\' OR body LIKE ? ESCAPE '\\' OR id LIKE ? ESCAPE '\\' OR complainant_phone LIKE ? ESCAPE '\\')")
                args += [pattern, pattern, pattern, "%" + PhoneNumber.normalised(text).ifEmpty("\u{1}") + "%"]
            } else if text.contains(where: \.isNumber) {
                clauses.append("id LIKE ? ESCAPE '\\'")
                args.append(pattern)
            } else {
                clauses.append("(subject LIKE ? ESCAPE '\\' OR body LIKE ? ESCAPE '\\' OR id LIKE ? ESCAPE '\\')")
                args += [pattern, pattern, pattern]
            }
        }
        if !query.excludingConcerns.isEmpty {
            let marks = query.excludingConcerns.map { _ in "?" }.joined(separator: ",")
            clauses.append("NOT EXISTS (SELECT 1 FROM json_each(cases.doc, '$.concerns') WHERE value IN (\(marks)))")
            args += query.excludingConcerns
        }
        let whereSQL = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        let limit = min(max(query.limit, 1), CaseQuery.maxLimit)
        let offset = Checked.clamp(query.offset, to: 0...CaseQuery.maxOffset)
        let arguments = StatementArguments(args)
        return try await pool.read { db in
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM cases \(whereSQL)", arguments: arguments) ?? 0
            let docs = try String.fetchAll(
                db,
                sql: "SELECT doc FROM cases \(whereSQL) ORDER BY registered_at DESC, seq DESC LIMIT \(limit) OFFSET \(offset)",
                arguments: arguments)
            return CasePage(total: total, items: try docs.map { try self.decoder.decode(CaseRecord.self, from: Data($0.utf8)) })
        }
    }
}

extension String {
    func ifEmpty(_ replacement: String) -> String { isEmpty ? replacement : self }
}
