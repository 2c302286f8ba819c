import Foundation
import Logging
import MinqingCore
import MinqingStore
import PostgresNIO

extension PostgresMigrations {
    /// Each filter of the ledger list reads its matches in the list's order (`registered_at DESC, seq DESC`), so a
    /// page or a cursor page however deep is an index range and a count reads at most the cap's entries.
    static let listIndexes = Step(name: "pg5-list-indexes", statements: [
        "DROP INDEX IF EXISTS cases_village",
        "CREATE INDEX cases_village_list ON cases (village, registered_at DESC, seq DESC) WHERE village IS NOT NULL",
        "CREATE INDEX cases_status_list ON cases (status, registered_at DESC, seq DESC)",
        "CREATE INDEX cases_channel_list ON cases (channel, registered_at DESC, seq DESC)",
        "CREATE INDEX cases_category_list ON cases (category, registered_at DESC, seq DESC) WHERE category IS NOT NULL",
        "CREATE INDEX cases_leader_list ON cases (leader, registered_at DESC, seq DESC) WHERE leader IS NOT NULL",
        "CREATE INDEX cases_staff_list ON cases (staff, registered_at DESC, seq DESC) WHERE staff IS NOT NULL",
    ])

    /// The text index: each case's `SearchGrams` tokens as a `tsvector` of lexemes taken as they are
    /// (`array_to_tsvector`, no parser), under a GIN index; filled for the cases already stored.
    static let caseSearch = Step(
        name: "pg5-case-search",
        statements: [
            "ALTER TABLE cases ADD COLUMN search tsvector",
            "CREATE INDEX cases_search ON cases USING gin (search)",
        ],
        backfill: { c, logger in try await PostgresMigrations.fillSearchIndex(c, logger: logger) })

    /// Sets `search` of every case from its stored subject, body, id and phone, a thousand cases per statement.
    static func fillSearchIndex(_ c: PostgresConnection, logger: Logger) async throws {
        var last = ""
        while true {
            var ids: [String] = []
            var tokens: [String] = []
            let rows = try await c.query("""
                SELECT id, subject, body, complainant_phone FROM cases WHERE id > \(last) ORDER BY id LIMIT 1000
                """, logger: logger)
            for try await (id, subject, body, phone) in rows.decode((String, String, String, String?).self) {
                ids.append(id)
                tokens.append(CaseTextSearch.tokens(id: id, subject: subject, body: body, phone: phone).joined(separator: " "))
            }
            guard let end = ids.last else { return }
            _ = try await c.query("""
                UPDATE cases AS c SET search = array_to_tsvector(string_to_array(v.t, ' '))
                FROM unnest(\(ids)::text[], \(tokens)::text[]) AS v(id, t) WHERE c.id = v.id
                """, logger: logger).collect()
            last = end
        }
    }
}

extension PostgresCaseStore {
    /// The statements of one list query: its page read from the text index's candidates or by the list's indexes
    /// in order, and its count.
    struct ListStatements {
        var tsquery: String?
        var indexed: PostgresQuery
        var scan: PostgresQuery
        var count: PostgresQuery
        /// The count along the list's indexes, for a common text with another filter.
        var scanCount: PostgresQuery
        var countsByScan: Bool
        var limit: Int
        var cap: Int
    }

    public func searchCases(_ query: CaseQuery) async throws -> CasePage {
        let statements = try Self.listStatements(query)
        return try await read { c in
            let driven = try await self.readsCandidates(statements, c)
            var docs = try await self.rows(driven ? statements.indexed : statements.scan, c)
                .map { try self.decodeCase(try $0.value("doc", as: String.self)) }
            let more = docs.count > statements.limit
            if more { docs.removeLast() }
            let count = !driven && statements.countsByScan ? statements.scanCount : statements.count
            let counted = try await self.rows(count, c).first?.value("n", as: Int.self) ?? 0
            return CasePage(
                total: min(counted, statements.cap), items: docs, totalCapped: counted > statements.cap,
                nextCursor: more ? docs.last.map(CaseCursor.init(after:)) : nil)
        }
    }

    /// The plans (`EXPLAIN`) of the page and of the count `searchCases` would read for `query` — for tests and
    /// benchmarks. Unless `asPlanned`, sequential scans (and, without text, bitmap scans) are disabled, so that on a
    /// small test table the plan shows whether an index serves the filter in the list's order: where one does, the
    /// planner needs no sort.
    public func explainSearch(_ query: CaseQuery, asPlanned: Bool = false) async throws -> (page: [String], count: [String]) {
        let statements = try Self.listStatements(query)
        return try await transaction { c in
            if !asPlanned {
                try await self.exec("SET LOCAL enable_seqscan = off", c)
                if statements.tsquery == nil { try await self.exec("SET LOCAL enable_bitmapscan = off", c) }
            }
            let driven = try await self.readsCandidates(statements, c)
            func plan(_ q: PostgresQuery) async throws -> [String] {
                var explain = q
                explain.sql = "EXPLAIN " + q.sql
                return try await self.rows(explain, c).map { try $0.value("QUERY PLAN", as: String.self) }
            }
            return (try await plan(driven ? statements.indexed : statements.scan), try await plan(statements.count))
        }
    }

    /// Whether the page is read from the text index's candidates: when the text is rare enough.
    private func readsCandidates(_ s: ListStatements, _ c: PostgresConnection) async throws -> Bool {
        guard let tsquery = s.tsquery else { return false }
        let candidates = try await rows("""
            SELECT count(*) AS n FROM (SELECT 1 FROM cases WHERE search @@ \(tsquery)::tsquery LIMIT \(CaseTextSearch.drivingLimit + 1)) AS candidates
            """, c).first?.value("n", as: Int.self) ?? 0
        return candidates <= CaseTextSearch.drivingLimit
    }

