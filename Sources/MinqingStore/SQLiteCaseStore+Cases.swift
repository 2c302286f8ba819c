import Foundation
import GRDB
import MinqingCore

extension SQLiteCaseStore {
    public func fetchCase(_ id: CaseID) async throws -> CaseRecord? {
        try await pool.read { db in try self.loadCase(id.description, db) }
    }

    /// Two fields of the document instead of the whole case: the dispatcher asks this before every send, and
    /// decoding whole cases there was 4 % of the hub's samples under load.
    public func sendingFacts(of id: CaseID) async throws -> CaseSendingFacts? {
        try await pool.read { db in
            guard let row = try Row.fetchOne(
                db,
                cached: "SELECT json_extract(doc, '$.concerns'), json_extract(doc, '$.citizen_opt_out') FROM cases WHERE id = ?",
                arguments: [id.description])
            else { return nil }
            // A document that does not decode throws, as reading the whole case would: the caller then keeps the
            // row's own copy rather than trusting an empty list.
            let concerns: String = row[0] ?? "[]"
            return CaseSendingFacts(
                concerns: concerns == "[]" ? [] : try self.decoder.decode([String].self, from: Data(concerns.utf8)),
                citizenOptOut: (row[1] as Bool?) == true)
        }
    }

    public func auditTrail(of id: CaseID) async throws -> [AuditEvent] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM audit_events WHERE case_id = ? ORDER BY seq", arguments: [id.description])
                .map { row in
                    let details: String = row["details"]
                    return AuditEvent(
                        seq: row["seq"], caseID: id, at: Date(timeIntervalSince1970: row["at"]), actor: row["actor"],
                        action: row["action"], from: (row["from_status"] as String?).flatMap(CaseStatus.init(rawValue:)),
                        to: try CaseStoreError.stored(row["to_status"], as: CaseStatus.self, at: "audit_events.to_status"), reason: row["reason"],
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

    /// The statements of one list query: its page read by a scan of the list's indexes or from the text index's
    /// candidates, and its count.
    struct ListStatements: Sendable {
        var match: String?
        var scanPage: (sql: String, arguments: StatementArguments)
        var indexedPage: (sql: String, arguments: StatementArguments)
        var count: (sql: String, arguments: StatementArguments)
        /// The count along the list's indexes, for a common text with another filter.
        var scanCount: (sql: String, arguments: StatementArguments)
        var countsByScan: Bool
        var limit: Int
        var cap: Int

        /// Whether the page is read from the text index's candidates: when the text is rare enough.
        func readsCandidates(_ db: Database) throws -> Bool {
            guard let match else { return false }
            let candidates = try Int.fetchOne(
                db, sql: "SELECT count(*) FROM (SELECT 1 FROM case_search WHERE case_search MATCH ? LIMIT \(CaseTextSearch.drivingLimit + 1))",
                arguments: [match]) ?? 0
            return candidates <= CaseTextSearch.drivingLimit
        }
    }

    public func searchCases(_ query: CaseQuery) async throws -> CasePage {
        let statements = try listStatements(query)
        return try await pool.read { db in
            // Candidates from the index when the text is rare; otherwise the list's index in order (docs/search-and-paging.md).
            let driven = try statements.readsCandidates(db)
            let page = driven ? statements.indexedPage : statements.scanPage
            var docs = try String.fetchAll(db, sql: page.sql, arguments: page.arguments)
            let more = docs.count > statements.limit
            if more { docs.removeLast() }
            let count = !driven && statements.countsByScan ? statements.scanCount : statements.count
            let counted = try Int.fetchOne(db, sql: "SELECT count(*) FROM (\(count.sql))", arguments: count.arguments) ?? 0
            let items = try docs.map { try self.decoder.decode(CaseRecord.self, from: Data($0.utf8)) }
            return CasePage(
                total: min(counted, statements.cap), items: items, totalCapped: counted > statements.cap,
                nextCursor: more ? items.last.map(CaseCursor.init(after:)) : nil)
        }
    }

    /// The query plan (`EXPLAIN QUERY PLAN` details) of the page and of the count `searchCases` would read for
    /// `query` — for tests and benchmarks that check every filter is served by an index in order.
    public func explainSearch(_ query: CaseQuery) async throws -> (page: [String], count: [String]) {
        let statements = try listStatements(query)
        return try await pool.read { db in
            let page = try statements.readsCandidates(db) ? statements.indexedPage : statements.scanPage
            func plan(_ s: (sql: String, arguments: StatementArguments)) throws -> [String] {
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + s.sql, arguments: s.arguments).map { $0["detail"] }
            }
            return (try plan(page), try plan((sql: "SELECT count(*) FROM (\(statements.count.sql))", arguments: statements.count.arguments)))
        }
    }

    func listStatements(_ query: CaseQuery) throws -> ListStatements {
        var clauses: [String] = []
        var args: [(any DatabaseValueConvertible)?] = []
        let statuses = Array(Set(query.statuses.map(\.rawValue))).sorted()
        if !statuses.isEmpty {
            clauses.append("status IN (\(statuses.map { _ in "?" }.joined(separator: ",")))")
            args += statuses
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
        var textMatch: String?
        if let text = try query.text.map(CaseQuery.checkedText)?.nonEmpty {
            // The exact test; the search index (`case_search`) only chooses which cases are tested.
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
            textMatch = CaseTextSearch(text: text, matchesPII: query.textMatchesPII).fts5Match
        }
        if !query.excludingConcerns.isEmpty {
            clauses.append(Self.notConcerning(query.excludingConcerns.count))
            args += query.excludingConcerns
        }
        var pageClauses = clauses
        var pageArgs = args
        if let cursor = query.cursor {
            pageClauses.append("(registered_at, seq) < (?, ?)")
            pageArgs += [cursor.registeredAt, cursor.seq]
        }
        let match = textMatch
        let limit = min(max(query.limit, 1), CaseQuery.maxLimit)
        let offset = Checked.clamp(query.offset, to: 0...CaseQuery.maxOffset)
        let cap = query.effectiveTotalCap
        func statement(_ select: String, _ clauses: [String], _ args: [(any DatabaseValueConvertible)?], indexed: Bool, _ tail: String)
            -> (sql: String, arguments: StatementArguments)
        {
            // CROSS JOIN keeps the index as the outer loop: SQLite walks the candidates, never the whole list.
            let from = indexed ? "case_search CROSS JOIN cases ON cases.rowid = case_search.rowid" : "cases"
            let all = (indexed ? ["case_search MATCH ?"] : []) + clauses
            let whereSQL = all.isEmpty ? "" : "WHERE " + all.joined(separator: " AND ")
            let head: [(any DatabaseValueConvertible)?] = indexed ? [match] : []
            return ("SELECT \(select) FROM \(from) \(whereSQL) \(tail)", StatementArguments(head + args))
        }
        let order = "ORDER BY cases.registered_at DESC, cases.seq DESC LIMIT \(limit + 1) OFFSET \(offset)"
        var scanPage = statement("cases.doc", pageClauses, pageArgs, indexed: false, order)
        if statuses.count > 1 {
            // One index range per status, each in order, merged: `status IN (…)` would sort every case of those statuses.
            var arms: [String] = []
            var armArgs: [(any DatabaseValueConvertible)?] = []
            let rest = Array(pageArgs.dropFirst(statuses.count))
            for status in statuses {
                let armArgList: [(any DatabaseValueConvertible)?] = [status] + rest
                let arm = statement(
                    "cases.doc, cases.registered_at, cases.seq", ["status = ?"] + Array(pageClauses.dropFirst()), armArgList,
                    indexed: false, "ORDER BY cases.registered_at DESC, cases.seq DESC LIMIT \(offset + limit + 1)")
                arms.append("SELECT * FROM (\(arm.sql))")
                armArgs += armArgList
            }
            scanPage = (
                "SELECT doc FROM (\(arms.joined(separator: " UNION ALL "))) ORDER BY registered_at DESC, seq DESC LIMIT \(limit + 1) OFFSET \(offset)",
                StatementArguments(armArgs))
        }
        let indexedPage = statement("cases.doc", pageClauses, pageArgs, indexed: true, order)
        // A count reads at most cap + 1 matches: through the index's candidates when there is text.
        // For a common text with another filter, along that filter's index (the text's matches are dense there).
        let count = statement("1", clauses, args, indexed: match != nil, "LIMIT \(cap + 1)")
        let scanCount = statement("1", clauses, args, indexed: false, "LIMIT \(cap + 1)")
        return ListStatements(
            match: match, scanPage: scanPage, indexedPage: indexedPage, count: count, scanCount: scanCount,
            countsByScan: query.hasListFilter, limit: limit, cap: cap)
    }

    // MARK: Search index

    /// Indexes new cases for text search, from their stored subject, body, id and phone (in the intake transaction).
    func indexCases(_ ids: [CaseID], _ db: Database) throws {
        guard !ids.isEmpty else { return }
        let rows = try Row.fetchCursor(
            db, sql: "SELECT rowid, id, subject, body, complainant_phone FROM cases WHERE id IN (\(ids.map { _ in "?" }.joined(separator: ",")))",
            arguments: StatementArguments(ids.map(\.description)))
        while let row = try rows.next() { try Self.indexRow(row, db) }
    }

    /// Writes the search tokens of one `cases` row (rowid, id, subject, body, complainant_phone).
    static func indexRow(_ row: Row, _ db: Database) throws {
        let tokens = CaseTextSearch.tokens(id: row["id"], subject: row["subject"], body: row["body"], phone: row["complainant_phone"])
        try db.execute(sql: "INSERT INTO case_search (rowid, tokens) VALUES (?, ?)", arguments: [row["rowid"] as Int64, tokens.joined(separator: " ")])
    }

    /// The list indexes (one per filter, each in the list's order) and the text index, filled for the cases stored.
    static func registerSearchMigrations(_ m: inout DatabaseMigrator) {
        m.registerMigration("v5-list-indexes") { db in
            // Each filter reads its matches already in the list's order: a page (or a cursor page however deep) is
            // an index range, and a count reads at most the cap's entries. Nullable columns index only set values.
            try db.execute(sql: """
                DROP INDEX IF EXISTS cases_village;
                CREATE INDEX cases_village_list ON cases (village, registered_at DESC, seq DESC) WHERE village IS NOT NULL;
                CREATE INDEX cases_status_list ON cases (status, registered_at DESC, seq DESC);
                CREATE INDEX cases_channel_list ON cases (channel, registered_at DESC, seq DESC);
                CREATE INDEX cases_category_list ON cases (category, registered_at DESC, seq DESC) WHERE category IS NOT NULL;
                CREATE INDEX cases_leader_list ON cases (leader, registered_at DESC, seq DESC) WHERE leader IS NOT NULL;
                CREATE INDEX cases_staff_list ON cases (staff, registered_at DESC, seq DESC) WHERE staff IS NOT NULL;
                """)
        }
        m.registerMigration("v5-case-search") { db in
            // Contentless (the text is in `cases`), no positions, no sizes: only which case holds which token.
            try db.execute(sql: """
                CREATE VIRTUAL TABLE case_search USING fts5(
                    tokens, tokenize = 'ascii', content = '', detail = none, columnsize = 0)
                """)
            let rows = try Row.fetchCursor(db, sql: "SELECT rowid, id, subject, body, complainant_phone FROM cases")
            while let row = try rows.next() { try indexRow(row, db) }
        }
    }
}

extension String {
    func ifEmpty(_ replacement: String) -> String { isEmpty ? replacement : self }
}
