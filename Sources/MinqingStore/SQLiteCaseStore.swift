import Foundation
import GRDB
import MinqingCore

/// The embedded ledger: one SQLite file in WAL mode, `synchronous = FULL`, so a commit that returned survives
/// a crash of the process or the machine.
public final class SQLiteCaseStore: CaseStore {
    let pool: DatabasePool
    /// The ledger file.
    public let path: String
    let settings: LedgerSettings
    /// The factory, policy and warning rules in force (a configuration reload replaces them).
    let intakeRules: IntakeRulesSlot
    let encoder: JSONEncoder
    let decoder: JSONDecoder
    /// Fingerprints of recently compared cases (repeat detection's neighbours).
    let fingerprintCache = FingerprintCache()

    /// Opens (creating if needed) the ledger at `path` and migrates it to the current schema.
    public init(path: String, settings: LedgerSettings = .init()) throws {
        var config = Configuration()
        config.busyMode = .timeout(30)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA foreign_keys = ON")
            // SQLite's default page cache is 2 MB per connection: a group commit of 64 cases touches more pages
            // than that (case, fingerprint, band and outbox indexes), so it spilled dirty pages into the log mid-
            // transaction and read them back. The writer gets 64 MB (memory is only taken as pages are used). A
            // reader never spills, and the kernel's page cache keeps the file's hot pages anyway: 8 MB each, so the
            // caches stay under 64 + 5 × 8 MB however large the ledger grows (at 1M cases a 64 MB cache per reader
            // would have filled and passed the 250 MB memory budget on its own). Savepoint journals in memory, not
            // temporary files (https://www.sqlite.org/pragma.html#pragma_cache_size).
            try db.execute(sql: "PRAGMA cache_size = \(db.configuration.readonly ? -8192 : -65536)")
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
            // A restarted log is trimmed back to this size instead of keeping its largest size for ever.
            try db.execute(sql: "PRAGMA journal_size_limit = \(Self.walLimitBytes)")
        }
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        pool = try DatabasePool(path: path, configuration: config)
        // GRDB sets `synchronous = NORMAL` on the writer when it switches the file to WAL, after `prepareDatabase`
        // ran: without this line no commit was fsync'd, only checkpoints were, and a power cut could take back
        // messages already acknowledged. FULL syncs the log at every commit
        // (https://www.sqlite.org/pragma.html#pragma_synchronous). Readers never write, so only the writer matters.
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        self.path = path
        self.settings = settings
        intakeRules = settings.rulesSlot
        encoder = HubJSON.encoder(timeZone: settings.timeZone)
        decoder = HubJSON.decoder(timeZone: settings.timeZone)
        try Self.migrator.migrate(pool)
    }

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1-ledger") { db in
            try db.execute(sql: """
                CREATE TABLE case_sequences (day TEXT PRIMARY KEY, last INTEGER NOT NULL);
                CREATE TABLE cases (
                    id TEXT PRIMARY KEY,
                    day TEXT NOT NULL,
                    seq INTEGER NOT NULL,
                    channel TEXT NOT NULL,
                    source_ref TEXT NOT NULL,
                    status TEXT NOT NULL,
                    village TEXT, category TEXT, leader TEXT, staff TEXT,
                    complainant_phone TEXT,
                    subject TEXT NOT NULL,
                    body TEXT NOT NULL,
                    deadline REAL,
                    received_at REAL NOT NULL,
                    registered_at REAL NOT NULL,
                    updated_at REAL NOT NULL,
                    version INTEGER NOT NULL,
                    doc TEXT NOT NULL,
                    UNIQUE (channel, source_ref)
                );
                CREATE INDEX cases_registered ON cases (registered_at DESC, seq DESC);
                CREATE INDEX cases_status ON cases (status, deadline);
                CREATE INDEX cases_village ON cases (village);
                CREATE INDEX cases_phone ON cases (complainant_phone);
                CREATE TABLE inbound_messages (
                    id INTEGER PRIMARY KEY,
                    channel TEXT NOT NULL,
                    source_ref TEXT NOT NULL,
                    case_id TEXT NOT NULL REFERENCES cases(id),
                    registered_at REAL NOT NULL,
                    content_type TEXT NOT NULL,
                    raw BLOB NOT NULL,
                    UNIQUE (channel, source_ref)
                );
                CREATE TABLE audit_events (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    case_id TEXT NOT NULL REFERENCES cases(id),
                    at REAL NOT NULL,
                    actor TEXT NOT NULL,
                    action TEXT NOT NULL,
                    from_status TEXT,
                    to_status TEXT NOT NULL,
                    reason TEXT,
                    details TEXT NOT NULL
                );
                CREATE INDEX audit_case ON audit_events (case_id, seq);
                CREATE TABLE attachments (sha256 TEXT PRIMARY KEY, size INTEGER NOT NULL, data BLOB NOT NULL);
                CREATE TABLE outbox (
                    id TEXT PRIMARY KEY,
                    case_id TEXT NOT NULL REFERENCES cases(id),
                    target TEXT NOT NULL,
                    event TEXT NOT NULL,
                    recipients TEXT NOT NULL,
                    snapshot TEXT NOT NULL,
                    state TEXT NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    next_attempt_at REAL NOT NULL,
                    created_at REAL NOT NULL,
                    updated_at REAL NOT NULL,
                    last_error TEXT
                );
                CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
                """)
        }
        m.registerMigration("v2-dispatch", migrate: migrateDispatch)
        m.registerMigration("v2-mailbox-cursors") { db in
            try db.execute(sql: """
                CREATE TABLE mailbox_cursors (
                    mailbox TEXT PRIMARY KEY,
                    uid_validity INTEGER NOT NULL,
                    last_uid INTEGER NOT NULL,
                    updated_at REAL NOT NULL
                );
                """)
        }
        registerHotlineMigration(&m)
        m.registerMigration("v3-scheduled-jobs", foreignKeyChecks: .deferred, migrate: migrateScheduledJobs)
        m.registerMigration("v4-outbox-by-case") { db in
            try db.execute(sql: "CREATE INDEX outbox_case ON outbox (case_id, created_at)")
        }
        registerRejectedBodiesMigration(&m)
        registerAccessMigrations(&m)
        registerRelatedMigrations(&m)
        registerAccountMigrations(&m)
        registerStatisticsMigration(&m)
        registerSearchMigrations(&m)
        registerRepeatQueueMigration(&m)
        registerTargetRevisionMigration(&m)
        return m
    }

    /// The writer connection's `PRAGMA synchronous` level (2 = FULL: every commit is fsync'd before it returns).
    public func writerSynchronousLevel() async throws -> Int {
        try await pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
    }

    /// `PRAGMA cache_size` of the writer and of a reader (negative: KiB), for the test that keeps memory bounded.
    public func pageCacheSizes() async throws -> (writer: Int, reader: Int) {
        let writer = try await pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA cache_size") ?? 0 }
        let reader = try await pool.read { db in try Int.fetchOne(db, sql: "PRAGMA cache_size") ?? 0 }
        return (writer, reader)
    }

    public func checkReady() async throws {
        _ = try await pool.read { db in try Int.fetchOne(db, sql: "SELECT 1") }
    }

    // MARK: Rows shared by ingest and transitions

    /// Inserts `r` and returns its stored document (the outbox rows of the same change take it as their snapshot).
    @discardableResult
    func insertCase(_ r: CaseRecord, _ db: Database) throws -> String {
        let doc = try document(r)
        try db.execute(
            cached: """
                INSERT INTO cases (id, day, seq, channel, source_ref, status, village, category, leader, staff,
                  complainant_phone, subject, body, deadline, received_at, registered_at, updated_at, version, doc)
                VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
                """,
            arguments: [
                r.id.description, r.id.day, r.id.sequence, r.channel.rawValue, r.sourceRef, r.status.rawValue,
                r.village, r.category, r.leader, r.staff, r.complainant.phone.map(PhoneNumber.normalised),
                r.subject, r.body, r.deadline?.timeIntervalSince1970, r.receivedAt.timeIntervalSince1970,
                r.registeredAt.timeIntervalSince1970, r.updatedAt.timeIntervalSince1970, r.version, doc,
            ])
        // The case's search tokens are written by `indexCases` at the end of the intake batch.
        return doc
    }

    /// Stores `r` over its earlier version and returns its stored document. Subject, body, id and phone are never
    /// changed after intake (they are what was received), so the search index of `insertCase` stays right.
    @discardableResult
    func updateCase(_ r: CaseRecord, _ db: Database) throws -> String {
        let doc = try document(r)
        try db.execute(
            cached: """
                UPDATE cases SET status = ?, village = ?, category = ?, leader = ?, staff = ?, deadline = ?,
                  updated_at = ?, version = ?, doc = ? WHERE id = ?
                """,
            arguments: [
                r.status.rawValue, r.village, r.category, r.leader, r.staff, r.deadline?.timeIntervalSince1970,
                r.updatedAt.timeIntervalSince1970, r.version, doc, r.id.description,
            ])
        return doc
    }

    func insertEvent(_ e: AuditEvent, _ db: Database) throws {
        try db.execute(
            cached: """
                INSERT INTO audit_events (case_id, at, actor, action, from_status, to_status, reason, details)
                VALUES (?,?,?,?,?,?,?,?)
                """,
            arguments: [
                e.caseID.description, e.at.timeIntervalSince1970, e.actor, e.action, e.from?.rawValue,
                e.to.rawValue, e.reason, String(decoding: try encoder.encode(e.details), as: UTF8.self),
            ])
    }

    /// Writes the planner's notifications for `change` into the outbox, due at `now`; `document` is
    /// `change.after` as just stored (encoded once for the case row and every notification's snapshot).
    func enqueueNotifications(for change: CaseChange, document snapshot: String, at now: Date, _ db: Database) throws {
        let drafts = settings.planner.plan(for: change)
        guard !drafts.isEmpty else { return }
        for d in drafts {
            try db.execute(
                cached: """
                    INSERT INTO outbox (id, case_id, target, event, recipients, snapshot, state, next_attempt_at,
                      created_at, updated_at) VALUES (?,?,?,?,?,?,'pending',?,?,?)
                    """,
                arguments: [
                    UUID().uuidString.lowercased(), change.after.id.description, d.target, d.event,
                    String(decoding: try encoder.encode(d.recipients), as: UTF8.self), snapshot,
                    now.timeIntervalSince1970, now.timeIntervalSince1970, now.timeIntervalSince1970,
                ])
        }
    }

    func loadCase(_ id: String, _ db: Database) throws -> CaseRecord? {
        guard let doc = try String.fetchOne(db, cached: "SELECT doc FROM cases WHERE id = ?", arguments: [id]) else {
            return nil
        }
        return try decoder.decode(CaseRecord.self, from: Data(doc.utf8))
    }

    func document(_ r: CaseRecord) throws -> String {
        String(decoding: try encoder.encode(r), as: UTF8.self)
    }
}