    static func listStatements(_ query: CaseQuery) throws -> ListStatements {
        let text = try query.text.map(CaseQuery.checkedText)?.nonEmpty
        let tsquery = text.flatMap { CaseTextSearch(text: $0, matchesPII: query.textMatchesPII).tsquery }
        let limit = min(max(query.limit, 1), CaseQuery.maxLimit)
        let offset = Checked.clamp(query.offset, to: 0...CaseQuery.maxOffset)
        let cap = query.effectiveTotalCap
        let order = "ORDER BY registered_at DESC, seq DESC LIMIT \(limit + 1) OFFSET \(offset)"
        // Candidates from the GIN index when the text is rare (materialised, so the planner cannot walk the whole
        // list instead); otherwise the list's index in order, each case re-checked (docs/search-and-paging.md).
        var indexed = DynamicQuery()
        let tsqueryBind = indexed.bind(tsquery ?? "")
        let indexedFilters = whereSQL(filters(query, text, cursor: true, &indexed))
        let indexedSQL = """
            WITH candidates AS MATERIALIZED (SELECT \(listColumns) FROM cases WHERE search @@ \(tsqueryBind)::tsquery)
            SELECT doc FROM candidates AS cases \(indexedFilters) \(order)
            """
        var scan = DynamicQuery()
        let scanSQL = "SELECT doc FROM cases \(whereSQL(filters(query, text, cursor: true, &scan))) \(order)"
        var count = DynamicQuery()
        var countClauses: [String] = []
        if let tsquery { countClauses.append("search @@ \(count.bind(tsquery))::tsquery") }
        countClauses += filters(query, text, cursor: false, &count)
        let countSQL = "SELECT count(*) AS n FROM (SELECT 1 FROM cases \(whereSQL(countClauses)) LIMIT \(cap + 1)) AS matches"
        var scanCount = DynamicQuery()
        let scanCountSQL = "SELECT count(*) AS n FROM (SELECT 1 FROM cases \(whereSQL(filters(query, text, cursor: false, &scanCount))) LIMIT \(cap + 1)) AS matches"
        return ListStatements(
            tsquery: tsquery, indexed: indexed.query(indexedSQL), scan: scan.query(scanSQL), count: count.query(countSQL),
            scanCount: scanCount.query(scanCountSQL), countsByScan: query.hasListFilter, limit: limit, cap: cap)
    }

    /// The columns the list's filters read (all but the text index).
    static let listColumns = """
        id, seq, channel, status, village, category, leader, staff, complainant_phone, subject, body, deadline,
        registered_at, doc
        """

    static func whereSQL(_ clauses: [String]) -> String { clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ") }

    /// The filters of `query` (with the exact text test, and the cursor when `cursor`), binding into `q`.
    static func filters(_ query: CaseQuery, _ text: String?, cursor: Bool, _ q: inout DynamicQuery) -> [String] {
        var clauses: [String] = []
        // One status as `=`: `= ANY(array)` would not let the planner read the status index in the list's order.
        if query.statuses.count == 1 {
            clauses.append("status = \(q.bind(query.statuses[0].rawValue))")
        } else if !query.statuses.isEmpty {
            clauses.append("status = ANY(\(q.bind(query.statuses.map(\.rawValue))))")
        }
        for (column, value) in [
            ("channel", query.channel?.rawValue), ("village", query.village), ("category", query.category),
            ("leader", query.leader), ("staff", query.staff),
        ] {
            if let value { clauses.append("\(column) = \(q.bind(value))") }
        }
        if let from = query.registeredFrom { clauses.append("registered_at >= \(q.bind(from.timeIntervalSince1970))") }
        if let to = query.registeredTo { clauses.append("registered_at < \(q.bind(to.timeIntervalSince1970))") }
        if let at = query.overdueAt {
            let open = CaseStatus.allCases.filter { $0.isOpen && $0 != .replied && $0 != .followedUp }.map(\.rawValue)
            clauses.append("deadline < \(q.bind(at.timeIntervalSince1970)) AND status = ANY(\(q.bind(open)))")
        }
        if let at = query.followUpOverdueAt {
            // Only replied cases are read (status index); the due time is in the document, ISO-8601 with offset.
            clauses.append("status = 'replied' AND (doc::jsonb ->> 'follow_up_due')::timestamptz < to_timestamp(\(q.bind(at.timeIntervalSince1970)))")
        }
        if let text {
            // ILIKE: SQLite's LIKE ignores ASCII case, and the ledger search must answer the same on both stores.
            let p = q.bind("%" + text.replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%")
            let like = { (column: String) in "\(column) ILIKE \(p) ESCAPE '\\'" }
            if query.textMatchesPII {
                let phone = q.bind("%" + (PhoneNumber.normalised(text).nonEmpty ?? "\u{1}") + "%")
                clauses.append("(\(like("subject")) OR \(like("body")) OR \(like("id")) OR complainant_phone LIKE \(phone) ESCAPE '\\')")
            } else if text.contains(where: \.isNumber) {
                clauses.append(like("id"))
            } else {
                clauses.append("(\(like("subject")) OR \(like("body")) OR \(like("id")))")
            }
        }
        if !query.excludingConcerns.isEmpty { clauses.append(Self.notConcerning(query.excludingConcerns, &q)) }
        if cursor, let after = query.cursor {
            // The plain bound starts the index range at the cursor even where a row comparison is only a filter.
            let at = q.bind(after.registeredAt)
            clauses.append("registered_at <= \(at) AND (registered_at, seq) < (\(at), \(q.bind(after.seq)))")
        }
        return clauses
    }
}
