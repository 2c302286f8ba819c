import Foundation
import GRDB
import Metrics
import MinqingCore

extension SQLiteCaseStore: RelatedCaseStore {
    static func registerRelatedMigrations(_ m: inout DatabaseMigrator) {
        // Fingerprints and the LSH band index (docs/repeats-and-warnings.md#storage). Band rows are needed only for
        // the comparison window; intake prunes older ones a few at a time.
        m.registerMigration("v4-related-cases") { db in
            try db.execute(sql: """
                CREATE TABLE case_fingerprints (
                    case_id TEXT PRIMARY KEY REFERENCES cases(id),
                    registered_at REAL NOT NULL,
                    village TEXT,
                    category TEXT,
                    phone TEXT,
                    id_number TEXT,
                    phones TEXT NOT NULL,
                    group_words INTEGER NOT NULL,
                    signature BLOB NOT NULL
                );
                CREATE INDEX case_fingerprints_phone ON case_fingerprints (phone, registered_at) WHERE phone IS NOT NULL;
                CREATE INDEX case_fingerprints_id ON case_fingerprints (id_number, registered_at) WHERE id_number IS NOT NULL;
                CREATE INDEX case_fingerprints_village ON case_fingerprints (village, registered_at);
                CREATE INDEX case_fingerprints_category ON case_fingerprints (category, registered_at);
                CREATE TABLE case_bands (
                    band_key INTEGER NOT NULL,
                    registered_at REAL NOT NULL,
                    case_id TEXT NOT NULL,
                    PRIMARY KEY (band_key, registered_at, case_id)
                ) WITHOUT ROWID;
                CREATE INDEX case_bands_age ON case_bands (registered_at);
                CREATE TABLE related_cases (
                    case_id TEXT NOT NULL REFERENCES cases(id),
                    related_id TEXT NOT NULL REFERENCES cases(id),
                    reason TEXT NOT NULL,
                    score REAL NOT NULL,
                    at REAL NOT NULL,
                    PRIMARY KEY (case_id, related_id)
                );
                CREATE INDEX related_cases_back ON related_cases (related_id);
                """)
        }
        m.registerMigration("v4-warnings") { db in
            try db.execute(sql: """
                CREATE TABLE warnings (
                    id TEXT PRIMARY KEY,
                    rule TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    scope TEXT NOT NULL,
                    state TEXT NOT NULL,
                    raised_at REAL NOT NULL,
                    updated_at REAL NOT NULL,
                    last_case_at REAL NOT NULL,
                    member_count INTEGER NOT NULL,
                    acknowledged_by TEXT,
                    acknowledged_at REAL,
                    acknowledgement_note TEXT
                );
                CREATE INDEX warnings_active ON warnings (rule, scope, last_case_at);
                CREATE INDEX warnings_recent ON warnings (last_case_at DESC);
                CREATE TABLE warning_members (
                    warning_id TEXT NOT NULL REFERENCES warnings(id),
                    case_id TEXT NOT NULL REFERENCES cases(id),
                    added_at REAL NOT NULL,
                    PRIMARY KEY (warning_id, case_id)
                );
                CREATE INDEX warning_members_case ON warning_members (case_id);
                CREATE TABLE warning_events (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    warning_id TEXT NOT NULL REFERENCES warnings(id),
                    at REAL NOT NULL,
                    actor TEXT NOT NULL,
                    action TEXT NOT NULL,
                    detail TEXT
                );
                CREATE INDEX warning_events_warning ON warning_events (warning_id, seq);
                """)
        }
        // v5: what a warning's notification lists — its newest members and its villages — read through indexes,
        // however large the cluster (a petition wave must not slow every intake batch as it grows).
        m.registerMigration("v5-warning-lookups") { db in
            try db.execute(sql: """
                ALTER TABLE warning_members ADD COLUMN registered_at REAL;
                UPDATE warning_members SET registered_at = (SELECT registered_at FROM cases WHERE cases.id = warning_members.case_id);
                CREATE INDEX warning_members_newest ON warning_members (warning_id, registered_at DESC, case_id DESC);
                CREATE TABLE warning_villages (
                    warning_id TEXT NOT NULL REFERENCES warnings(id),
                    village TEXT NOT NULL,
                    PRIMARY KEY (warning_id, village)
                );
                INSERT OR IGNORE INTO warning_villages (warning_id, village)
                  SELECT m.warning_id, COALESCE(f.village, '') FROM warning_members m JOIN case_fingerprints f ON f.case_id = m.case_id;
                """)
        }
    }

