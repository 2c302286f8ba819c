import Foundation
import GRDB
import MinqingCore

extension SQLiteCaseStore: LedgerStatistics {
    /// The condition that a case's `concerns` hold none of `count` bound references (the ledger's lists and the
    /// statistics leave out the cases about their reader).
    static func notConcerning(_ count: Int) -> String {
        let marks = Array(repeating: "?", count: count).joined(separator: ",")
        return "NOT EXISTS (SELECT 1 FROM json_each(cases.doc, '$.concerns') WHERE value IN (\(marks)))"
    }

    /// The replies of the audit trail by case: the statistics' first-reply lookups read only these rows.
    static func registerStatisticsMigration(_ m: inout DatabaseMigrator) {
        m.registerMigration("v4-audit-replies") { db in
            try db.execute(sql: "CREATE INDEX audit_reply ON audit_events (case_id, at) WHERE action = 'reply'")
        }
    }

    /// One `GROUP BY` over the period's cases (registration index); each case's first reply is one lookup on the
    /// audit trail's partial index of replies (`v4-audit-replies`).
    public func rates(_ query: RateQuery) async throws -> [RateRow] {
        let offset = settings.timeZone.secondsFromGMT()
        let key = switch query.dimension {
        case .village: "COALESCE(village, '')"
        case .category: "COALESCE(category, '')"
        case .channel: "channel"
        case .status: "status"
        case .week: "date(registered_at + \(offset), 'unixepoch', '-6 days', 'weekday 1')"
        }
        func list(_ values: [String]) -> String { values.map { "'\($0)'" }.joined(separator: ",") }
        let notTakenUp = list(CaseRates.notTakenUp.map(\.rawValue))
        let satisfied = list(CaseRates.satisfiedAnswers.map(\.rawValue))
        let unrated = list(CaseRates.unrated.map(\.rawValue))
        var clauses: [String] = []
        var args: [(any DatabaseValueConvertible)?] = []
        if let from = query.registeredFrom { clauses.append("registered_at >= ?"); args.append(from.timeIntervalSince1970) }
        if let to = query.registeredTo { clauses.append("registered_at < ?"); args.append(to.timeIntervalSince1970) }
        if !query.excludingConcerns.isEmpty {
            clauses.append(Self.notConcerning(query.excludingConcerns.count))
            args += query.excludingConcerns
        }
        let whereSQL = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        args.append(query.now.timeIntervalSince1970)
        // Materialised, so each case's first reply is looked up once (a flattened subquery would repeat it per use).
        let sql = """
            WITH period AS MATERIALIZED (
              SELECT \(key) AS k, status, deadline,
                (SELECT MIN(a.at) FROM audit_events a WHERE a.case_id = cases.id AND a.action = 'reply') AS fr,
                json_extract(doc, '$.satisfaction') AS sat
              FROM cases \(whereSQL))
            SELECT k, COUNT(*) AS cases,
              SUM(status NOT IN (\(notTakenUp))) AS taken_up,
              SUM(status NOT IN (\(notTakenUp)) AND fr IS NOT NULL) AS replied,
              SUM(deadline IS NOT NULL AND (fr IS NOT NULL OR ? > deadline)) AS due_or_replied,
              SUM(deadline IS NOT NULL AND fr IS NOT NULL AND fr <= deadline) AS on_time,
              SUM(sat IS NOT NULL AND sat NOT IN (\(unrated))) AS rated,
              SUM(sat IS NOT NULL AND sat IN (\(satisfied))) AS satisfied
            FROM period GROUP BY k
            """
        let rows = try await pool.read { db in try Row.fetchAll(db, sql: sql, arguments: StatementArguments(args)) }
        return RateRow.ordered(rows.map { row in
            RateRow(key: row["k"] ?? "", rates: CaseRates(
                cases: row["cases"], takenUp: row["taken_up"], replied: row["replied"], dueOrReplied: row["due_or_replied"],
                onTime: row["on_time"], rated: row["rated"], satisfied: row["satisfied"]))
        }, by: query.dimension)
    }
}
