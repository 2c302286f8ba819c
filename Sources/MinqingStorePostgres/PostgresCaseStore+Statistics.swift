import Foundation
import MinqingCore
import MinqingStore
import PostgresNIO

extension PostgresCaseStore: LedgerStatistics {
    /// The same aggregate as the SQLite ledger's: one `GROUP BY` over the period's cases, each first reply one
    /// index lookup on the audit trail.
    /// The condition that a case's `concerns` hold none of `references` (the ledger's lists and the statistics leave
    /// out the cases about their reader).
    static func notConcerning(_ references: [String], _ q: inout DynamicQuery) -> String {
        """
        NOT EXISTS (SELECT 1 FROM jsonb_array_elements_text(COALESCE(cases.doc::jsonb -> 'concerns', '[]'::jsonb)) AS v
                    WHERE v = ANY(\(q.bind(references))))
        """
    }

    public func rates(_ query: RateQuery) async throws -> [RateRow] {
        var q = DynamicQuery()
        let offset = q.bind(Double(settings.timeZone.secondsFromGMT()))
        let key = switch query.dimension {
        case .village: "COALESCE(village, '')"
        case .category: "COALESCE(category, '')"
        case .channel: "channel"
        case .status: "status"
        case .week: "to_char(date_trunc('week', to_timestamp(registered_at + \(offset)) AT TIME ZONE 'UTC'), 'YYYY-MM-DD')"
        }
        let now = q.bind(query.now.timeIntervalSince1970)
        let notTakenUp = q.bind(CaseRates.notTakenUp.map(\.rawValue))
        let satisfied = q.bind(CaseRates.satisfiedAnswers.map(\.rawValue))
        let unrated = q.bind(CaseRates.unrated.map(\.rawValue))
        var clauses: [String] = []
        if let from = query.registeredFrom { clauses.append("registered_at >= \(q.bind(from.timeIntervalSince1970))") }
        if let to = query.registeredTo { clauses.append("registered_at < \(q.bind(to.timeIntervalSince1970))") }
        if !query.excludingConcerns.isEmpty { clauses.append(Self.notConcerning(query.excludingConcerns, &q)) }
        let whereSQL = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        func count(_ condition: String) -> String { "COALESCE(SUM(CASE WHEN \(condition) THEN 1 ELSE 0 END), 0)::bigint" }
        // Materialised, so each case's first reply is looked up once.
        let sql = """
            WITH period AS MATERIALIZED (
              SELECT \(key) AS k, status, deadline,
                (SELECT MIN(a.at) FROM audit_events a WHERE a.case_id = cases.id AND a.action = 'reply') AS fr,
                doc::jsonb ->> 'satisfaction' AS sat
              FROM cases \(whereSQL))
            SELECT k, COUNT(*)::bigint AS cases,
              \(count("NOT (status = ANY(\(notTakenUp)))")) AS taken_up,
              \(count("NOT (status = ANY(\(notTakenUp))) AND fr IS NOT NULL")) AS replied,
              \(count("deadline IS NOT NULL AND (fr IS NOT NULL OR \(now) > deadline)")) AS due_or_replied,
              \(count("deadline IS NOT NULL AND fr IS NOT NULL AND fr <= deadline")) AS on_time,
              \(count("sat IS NOT NULL AND NOT (sat = ANY(\(unrated)))")) AS rated,
              \(count("sat IS NOT NULL AND sat = ANY(\(satisfied))")) AS satisfied
            FROM period GROUP BY k
            """
        let found = try await read { c in try await self.rows(q.query(sql), c) }
        return RateRow.ordered(try found.map { row in
            func n(_ column: String) throws -> Int { Int(try row.value(column, as: Int64.self)) }
            return RateRow(key: try row.value("k", as: String?.self) ?? "", rates: CaseRates(
                cases: try n("cases"), takenUp: try n("taken_up"), replied: try n("replied"),
                dueOrReplied: try n("due_or_replied"), onTime: try n("on_time"), rated: try n("rated"), satisfied: try n("satisfied")))
        }, by: query.dimension)
    }
}
