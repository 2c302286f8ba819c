import Foundation
import GRDB

extension SQLiteCaseStore: SessionStorage, FeedSecretStore, AttemptLedger, HubSecretStore {
    static func registerAccessMigrations(_ m: inout DatabaseMigrator) {
        m.registerMigration("v4-console-sessions") { db in
            try db.execute(sql: """
                CREATE TABLE console_sessions (
                    id_hash TEXT PRIMARY KEY,
                    user_id TEXT NOT NULL,
                    csrf TEXT NOT NULL,
                    expires REAL NOT NULL
                );
                CREATE INDEX console_sessions_user ON console_sessions (user_id);
                CREATE INDEX console_sessions_expires ON console_sessions (expires);
                """)
        }
        m.registerMigration("v4-feed-secrets") { db in
            try db.execute(sql: """
                CREATE TABLE feed_secrets (
                    person TEXT PRIMARY KEY,
                    secret TEXT NOT NULL UNIQUE,
                    created_at REAL NOT NULL
                );
                """)
        }
        m.registerMigration("v4-lookup-attempts") { db in
            try db.execute(sql: """
                CREATE TABLE lookup_attempts (
                    id INTEGER PRIMARY KEY,
                    key TEXT NOT NULL,
                    at REAL NOT NULL
                );
                CREATE INDEX lookup_attempts_key ON lookup_attempts (key, at);
                CREATE INDEX lookup_attempts_at ON lookup_attempts (at);
                """)
        }
        m.registerMigration("v4-hub-secrets") { db in
            try db.execute(sql: "CREATE TABLE hub_secrets (name TEXT PRIMARY KEY, value BLOB NOT NULL);")
        }
    }

    // MARK: Sessions

    public func insertSession(_ s: StoredSession) async throws {
        try await pool.write { db in
            try db.execute(sql: "INSERT INTO console_sessions (id_hash, user_id, csrf, expires) VALUES (?,?,?,?)",
                           arguments: [s.idHash, s.userID, s.csrf, s.expires.timeIntervalSince1970])
        }
    }

    public func session(idHash: String, at now: Date) async throws -> StoredSession? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT user_id, csrf, expires FROM console_sessions WHERE id_hash = ? AND expires > ?",
                             arguments: [idHash, now.timeIntervalSince1970]).map {
                StoredSession(idHash: idHash, userID: $0[0], csrf: $0[1], expires: Date(timeIntervalSince1970: $0[2]))
            }
        }
    }

    public func deleteSession(idHash: String) async throws {
        try await pool.write { db in try db.execute(sql: "DELETE FROM console_sessions WHERE id_hash = ?", arguments: [idHash]) }
    }

    @discardableResult
    public func deleteSessions(userID: String) async throws -> Int {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM console_sessions WHERE user_id = ?", arguments: [userID])
            return db.changesCount
        }
    }

    @discardableResult
    public func deleteSessions(expiredBefore now: Date) async throws -> Int {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM console_sessions WHERE expires <= ?", arguments: [now.timeIntervalSince1970])
            return db.changesCount
        }
    }

    // MARK: Feed secrets

    public func feedSecret(person: String) async throws -> String? {
        try await pool.read { db in try String.fetchOne(db, sql: "SELECT secret FROM feed_secrets WHERE person = ?", arguments: [person]) }
    }

    public func feedPerson(secret: String) async throws -> String? {
        try await pool.read { db in try String.fetchOne(db, sql: "SELECT person FROM feed_secrets WHERE secret = ?", arguments: [secret]) }
    }

    public func saveFeedSecret(_ secret: String, person: String, at now: Date) async throws {
        try await pool.write { db in
            try db.execute(sql: """
                INSERT INTO feed_secrets (person, secret, created_at) VALUES (?,?,?)
                ON CONFLICT (person) DO UPDATE SET secret = excluded.secret, created_at = excluded.created_at
                """, arguments: [person, secret, now.timeIntervalSince1970])
        }
    }

    // MARK: Attempts

    public func reserveAttempt(key: String, limit: Int, since: Date, at now: Date) async throws -> Int64? {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM lookup_attempts WHERE (key = ? AND at <= ?) OR at <= ?",
                           arguments: [key, since.timeIntervalSince1970, now.timeIntervalSince1970 - attemptRetention])
            let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM lookup_attempts WHERE key = ?", arguments: [key]) ?? 0
            guard count < limit else { return nil }
            try db.execute(sql: "INSERT INTO lookup_attempts (key, at) VALUES (?,?)", arguments: [key, now.timeIntervalSince1970])
            return db.lastInsertedRowID
        }
    }

    public func releaseAttempt(_ id: Int64) async throws {
        try await pool.write { db in try db.execute(sql: "DELETE FROM lookup_attempts WHERE id = ?", arguments: [id]) }
    }

    // MARK: Hub secrets

    public func hubSecret(named name: String, make: @Sendable () -> Data) async throws -> Data {
        try await pool.write { db in
            try db.execute(sql: "INSERT INTO hub_secrets (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
                           arguments: [name, make()])
            return try Data.fetchOne(db, sql: "SELECT value FROM hub_secrets WHERE name = ?", arguments: [name]) ?? Data()
        }
    }
}
