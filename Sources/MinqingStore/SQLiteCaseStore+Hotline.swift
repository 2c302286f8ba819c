import Foundation
import GRDB
import MinqingCore

extension SQLiteCaseStore: HotlineLedger {
    static func registerHotlineMigration(_ m: inout DatabaseMigrator) {
        m.registerMigration("v2-hotline") { db in
            try db.execute(sql: """
                CREATE TABLE call_records (
                    call_id TEXT PRIMARY KEY,
                    caller TEXT NOT NULL,
                    started_at REAL NOT NULL,
                    result TEXT NOT NULL,
                    doc BLOB NOT NULL,
                    case_id TEXT REFERENCES cases(id),
                    role TEXT,
                    updated_at REAL NOT NULL
                );
                CREATE INDEX call_records_caller ON call_records (caller, role);
                CREATE TABLE source_cursors (
                    source TEXT PRIMARY KEY,
                    file_id TEXT NOT NULL,
                    "offset" INTEGER NOT NULL,
                    line INTEGER NOT NULL,
                    updated_at REAL NOT NULL
                );
                CREATE TABLE rejected_inputs (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    source TEXT NOT NULL,
                    fingerprint TEXT NOT NULL,
                    line INTEGER,
                    "column" INTEGER,
                    field TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    raw BLOB NOT NULL,
                    at REAL NOT NULL,
                    UNIQUE (source, fingerprint)
                );
                """)
        }
    }

    static func registerRejectedBodiesMigration(_ m: inout DatabaseMigrator) {
        // Rejected bodies keep an excerpt, the SHA-256 (`fingerprint`) and the size of the whole input.
        m.registerMigration("v4-rejected-bodies") { db in
            try db.execute(sql: """
                ALTER TABLE rejected_inputs ADD COLUMN raw_bytes INTEGER NOT NULL DEFAULT 0;
                UPDATE rejected_inputs SET raw_bytes = length(raw);
                UPDATE rejected_inputs SET raw = substr(raw, 1, \(RejectedInput.excerptLimit)) WHERE length(raw) > \(RejectedInput.excerptLimit);
                CREATE INDEX rejected_inputs_at ON rejected_inputs (at);
                """)
        }
    }

    public func saveCalls(_ calls: [StoredCall], cursor: (source: String, cursor: SourceCursor)?) async throws {
        guard !calls.isEmpty || cursor != nil else { return }
        try await pool.write { db in
            for c in calls {
                try db.execute(
                    sql: """
                        INSERT INTO call_records (call_id, caller, started_at, result, doc, case_id, role, updated_at)
                        VALUES (?,?,?,?,?,?,?,?)
                        ON CONFLICT (call_id) DO UPDATE SET caller = excluded.caller, started_at = excluded.started_at,
                          result = excluded.result, doc = excluded.doc,
                          case_id = COALESCE(excluded.case_id, case_id), role = COALESCE(excluded.role, role),
                          updated_at = excluded.updated_at
                        """,
                    arguments: [
                        c.callID, c.caller, c.startedAt.timeIntervalSince1970, c.result, c.document,
                        c.caseID?.description, c.role, c.updatedAt.timeIntervalSince1970,
                    ])
            }
            if let (source, cur) = cursor {
                try db.execute(
                    sql: """
                        INSERT INTO source_cursors (source, file_id, "offset", line, updated_at) VALUES (?,?,?,?,?)
                        ON CONFLICT (source) DO UPDATE SET file_id = excluded.file_id, "offset" = excluded."offset",
                          line = excluded.line, updated_at = excluded.updated_at
                        """,
                    arguments: [source, cur.fileID, cur.offset, cur.line, Date().timeIntervalSince1970])
            }
        }
    }

