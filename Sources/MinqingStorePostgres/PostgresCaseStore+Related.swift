import Foundation
import MinqingCore
import MinqingStore
import PostgresNIO

/// Related cases on PostgreSQL: the same queue, fingerprints, LSH band index and links as the SQLite ledger
/// (docs/repeats-and-warnings.md). Intake only queues a new case (`repeat_pending`); `detectPendingRepeats` compares
/// under a transaction-level advisory lock, so two instances never evaluate one cluster at the same time.
extension PostgresCaseStore {
    /// The advisory lock key every repeat-detection transaction holds.
    static let repeatLock = "minqing.repeats"

    /// Queues a new case for repeat detection, in the caller's (intake) transaction, with its signature.
    func queueRepeatDetection(of id: CaseID, message: InboundMessage, _ c: PostgresConnection) async throws {
        let signature = MinHashSignature(text: CaseFingerprint.signatureText(subject: message.subject, body: message.body))
        try await exec("INSERT INTO repeat_pending (case_id, signature) VALUES (\(id.description), \(Data(signature.bytes)))", c)
    }

    public func detectPendingRepeats(limit: Int, at now: Date) async throws -> Int {
        let warnings = intakeRules.rules.warnings
        let taken = try await transaction { c -> Int in
            try await self.exec("SELECT pg_advisory_xact_lock(hashtextextended(\(Self.repeatLock), 0))", c)
            let queued = try await self.rows(
                "SELECT seq, case_id, signature FROM repeat_pending ORDER BY seq LIMIT \(max(1, limit))", c)
            guard let last = queued.last else { return 0 }
            if let warnings {
                let grown = GrownWarnings()
                for row in queued {
                    guard let record = try await self.loadCase(try row.value("case_id", as: String.self), c) else { continue }
                    let blob = try row.value("signature", as: Data.self)
                    try await self.recordRepeats(
                        of: record, signature: MinHashSignature(bytes: [UInt8](blob)), warnings, grown, at: now, c)
                }
                _ = try await self.enqueueWarningUpdates(grown, warnings, at: now, c)
            }
            try await self.exec("DELETE FROM repeat_pending WHERE seq <= \(try last.value("seq", as: Int64.self))", c)
            try await self.notifyPeers(outbox: true, cases: false, c)
            return queued.count
        }
        if taken > 0 { settings.outboxSignal.notify() }
        return taken
    }

    public func pendingRepeatCount() async throws -> Int {
        try await read { c in try await self.rows("SELECT COUNT(*) AS n FROM repeat_pending", c).first?.value("n", as: Int.self) ?? 0 }
    }

    /// Stores the fingerprint of a queued case, links it and raises or grows warnings, in a savepoint of its own:
    /// if anything here fails the case stays as it is, without links.
    func recordRepeats(
        of record: CaseRecord, signature: MinHashSignature, _ warnings: WarningSettings, _ grown: GrownWarnings, at now: Date,
        _ c: PostgresConnection
    ) async throws {
        try await exec("SAVEPOINT repeats", c)
        do {
            try await detectRepeats(of: record, signature: signature, warnings, grown, at: now, c)
            try await exec("RELEASE SAVEPOINT repeats", c)
        } catch {
            try await exec("ROLLBACK TO SAVEPOINT repeats", c)
            logger.warning("repeat detection failed; the case is stored without links", metadata: [
                "case.id": "\(record.id)", "error": "\(String(reflecting: error))",
            ])
        }
    }

