import Foundation
import Metrics
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
            let queue = try await self.readQueue(limit: max(1, limit), c)
            guard let last = queue.last else { return 0 }
            if let warnings, !queue.rows.isEmpty {
                let prepared = try await self.prepareRepeats(queue.rows, warnings, c)
                try await self.storeRepeats(prepared, warnings, at: now, c)
            }
            try await self.exec("DELETE FROM repeat_pending WHERE seq <= \(last)", c)
            try await self.notifyPeers(outbox: true, cases: false, c)
            return queue.taken
        }
        if taken > 0 { settings.outboxSignal.notify() }
        return taken
    }

    /// The first `limit` queued cases with the columns their fingerprints are made of, not their whole documents;
    /// `last` is the last queue row taken and `taken` how many were. When one case's document cannot be read (a data
    /// exception: text that is not JSON) the whole read fails, so the batch is read again one case at a time, each
    /// in a savepoint, and the unreadable ones are set aside: taken off the queue uncompared (`UnreadableQueuedCase`).
    private func readQueue(limit: Int, _ c: PostgresConnection) async throws -> (rows: [PostgresRandomAccessRow], taken: Int, last: Int64?) {
        func read(after: Int64, limit: Int) async throws -> [PostgresRandomAccessRow] {
            try await self.rows("""
                SELECT q.seq, q.signature, c.id, c.registered_at, c.village, c.category, c.subject, c.body,
                  c.doc::jsonb #>> '{complainant,phone}' AS phone, c.doc::jsonb #>> '{complainant,id_number}' AS id_number
                FROM (SELECT seq, case_id, signature FROM repeat_pending WHERE seq > \(after) ORDER BY seq LIMIT \(limit)) q
                LEFT JOIN cases c ON c.id = q.case_id ORDER BY q.seq
                """, c)
        }
        try await exec("SAVEPOINT queue_read", c)
        do {
            let rows = try await read(after: 0, limit: limit)
            try await exec("RELEASE SAVEPOINT queue_read", c)
            return (rows, rows.count, try rows.last?.value("seq", as: Int64.self))
        } catch where Self.isUnreadable(error) {
            try await exec("ROLLBACK TO SAVEPOINT queue_read", c)
        }
        var rows: [PostgresRandomAccessRow] = []
        var taken = 0
        var last: Int64 = 0
        while taken < limit {
            do {
                guard let row = try await read(after: last, limit: 1).first else { break }
                rows.append(row)
                last = try row.value("seq", as: Int64.self)
            } catch where Self.isUnreadable(error) {
                try await exec("ROLLBACK TO SAVEPOINT queue_read", c)
                guard let head = try await self.rows(
                    "SELECT seq, case_id FROM repeat_pending WHERE seq > \(last) ORDER BY seq LIMIT 1", c).first else { break }
                last = try head.value("seq", as: Int64.self)
                setAside(try head.value("case_id", as: String.self), error)
            }
            taken += 1
        }
        try await exec("RELEASE SAVEPOINT queue_read", c)
        return (rows, taken, taken > 0 ? last : nil)
    }

    /// A data exception or corruption reported for one row (SQLSTATE classes 22 and XX), not a lost connection or a
    /// conflict, which are retried whole.
    static func isUnreadable(_ error: any Error) -> Bool {
        guard let state = (error as? PSQLError)?.serverInfo?[.sqlState] else { return false }
        return state.hasPrefix("22") || state == "XX001" || state == "XX002"
    }

    /// Counts and logs a queued case detection cannot read; it is taken off the queue uncompared.
    private func setAside(_ caseID: String, _ error: any Error) {
        Counter(label: "minqing_repeat_detection_failures_total").increment()
        logger.error("a queued case cannot be read; it is set aside without repeat detection", metadata: [
            "case.id": "\(caseID)", "error": "\(String(reflecting: error))"])
    }

    /// Sixty-four: a batch costs a fixed number of statements plus a few per case for warnings, and intake does
    /// not wait for it (it holds only the detection lock).
    public var repeatBatchSize: Int { 64 }

    public func pendingRepeatCount() async throws -> Int {
        try await read { c in try await self.rows("SELECT COUNT(*) AS n FROM repeat_pending", c).first?.value("n", as: Int.self) ?? 0 }
    }

    /// The batch's fingerprints and, for each, its neighbours (`RepeatBatch.candidates`), in a fixed number of
    /// statements whatever the batch's size: every band's and key's newest candidates are read at once
    /// (`PrefetchedCandidates`), then the fingerprints of all the stored ones.
    private func prepareRepeats(
        _ queued: [PostgresRandomAccessRow], _ warnings: WarningSettings, _ c: PostgresConnection
    ) async throws -> [PreparedRepeat] {
        var batch: [(seq: Int64, fp: CaseFingerprint, bandKeys: [Int64], since: Date)] = []
        for row in queued {
            do {
                guard let id = (try row.value("id", as: String?.self)).flatMap(CaseID.init) else {
                    throw UnreadableQueuedCase("its case is missing or its number is not a case number")
                }
                let signature = MinHashSignature(bytes: [UInt8](try row.value("signature", as: Data.self)))
                let fp = CaseFingerprint(
                    filed: .init(
                        caseID: id, registeredAt: try row.date("registered_at"), village: try row.value("village"),
                        category: try row.value("category"), phone: try row.value("phone"), idNumber: try row.value("id_number"),
                        subject: try row.value("subject"), body: try row.value("body")),
                    signature: signature, groupWords: warnings.groupWords, villageAliases: warnings.villageAliases)
                batch.append((try row.value("seq"), fp, LSHBands.keys(signature), RepeatBatch.since(of: fp, warnings)))
            } catch {
                setAside((try? row.value("id", as: String?.self)) ?? "?", error)
            }
        }
        let wanted = PrefetchedCandidates.wanted(batch.map { ($0.fp, $0.bandKeys, $0.since) }, warnings)
        var stored = PrefetchedCandidates()
        if !wanted.bands.isEmpty {
            let keys = Array(wanted.bands.keys)
            for row in try await rows("""
                SELECT k.key, b.case_id, b.registered_at FROM unnest(\(keys)::bigint[], \(keys.map { wanted.bands[$0]!.timeIntervalSince1970 })::double precision[]) AS k(key, since)
                CROSS JOIN LATERAL (
                  SELECT case_id, registered_at FROM case_bands WHERE band_key = k.key AND registered_at >= k.since
                  ORDER BY registered_at DESC LIMIT \(RepeatCandidates.perBand)) b
                ORDER BY k.key, b.registered_at DESC
                """, c) {
                stored.bands[try row.value("key", as: Int64.self), default: []].append(
                    .init(caseID: try row.value("case_id"), registeredAt: try row.date("registered_at")))
            }
        }
        for (column, values) in wanted.keys where !values.isEmpty {
            let names = Array(values.keys)
            var q = DynamicQuery()
            let namesBind = q.bind(names), sincesBind = q.bind(names.map { values[$0]!.timeIntervalSince1970 })
            for row in try await rows(q.query("""
                SELECT k.value, f.case_id, f.registered_at FROM unnest(\(namesBind)::text[], \(sincesBind)::double precision[]) AS k(value, since)
                CROSS JOIN LATERAL (
                  SELECT case_id, registered_at FROM case_fingerprints WHERE \(column.rawValue) = k.value AND registered_at >= k.since
                  ORDER BY registered_at DESC LIMIT \(RepeatCandidates.perKey)) f
                ORDER BY k.value, f.registered_at DESC
                """), c) {
                stored.keys[column, default: [:]][try row.value("value", as: String.self), default: []].append(
                    .init(caseID: try row.value("case_id"), registeredAt: try row.date("registered_at")))
            }
        }
        var prepared: [PreparedRepeat] = []
        var candidates: [Set<String>] = []
        for (seq, fp, bandKeys, since) in batch {
            let ids = RepeatBatch.candidates(
                for: fp, bandKeys: bandKeys, since: since, earlier: prepared, warnings,
                band: { stored.band($0, since: $1, limit: $2) }, key: { stored.key($0, $1, since: $2, limit: $3) })
            candidates.append(ids)
            prepared.append(PreparedRepeat(seq: seq, fingerprint: fp, bandKeys: bandKeys, since: since, neighbours: []))
        }
        let inBatch = Dictionary(prepared.map { ($0.fingerprint.caseID.description, $0.fingerprint) }, uniquingKeysWith: { a, _ in a })
        let neededStored = Set(candidates.joined()).filter { inBatch[$0] == nil }
        let storedPrints = Dictionary(
            try await fingerprints(Array(neededStored), c).map { ($0.caseID.description, $0) }, uniquingKeysWith: { a, _ in a })
        for i in prepared.indices {
            prepared[i].neighbours = candidates[i].compactMap { storedPrints[$0] ?? inBatch[$0] }
        }
        return prepared
    }

    /// Stores the batch's fingerprints, band rows and links in one statement each, then raises or grows warnings case
    /// by case (each depends on the previous ones). If any of it fails, it is undone and done again case by case,
    /// each in a savepoint of its own, so a failing case stays as it is — without links — and the rest are stored.
    private func storeRepeats(_ prepared: [PreparedRepeat], _ warnings: WarningSettings, at now: Date, _ c: PostgresConnection) async throws {
        guard !prepared.isEmpty else { return }
        try await exec("SAVEPOINT repeats_batch", c)
        do {
            let grown = GrownWarnings()
            try await writeRepeats(prepared, warnings, at: now, c)
            for p in prepared { try await raiseWarnings(for: p.fingerprint, neighbours: p.neighbours, warnings, grown, at: now, c) }
            _ = try await enqueueWarningUpdates(grown, warnings, at: now, c)
            try await exec("RELEASE SAVEPOINT repeats_batch", c)
            return
        } catch {
            try await exec("ROLLBACK TO SAVEPOINT repeats_batch", c)
            logger.warning("repeat detection of a batch failed; comparing its cases one by one", metadata: [
                "error": "\(String(reflecting: error))"])
        }
        let grown = GrownWarnings()
        var failed = Set<CaseID>()
        for var p in prepared {
            // A case that failed is not stored: the later ones are not linked to it or warned with it.
            p.neighbours.removeAll { failed.contains($0.caseID) }
            try await exec("SAVEPOINT repeats", c)
            do {
                try await writeRepeats([p], warnings, at: now, c)
                try await raiseWarnings(for: p.fingerprint, neighbours: p.neighbours, warnings, grown, at: now, c)
                try await exec("RELEASE SAVEPOINT repeats", c)
            } catch {
                failed.insert(p.fingerprint.caseID)
                try await exec("ROLLBACK TO SAVEPOINT repeats", c)
                Counter(label: "minqing_repeat_detection_failures_total").increment()
                logger.warning("repeat detection failed; the case is stored without links", metadata: [
                    "case.id": "\(p.fingerprint.caseID)", "error": "\(String(reflecting: error))",
                ])
            }
        }
        _ = try await enqueueWarningUpdates(grown, warnings, at: now, c)
    }

    /// The fingerprints, band rows (old ones pruned) and links of `prepared`, one statement each.
    private func writeRepeats(_ prepared: [PreparedRepeat], _ warnings: WarningSettings, at now: Date, _ c: PostgresConnection) async throws {
        var q = DynamicQuery()
        var values: [String] = []
        for p in prepared {
            let fp = p.fingerprint
            let phones = String(decoding: try JSONEncoder().encode(fp.phones), as: UTF8.self)
            values.append("""
                (\(q.bind(fp.caseID.description)), \(q.bind(fp.registeredAt.timeIntervalSince1970)), \(q.bind(fp.village)),
                 \(q.bind(fp.category)), \(q.bind(fp.phone)), \(q.bind(fp.idNumber)), \(q.bind(phones)), \(q.bind(fp.hasGroupWords)),
                 \(q.bind(Data(fp.signature.bytes))))
                """)
        }
        try await exec(q.query("""
            INSERT INTO case_fingerprints (case_id, registered_at, village, category, phone, id_number, phones, group_words, signature)
            VALUES \(values.joined(separator: ", "))
            """), c)
        var bandKeys: [Int64] = [], bandTimes: [Double] = [], bandIDs: [String] = []
        for p in prepared {
            for key in Set(p.bandKeys) {
                bandKeys.append(key)
                bandTimes.append(p.fingerprint.registeredAt.timeIntervalSince1970)
                bandIDs.append(p.fingerprint.caseID.description)
            }
        }
        try await exec("""
            INSERT INTO case_bands (band_key, registered_at, case_id)
            SELECT * FROM unnest(\(bandKeys)::bigint[], \(bandTimes)::double precision[], \(bandIDs)::text[]) ON CONFLICT DO NOTHING
            """, c)
        // Rows older than the earliest window of the batch; later cases' windows start later still.
        let since = prepared.map(\.since).min()!.timeIntervalSince1970
        try await exec("""
            DELETE FROM case_bands WHERE (band_key, registered_at, case_id) IN
              (SELECT band_key, registered_at, case_id FROM case_bands WHERE registered_at < \(since)
               ORDER BY registered_at LIMIT \(RepeatCandidates.prunePerCase * prepared.count))
            """, c)
        var from: [String] = [], to: [String] = [], reasons: [String] = [], scores: [Double] = []
        for p in prepared {
            for link in RelatedCases.links(for: p.fingerprint, among: p.neighbours, settings: warnings.related) {
                from.append(p.fingerprint.caseID.description)
                to.append(link.caseID.description)
                reasons.append(link.reason.rawValue)
                scores.append(link.score)
            }
        }
        guard !from.isEmpty else { return }
        try await exec("""
            INSERT INTO related_cases (case_id, related_id, reason, score, at)
            SELECT case_id, related, reason, score, \(now.timeIntervalSince1970)::double precision
            FROM unnest(\(from)::text[], \(to)::text[], \(reasons)::text[], \(scores)::double precision[]) AS l(case_id, related, reason, score)
            ON CONFLICT DO NOTHING
            """, c)
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