    public func call(_ callID: String) async throws -> StoredCall? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM call_records WHERE call_id = ?", arguments: [callID]).map(Self.storedCall)
        }
    }

    static func storedCall(_ row: Row) -> StoredCall {
        StoredCall(
            callID: row["call_id"], caller: row["caller"], startedAt: Date(timeIntervalSince1970: row["started_at"]),
            result: row["result"], document: row["doc"], caseID: (row["case_id"] as String?).flatMap(CaseID.init),
            role: row["role"], updatedAt: Date(timeIntervalSince1970: row["updated_at"]))
    }

    public func cases(withPhone phone: String, limit: Int) async throws -> [CaseRecord] {
        let normalised = PhoneNumber.normalised(phone)
        guard !normalised.isEmpty else { return [] }
        return try await pool.read { db in
            try String.fetchAll(
                db, sql: "SELECT doc FROM cases WHERE complainant_phone = ? ORDER BY registered_at DESC, seq DESC LIMIT ?",
                arguments: [normalised, max(limit, 1)]
            ).map { try self.decoder.decode(CaseRecord.self, from: Data($0.utf8)) }
        }
    }

    public func caseIDs(withPhone phone: String, limit: Int) async throws -> [CaseID] {
        let normalised = PhoneNumber.normalised(phone)
        guard !normalised.isEmpty else { return [] }
        return try await pool.read { db in
            try String.fetchAll(
                db, sql: "SELECT id FROM cases WHERE complainant_phone = ? ORDER BY registered_at DESC, seq DESC LIMIT ?",
                arguments: [normalised, max(limit, 1)]
            ).compactMap(CaseID.init)
        }
    }

    public func openCallbackCases(for phone: String) async throws -> [CaseRecord] {
        let normalised = PhoneNumber.normalised(phone)
        guard !normalised.isEmpty else { return [] }
        let open = CaseStatus.allCases.filter(\.isOpen).map { "'\($0.rawValue)'" }.joined(separator: ",")
        return try await pool.read { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT DISTINCT c.doc, c.registered_at, c.seq FROM call_records r JOIN cases c ON c.id = r.case_id
                    WHERE r.caller = ? AND r.role = 'callback' AND c.status IN (\(open))
                    ORDER BY c.registered_at DESC, c.seq DESC
                    """,
                arguments: [normalised]
            ).map { try self.decoder.decode(CaseRecord.self, from: Data($0.utf8)) }
        }
    }

    public func cursor(for source: String) async throws -> SourceCursor? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM source_cursors WHERE source = ?", arguments: [source]).map {
                SourceCursor(fileID: $0["file_id"], offset: $0["offset"], line: $0["line"])
            }
        }
    }

    @discardableResult
    public func keepRejected(_ input: RejectedInput) async throws -> Bool {
        try await pool.write { db in
            try db.execute(
                sql: """
                    INSERT OR IGNORE INTO rejected_inputs (source, fingerprint, line, "column", field, reason, raw, raw_bytes, at)
                    VALUES (?,?,?,?,?,?,?,?,?)
                    """,
                arguments: [
                    input.source, input.rawSHA256, input.line, input.column, input.field, input.reason,
                    input.raw, input.rawBytes, input.at.timeIntervalSince1970,
                ])
            let kept = db.changesCount > 0
            let retention = self.settings.rejectedRetention
            try db.execute(sql: "DELETE FROM rejected_inputs WHERE at < ?",
                           arguments: [input.at.timeIntervalSince1970 - retention.maxAge])
            try db.execute(
                sql: """
                    DELETE FROM rejected_inputs WHERE id <= (SELECT id FROM rejected_inputs ORDER BY id DESC LIMIT 1 OFFSET ?)
                    """,
                arguments: [max(retention.maxRows, 1)])
            return kept
        }
    }

    public func rejectedInputs(source: String?, limit: Int) async throws -> [RejectedInput] {
        try await pool.read { db in
            let rows: [Row]
            if let source {
                rows = try Row.fetchAll(
                    db, sql: "SELECT * FROM rejected_inputs WHERE source = ? ORDER BY id LIMIT ?", arguments: [source, limit])
            } else {
                rows = try Row.fetchAll(db, sql: "SELECT * FROM rejected_inputs ORDER BY id LIMIT ?", arguments: [limit])
            }
            return rows.map { r in
                RejectedInput(
                    id: r["id"], source: r["source"], line: r["line"], column: r["column"], field: r["field"],
                    reason: r["reason"], excerpt: r["raw"], rawSHA256: r["fingerprint"], rawBytes: r["raw_bytes"],
                    at: Date(timeIntervalSince1970: r["at"]))
            }
        }
    }
}
