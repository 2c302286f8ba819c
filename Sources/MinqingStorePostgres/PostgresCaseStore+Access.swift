import Foundation
import MinqingCore
import MinqingStore
import PostgresNIO

// MARK: HotlineLedger

extension PostgresCaseStore {
    public func saveCalls(_ calls: [StoredCall], cursor: (source: String, cursor: SourceCursor)?) async throws {
        guard !calls.isEmpty || cursor != nil else { return }
        try await transaction { c in
            for call in calls {
                try await self.exec("""
                    INSERT INTO call_records (call_id, caller, started_at, result, doc, case_id, role, updated_at)
                    VALUES (\(call.callID), \(call.caller), \(call.startedAt.timeIntervalSince1970), \(call.result), \(call.document),
                      \(call.caseID?.description), \(call.role), \(call.updatedAt.timeIntervalSince1970))
                    ON CONFLICT (call_id) DO UPDATE SET caller = EXCLUDED.caller, started_at = EXCLUDED.started_at,
                      result = EXCLUDED.result, doc = EXCLUDED.doc,
                      case_id = COALESCE(EXCLUDED.case_id, call_records.case_id), role = COALESCE(EXCLUDED.role, call_records.role),
                      updated_at = EXCLUDED.updated_at
                    """, c)
            }
            if let (source, cur) = cursor {
                try await self.exec("""
                    INSERT INTO source_cursors (source, file_id, "offset", line, updated_at)
                    VALUES (\(source), \(cur.fileID), \(cur.offset), \(cur.line), \(Date().timeIntervalSince1970))
                    ON CONFLICT (source) DO UPDATE SET file_id = EXCLUDED.file_id, "offset" = EXCLUDED."offset",
                      line = EXCLUDED.line, updated_at = EXCLUDED.updated_at
                    """, c)
            }
        }
    }

    public func call(_ callID: String) async throws -> StoredCall? {
        try await read { c in
            try await self.rows("SELECT * FROM call_records WHERE call_id = \(callID)", c).first.map { row in
                StoredCall(
                    callID: try row.value("call_id"), caller: try row.value("caller"), startedAt: try row.date("started_at"),
                    result: try row.value("result"), document: try row.value("doc", as: Data.self),
                    caseID: try row.value("case_id", as: String?.self).flatMap(CaseID.init),
                    role: try row.value("role", as: String?.self), updatedAt: try row.date("updated_at"))
            }
        }
    }

    public func cases(withPhone phone: String, limit: Int) async throws -> [CaseRecord] {
        let normalised = PhoneNumber.normalised(phone)
        guard !normalised.isEmpty else { return [] }
        return try await read { c in
            try await self.rows("""
                SELECT doc FROM cases WHERE complainant_phone = \(normalised) ORDER BY registered_at DESC, seq DESC LIMIT \(max(limit, 1))
                """, c).map { try self.decodeCase(try $0.value("doc")) }
        }
    }

    public func caseIDs(withPhone phone: String, limit: Int) async throws -> [CaseID] {
        let normalised = PhoneNumber.normalised(phone)
        guard !normalised.isEmpty else { return [] }
        return try await read { c in
            try await self.rows("""
                SELECT id FROM cases WHERE complainant_phone = \(normalised) ORDER BY registered_at DESC, seq DESC LIMIT \(max(limit, 1))
                """, c).compactMap { CaseID(try $0.value("id", as: String.self)) }
        }
    }

    public func openCallbackCases(for phone: String) async throws -> [CaseRecord] {
        let normalised = PhoneNumber.normalised(phone)
        guard !normalised.isEmpty else { return [] }
        let open = CaseStatus.allCases.filter(\.isOpen).map(\.rawValue)
        return try await read { c in
            try await self.rows("""
                SELECT DISTINCT c.doc, c.registered_at, c.seq FROM call_records r JOIN cases c ON c.id = r.case_id
                WHERE r.caller = \(normalised) AND r.role = 'callback' AND c.status = ANY(\(open))
                ORDER BY c.registered_at DESC, c.seq DESC
                """, c).map { try self.decodeCase(try $0.value("doc")) }
        }
    }

    public func cursor(for source: String) async throws -> SourceCursor? {
        try await read { c in
            try await self.rows("SELECT file_id, \"offset\", line FROM source_cursors WHERE source = \(source)", c).first.map {
                SourceCursor(fileID: try $0.value("file_id"), offset: try $0.value("offset"), line: try $0.value("line"))
            }
        }
    }

    @discardableResult
    public func keepRejected(_ input: RejectedInput) async throws -> Bool {
        let retention = settings.rejectedRetention
        return try await transaction { c in
            let kept = try await self.rows("""
                INSERT INTO rejected_inputs (source, fingerprint, line, "column", field, reason, raw, raw_bytes, at)
                VALUES (\(input.source), \(input.rawSHA256), \(input.line), \(input.column), \(input.field), \(input.reason),
                  \(input.raw), \(input.rawBytes), \(input.at.timeIntervalSince1970))
                ON CONFLICT (source, fingerprint) DO NOTHING
                RETURNING id
                """, c).count > 0
            try await self.exec("DELETE FROM rejected_inputs WHERE at < \(input.at.timeIntervalSince1970 - retention.maxAge)", c)
            try await self.exec("""
                DELETE FROM rejected_inputs
                WHERE id <= (SELECT id FROM rejected_inputs ORDER BY id DESC LIMIT 1 OFFSET \(max(retention.maxRows, 1)))
                """, c)
            return kept
        }
    }