    /// The queue of new cases waiting for repeat detection (`RelatedCaseStore.detectPendingRepeats`): one row per
    /// case, appended on a rising key, with the signature computed at intake.
    static func registerRepeatQueueMigration(_ m: inout DatabaseMigrator) {
        m.registerMigration("v6-repeat-pending") { db in
            try db.execute(sql: """
                CREATE TABLE repeat_pending (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    case_id TEXT NOT NULL REFERENCES cases(id),
                    signature BLOB NOT NULL
                );
                """)
        }
    }

    /// Queues a new case for repeat detection, in the caller's (intake) transaction.
    func queueRepeatDetection(of id: CaseID, signature: MinHashSignature, _ db: Database) throws {
        try db.execute(
            cached: "INSERT INTO repeat_pending (case_id, signature) VALUES (?, ?)",
            arguments: [id.description, Data(signature.bytes)])
    }

    public func detectPendingRepeats(limit: Int, at now: Date) async throws -> Int {
        // One read of the rules per batch, as intake does; without warnings the queue is only emptied.
        let warnings = intakeRules.rules.warnings
        // Everything that only reads — the queued cases, their fingerprints, their candidates and the neighbours'
        // fingerprints — is prepared on a reader, so the single writer (which every intake batch waits for) does
        // only the writes. This detector is the only writer of fingerprints and band rows, and it runs one batch
        // at a time, so the snapshot holds every earlier batch; the batch's own earlier cases are added in memory.
        let queued = try await pool.read { db -> (first: Int64, last: Int64, prepared: [PreparedRepeat])? in
            // The queued cases with the columns their fingerprints are made of (decoding each case's whole document
            // was 6 % of the hub's samples under load). A queued case always exists (foreign key). A document that is
            // not JSON would make `json_extract` fail the whole read at every retry, so it is tested first.
            let rows = try Row.fetchAll(
                db,
                cached: """
                    SELECT q.seq, q.signature, c.id, c.registered_at, c.village, c.category,
                      CASE WHEN json_valid(c.doc) THEN json_extract(c.doc, '$.complainant.phone') END,
                      CASE WHEN json_valid(c.doc) THEN json_extract(c.doc, '$.complainant.id_number') END,
                      c.subject, c.body, json_valid(c.doc)
                    FROM (SELECT seq, case_id, signature FROM repeat_pending ORDER BY seq LIMIT ?) q
                    JOIN cases c ON c.id = q.case_id ORDER BY q.seq
                    """,
                arguments: [max(1, limit)])
            guard let first = rows.first, let last = rows.last else { return nil }
            guard let warnings else { return (first[0], last[0], []) }
            var prepared: [PreparedRepeat] = []
            for row in rows {
                do {
                    // An unreadable case is set aside uncompared (taken off the queue with the batch), not retried.
                    guard let id = CaseID(row[2] as String), row[10] as Bool else { throw UnreadableQueuedCase() }
                    let blob: Data = row[1] ?? Data()
                    let filed = CaseFingerprint.Filed(
                        caseID: id, registeredAt: Date(timeIntervalSince1970: row[3]), village: row[4], category: row[5],
                        phone: row[6], idNumber: row[7], subject: row[8], body: row[9])
                    let fp = CaseFingerprint(
                        filed: filed, signature: MinHashSignature(bytes: [UInt8](blob)), groupWords: warnings.groupWords,
                        villageAliases: warnings.villageAliases)
                    prepared.append(try self.prepareRepeat(seq: row[0], fp, earlier: prepared, warnings, db))
                } catch {
                    // This case stays without links (as when its write fails); the rest of the batch goes on.
                    Counter(label: "minqing_repeat_detection_failures_total").increment()
                }
            }
            return (first[0], last[0], prepared)
        }
        guard let queued else { return 0 }
        let taken = try await pool.write { db -> (count: Int, stored: [CaseFingerprint]) in
            // Only cases still queued: another process on this file may have taken some meanwhile.
            let still = Set(try Int64.fetchAll(
                db, cached: "SELECT seq FROM repeat_pending WHERE seq >= ? AND seq <= ?", arguments: [queued.first, queued.last]))
            guard !still.isEmpty else { return (0, []) }
            var stored: [CaseFingerprint] = []
            if let warnings {
                let grown = GrownWarnings()
                var failed = Set<CaseID>()
                for var p in queued.prepared where still.contains(p.seq) {
                    // A case that failed is not stored: the later ones are not linked to it or warned with it.
                    p.neighbours.removeAll { failed.contains($0.caseID) }
                    if self.recordRepeats(p, warnings, grown, at: now, db) {
                        stored.append(p.fingerprint)
                    } else {
                        failed.insert(p.fingerprint.caseID)
                    }
                }
                self.enqueueWarningUpdates(grown, warnings, at: now, db)
            }
            try db.execute(cached: "DELETE FROM repeat_pending WHERE seq >= ? AND seq <= ?", arguments: [queued.first, queued.last])
            return (still.count, stored)
        }
        fingerprintCache.insert(taken.stored)  // committed
        if taken.count > 0 { settings.outboxSignal.notify() }
        return taken.count
    }