    private func detectRepeats(
        of record: CaseRecord, signature: MinHashSignature, _ warnings: WarningSettings, _ grown: GrownWarnings, at now: Date,
        _ c: PostgresConnection
    ) async throws {
        let fp = CaseFingerprint(record: record, signature: signature, groupWords: warnings.groupWords, villageAliases: warnings.villageAliases)
        let since = fp.registeredAt.addingTimeInterval(-warnings.related.window).timeIntervalSince1970
        let bandKeys = LSHBands.keys(signature)
        var ids = Set<String>()
        // Every band's newest candidates in one round trip, those sharing the most bands kept
        // (`RepeatCandidates.strongest`, the same choice in SQL).
        for row in try await rows("""
            SELECT b.case_id FROM unnest(\(bandKeys)::bigint[]) AS k(key)
            CROSS JOIN LATERAL (
              SELECT case_id FROM case_bands WHERE band_key = k.key AND registered_at >= \(since)
              ORDER BY registered_at DESC LIMIT \(RepeatCandidates.perBand)) b
            GROUP BY b.case_id ORDER BY COUNT(*) DESC, b.case_id DESC LIMIT \(RepeatCandidates.byText)
            """, c) { ids.insert(try row.value("case_id")) }
        func byKey(_ column: String, _ value: String?, since: Double) async throws {
            guard let value else { return }
            var q = DynamicQuery()
            let sql = """
                SELECT case_id FROM case_fingerprints WHERE \(column) = \(q.bind(value)) AND registered_at >= \(q.bind(since))
                ORDER BY registered_at DESC LIMIT \(RepeatCandidates.perKey)
                """
            for row in try await rows(q.query(sql), c) { ids.insert(try row.value("case_id")) }
        }
        try await byKey("phone", fp.phone, since: since)
        try await byKey("id_number", fp.idNumber, since: since)
        for rule in warnings.rules {
            let ruleSince = fp.registeredAt.addingTimeInterval(-rule.within).timeIntervalSince1970
            switch rule.kind {
            case .similarInVillage: try await byKey("village", fp.village, since: ruleSince)
            case .categoryInTownship(let category, _, _) where category == fp.category: try await byKey("category", category, since: ruleSince)
            default: break
            }
        }
        ids.remove(record.id.description)
        let neighbours = try await fingerprints(Array(ids), c)

        let phones = String(decoding: try JSONEncoder().encode(fp.phones), as: UTF8.self)
        try await exec("""
            INSERT INTO case_fingerprints (case_id, registered_at, village, category, phone, id_number, phones, group_words, signature)
            VALUES (\(record.id.description), \(fp.registeredAt.timeIntervalSince1970), \(fp.village), \(fp.category), \(fp.phone),
              \(fp.idNumber), \(phones), \(fp.hasGroupWords), \(Data(signature.bytes)))
            """, c)
        try await exec("""
            INSERT INTO case_bands (band_key, registered_at, case_id)
            SELECT DISTINCT key, \(fp.registeredAt.timeIntervalSince1970)::double precision, \(record.id.description)::text
            FROM unnest(\(bandKeys)::bigint[]) AS k(key) ON CONFLICT DO NOTHING
            """, c)
        try await exec("""
            DELETE FROM case_bands WHERE (band_key, registered_at, case_id) IN
              (SELECT band_key, registered_at, case_id FROM case_bands WHERE registered_at < \(since)
               ORDER BY registered_at LIMIT \(RepeatCandidates.prunePerCase))
            """, c)
        let links = RelatedCases.links(for: fp, among: neighbours, settings: warnings.related)
        if !links.isEmpty {
            try await exec("""
                INSERT INTO related_cases (case_id, related_id, reason, score, at)
                SELECT \(record.id.description)::text, related, reason, score, \(now.timeIntervalSince1970)::double precision
                FROM unnest(\(links.map(\.caseID.description))::text[], \(links.map(\.reason.rawValue))::text[],
                            \(links.map(\.score))::double precision[]) AS l(related, reason, score)
                ON CONFLICT DO NOTHING
                """, c)
        }
        try await raiseWarnings(for: fp, neighbours: neighbours, warnings, grown, at: now, c)
    }

    /// Fingerprints of `ids` (any order), those of merged cases left out.
    private func fingerprints(_ ids: [String], _ c: PostgresConnection) async throws -> [CaseFingerprint] {
        guard !ids.isEmpty else { return [] }
        return try await rows("""
            SELECT f.* FROM case_fingerprints f JOIN cases c ON c.id = f.case_id
            WHERE f.case_id = ANY(\(ids)) AND c.status <> 'merged'
            """, c).compactMap(Self.fingerprint(from:))
    }

    static func fingerprint(from row: PostgresRandomAccessRow) throws -> CaseFingerprint? {
        guard let id = CaseID(try row.value("case_id", as: String.self)) else { return nil }
        let phones = (try row.value("phones", as: String?.self)).map(CaseFingerprint.phones(fromColumn:)) ?? []
        let blob = try row.value("signature", as: Data?.self) ?? Data()
        return CaseFingerprint(
            caseID: id, registeredAt: try row.date("registered_at"), village: try row.value("village"),
            category: try row.value("category"), phone: try row.value("phone"), idNumber: try row.value("id_number"),
            phones: phones, hasGroupWords: try row.value("group_words", as: Bool?.self) ?? false,
            signature: MinHashSignature(bytes: [UInt8](blob)))
    }

    public func relatedCases(of id: CaseID) async throws -> [RelatedLink] {
        try await read { c in
            let found = try await self.rows("""
                SELECT r.related_id AS other, r.reason, r.score FROM related_cases r JOIN cases c ON c.id = r.related_id
                  WHERE r.case_id = \(id.description) AND c.status <> 'merged'
                UNION ALL
                SELECT r.case_id AS other, r.reason, r.score FROM related_cases r JOIN cases c ON c.id = r.case_id
                  WHERE r.related_id = \(id.description) AND c.status <> 'merged'
                """, c)
            return RelatedLink.strongest(try found.compactMap { row in
                guard let other = CaseID(try row.value("other", as: String.self)),
                      let reason = RelatedReason(rawValue: try row.value("reason", as: String.self)) else { return nil }
                return RelatedLink(caseID: other, reason: reason, score: try row.value("score", as: Double.self))
            })
        }
    }

    public func fingerprint(of id: CaseID) async throws -> CaseFingerprint? {
        try await read { c in
            try await self.rows("SELECT * FROM case_fingerprints WHERE case_id = \(id.description)", c).first
                .flatMap(Self.fingerprint(from:))
        }
    }
}