    public func rejectedInputs(source: String?, limit: Int) async throws -> [RejectedInput] {
        try await read { c in
            let rows = if let source {
                try await self.rows("SELECT * FROM rejected_inputs WHERE source = \(source) ORDER BY id LIMIT \(limit)", c)
            } else {
                try await self.rows("SELECT * FROM rejected_inputs ORDER BY id LIMIT \(limit)", c)
            }
            return try rows.map { r in
                RejectedInput(
                    id: try r.value("id", as: Int64.self), source: try r.value("source"), line: try r.value("line", as: Int?.self),
                    column: try r.value("column", as: Int?.self), field: try r.value("field"), reason: try r.value("reason"),
                    excerpt: try r.value("raw", as: Data.self), rawSHA256: try r.value("fingerprint"),
                    rawBytes: try r.value("raw_bytes"), at: try r.date("at"))
            }
        }
    }
}

// MARK: AccessStore

extension PostgresCaseStore {
    public func insertSession(_ s: StoredSession) async throws {
        try await read { c in
            try await self.exec("""
                INSERT INTO console_sessions (id_hash, user_id, csrf, expires)
                VALUES (\(s.idHash), \(s.userID), \(s.csrf), \(s.expires.timeIntervalSince1970))
                """, c)
        }
    }

    public func session(idHash: String, at now: Date) async throws -> StoredSession? {
        try await read { c in
            try await self.rows("""
                SELECT user_id, csrf, expires FROM console_sessions WHERE id_hash = \(idHash) AND expires > \(now.timeIntervalSince1970)
                """, c).first.map {
                StoredSession(idHash: idHash, userID: try $0.value("user_id"), csrf: try $0.value("csrf"), expires: try $0.date("expires"))
            }
        }
    }

    public func deleteSession(idHash: String) async throws {
        try await read { c in try await self.exec("DELETE FROM console_sessions WHERE id_hash = \(idHash)", c) }
    }

    @discardableResult
    public func deleteSessions(userID: String) async throws -> Int {
        try await read { c in
            try await self.rows("DELETE FROM console_sessions WHERE user_id = \(userID) RETURNING id_hash", c).count
        }
    }

    @discardableResult
    public func deleteSessions(expiredBefore now: Date) async throws -> Int {
        try await read { c in
            try await self.rows("DELETE FROM console_sessions WHERE expires <= \(now.timeIntervalSince1970) RETURNING id_hash", c).count
        }
    }

    public func feedSecret(person: String) async throws -> String? {
        try await read { c in try await self.rows("SELECT secret FROM feed_secrets WHERE person = \(person)", c).first?.value("secret") }
    }

    public func feedPerson(secret: String) async throws -> String? {
        try await read { c in try await self.rows("SELECT person FROM feed_secrets WHERE secret = \(secret)", c).first?.value("person") }
    }

    public func saveFeedSecret(_ secret: String, person: String, at now: Date) async throws {
        try await read { c in
            try await self.exec("""
                INSERT INTO feed_secrets (person, secret, created_at) VALUES (\(person), \(secret), \(now.timeIntervalSince1970))
                ON CONFLICT (person) DO UPDATE SET secret = EXCLUDED.secret, created_at = EXCLUDED.created_at
                """, c)
        }
    }

    /// Atomic across instances: the key's advisory lock makes parallel reservations for one key take turns, so
    /// they cannot all count fewer than `limit` and all slip in.
    public func reserveAttempt(key: String, limit: Int, since: Date, at now: Date) async throws -> Int64? {
        try await transaction { c in
            try await self.exec("SELECT pg_advisory_xact_lock(hashtextextended(\("minqing.attempt:" + key), 0))", c)
            try await self.exec("""
                DELETE FROM lookup_attempts
                WHERE (key = \(key) AND at <= \(since.timeIntervalSince1970)) OR at <= \(now.timeIntervalSince1970 - attemptRetention)
                """, c)
            let count = try await self.rows("SELECT COUNT(*) AS n FROM lookup_attempts WHERE key = \(key)", c).first?
                .value("n", as: Int.self) ?? 0
            guard count < limit else { return nil }
            return try await self.rows("""
                INSERT INTO lookup_attempts (key, at) VALUES (\(key), \(now.timeIntervalSince1970)) RETURNING id
                """, c).first!.value("id", as: Int64.self)
        }
    }

    public func releaseAttempt(_ id: Int64) async throws {
        try await read { c in try await self.exec("DELETE FROM lookup_attempts WHERE id = \(id)", c) }
    }

    public func hubSecret(named name: String, make: @Sendable () -> Data) async throws -> Data {
        try await read { c in
            try await self.exec("INSERT INTO hub_secrets (name, value) VALUES (\(name), \(make())) ON CONFLICT (name) DO NOTHING", c)
            return try await self.rows("SELECT value FROM hub_secrets WHERE name = \(name)", c).first?.value("value", as: Data.self) ?? Data()
        }
    }
}