    public func pendingRepeatCount() async throws -> Int {
        try await pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM repeat_pending") ?? 0 }
    }

    /// The signatures of new messages, computed before the write transaction (they need only the text).
    func signatures(for messages: [InboundMessage], _ warnings: WarningSettings?) -> [MinHashSignature?] {
        guard warnings != nil else { return messages.map { _ in nil } }
        return messages.map { MinHashSignature(text: CaseFingerprint.signatureText(subject: $0.subject, body: $0.body)) }
    }

    /// Finds the candidates of `fp` (`RepeatBatch.candidates`) among the stored fingerprints and the batch's
    /// `earlier` cases, and reads the stored ones' fingerprints, leaving out merged cases. Reads only.
    func prepareRepeat(
        seq: Int64, _ fp: CaseFingerprint, earlier: [PreparedRepeat], _ warnings: WarningSettings, _ db: Database
    ) throws -> PreparedRepeat {
        let since = RepeatBatch.since(of: fp, warnings)
        let bandKeys = LSHBands.keys(fp.signature)
        let ids = try RepeatBatch.candidates(
            for: fp, bandKeys: bandKeys, since: since, earlier: earlier, warnings,
            band: { key, since, limit in
                try String.fetchAll(
                    db,
                    cached: "SELECT case_id FROM case_bands WHERE band_key = ? AND registered_at >= ? ORDER BY registered_at DESC LIMIT ?",
                    arguments: [key, since.timeIntervalSince1970, limit])
            },
            key: { column, value, since, limit in
                try String.fetchAll(
                    db,
                    cached: """
                        SELECT case_id FROM case_fingerprints WHERE \(column.rawValue) = ? AND registered_at >= ?
                        ORDER BY registered_at DESC LIMIT ?
                        """,
                    arguments: [value, since.timeIntervalSince1970, limit])
            })
        let batch = Dictionary(earlier.map { ($0.fingerprint.caseID.description, $0.fingerprint) }, uniquingKeysWith: { a, _ in a })
        let fromBatch = ids.compactMap { batch[$0] }
        let stored = try fingerprints(ids.filter { batch[$0] == nil }, excludingMerged: true, db)
        return PreparedRepeat(seq: seq, fingerprint: fp, bandKeys: bandKeys, since: since, neighbours: stored + fromBatch)
    }

    /// Stores the fingerprint of a prepared case, links it to related cases and raises or grows warnings — in a
    /// savepoint of its own: if anything here fails, the case stays as it is, without links (and false is returned).
    func recordRepeats(_ p: PreparedRepeat, _ warnings: WarningSettings, _ grown: GrownWarnings, at now: Date, _ db: Database) -> Bool {
        do {
            try db.inSavepoint {
                try self.storeRepeats(p, warnings, grown, at: now, db)
                return .commit
            }
            return true
        } catch {
            Counter(label: "minqing_repeat_detection_failures_total").increment()
            return false
        }
    }

    private func storeRepeats(_ p: PreparedRepeat, _ warnings: WarningSettings, _ grown: GrownWarnings, at now: Date, _ db: Database) throws {
        let fp = p.fingerprint, id = fp.caseID.description
        try db.execute(
            cached: """
                INSERT INTO case_fingerprints (case_id, registered_at, village, category, phone, id_number, phones,
                  group_words, signature) VALUES (?,?,?,?,?,?,?,?,?)
                """,
            arguments: [
                id, fp.registeredAt.timeIntervalSince1970, fp.village, fp.category, fp.phone,
                fp.idNumber, String(decoding: try JSONEncoder().encode(fp.phones), as: UTF8.self), fp.hasGroupWords,
                Data(fp.signature.bytes),
            ])
        for key in Set(p.bandKeys) {
            try db.execute(
                cached: "INSERT OR IGNORE INTO case_bands (band_key, registered_at, case_id) VALUES (?,?,?)",
                arguments: [key, fp.registeredAt.timeIntervalSince1970, id])
        }
        try db.execute(
            cached: """
                DELETE FROM case_bands WHERE (band_key, registered_at, case_id) IN
                  (SELECT band_key, registered_at, case_id FROM case_bands WHERE registered_at < ? ORDER BY registered_at LIMIT ?)
                """,
            arguments: [p.since.timeIntervalSince1970, RepeatCandidates.prunePerCase])

        for link in RelatedCases.links(for: fp, among: p.neighbours, settings: warnings.related) {
            try db.execute(
                cached: "INSERT OR IGNORE INTO related_cases (case_id, related_id, reason, score, at) VALUES (?,?,?,?,?)",
                arguments: [id, link.caseID.description, link.reason.rawValue, link.score, now.timeIntervalSince1970])
        }
        try raiseWarnings(for: fp, neighbours: p.neighbours, warnings, grown, at: now, db)
    }

    /// Fingerprints of `ids` (any order); with `excludingMerged`, those of merged cases are left out. Cached ones
    /// (`fingerprintCache`) are not read again; only whether they were merged is.
    func fingerprints(_ ids: [String], excludingMerged: Bool, _ db: Database) throws -> [CaseFingerprint] {
        let cached = fingerprintCache.lookup(ids)
        var out = try readFingerprints(ids.filter { cached[$0] == nil }, excludingMerged: excludingMerged, db)
        fingerprintCache.insert(out)
        var merged: Set<String> = []
        if excludingMerged {
            let keys = Array(cached.keys)
            for start in stride(from: 0, to: keys.count, by: 500) {
                let chunk = Array(keys[start..<min(keys.count, start + 500)])
                merged.formUnion(try String.fetchAll(
                    db, sql: "SELECT id FROM cases WHERE status = 'merged' AND id IN (\(chunk.map { _ in "?" }.joined(separator: ",")))",
                    arguments: StatementArguments(chunk)))
            }
        }
        out += cached.values.filter { !merged.contains($0.caseID.description) }
        return out
    }

    private func readFingerprints(_ ids: [String], excludingMerged: Bool, _ db: Database) throws -> [CaseFingerprint] {
        var out: [CaseFingerprint] = []
        for start in stride(from: 0, to: ids.count, by: 500) {
            let chunk = Array(ids[start..<min(ids.count, start + 500)])
            let marks = chunk.map { _ in "?" }.joined(separator: ",")
            let merged = excludingMerged ? "AND c.status <> 'merged'" : ""
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Self.fingerprintColumns.map { "f.\($0)" }.joined(separator: ", "))
                    FROM case_fingerprints f JOIN cases c ON c.id = f.case_id WHERE f.case_id IN (\(marks)) \(merged)
                    """,
                arguments: StatementArguments(chunk))
            out += rows.compactMap(Self.fingerprint(from:))
        }
        return out
    }

    /// The columns `fingerprint(from:)` reads, in its order (read by position: a neighbour lookup decodes up to a
    /// hundred rows per new case, and looking columns up by name showed in the profile).
    static let fingerprintColumns = [
        "case_id", "registered_at", "village", "category", "phone", "id_number", "phones", "group_words", "signature",
    ]

    /// A fingerprint from a row of `fingerprintColumns`, in that order.
    static func fingerprint(from row: Row) -> CaseFingerprint? {
        guard let id = CaseID(row[0] as String) else { return nil }
        let phones = (row[6] as String?).map(CaseFingerprint.phones(fromColumn:)) ?? []
        let blob: Data = row[8] ?? Data()
        return CaseFingerprint(
            caseID: id, registeredAt: Date(timeIntervalSince1970: row[1]), village: row[2],
            category: row[3], phone: row[4], idNumber: row[5], phones: phones,
            hasGroupWords: row[7] ?? false, signature: MinHashSignature(bytes: [UInt8](blob)))
    }

    public func relatedCases(of id: CaseID) async throws -> [RelatedLink] {
        try await pool.read { db in
            let rows = try Row.fetchAll(
                db,
                cached: """
                    SELECT r.related_id AS other, r.reason, r.score FROM related_cases r JOIN cases c ON c.id = r.related_id
                      WHERE r.case_id = ? AND c.status <> 'merged'
                    UNION ALL
                    SELECT r.case_id AS other, r.reason, r.score FROM related_cases r JOIN cases c ON c.id = r.case_id
                      WHERE r.related_id = ? AND c.status <> 'merged'
                    """,
                arguments: [id.description, id.description])
            return RelatedLink.strongest(rows.compactMap { row in
                guard let other = CaseID(row["other"] as String), let reason = RelatedReason(rawValue: row["reason"]) else { return nil }
                return RelatedLink(caseID: other, reason: reason, score: row["score"])
            })
        }
    }

    public func fingerprint(of id: CaseID) async throws -> CaseFingerprint? {
        try await pool.read { db in
            try Row.fetchOne(
                db, cached: "SELECT \(Self.fingerprintColumns.joined(separator: ", ")) FROM case_fingerprints WHERE case_id = ?",
                arguments: [id.description])
                .flatMap(Self.fingerprint(from:))
        }
    }
}
