import Foundation
import GRDB

extension SQLiteCaseStore: AccountStore {
    static func registerAccountMigrations(_ m: inout DatabaseMigrator) {
        m.registerMigration("v4-accounts") { db in
            try db.execute(sql: """
                CREATE TABLE console_accounts (
                    id TEXT PRIMARY KEY,
                    name TEXT,
                    roles TEXT NOT NULL,
                    password_hash TEXT NOT NULL,
                    must_change INTEGER NOT NULL,
                    disabled INTEGER NOT NULL,
                    created_by TEXT NOT NULL,
                    created_at REAL NOT NULL,
                    changed_by TEXT NOT NULL,
                    changed_at REAL NOT NULL,
                    last_login REAL
                );
                CREATE TABLE console_account_changes (
                    id INTEGER PRIMARY KEY,
                    account TEXT NOT NULL,
                    actor TEXT NOT NULL,
                    at REAL NOT NULL,
                    action TEXT NOT NULL,
                    detail TEXT NOT NULL
                );
                CREATE INDEX console_account_changes_account ON console_account_changes (account, id);
                """)
        }
    }

    private static func account(_ row: Row) -> StoredAccount {
        StoredAccount(
            id: row["id"], name: row["name"], roles: AccountRoles.decode(row["roles"]), passwordHash: row["password_hash"],
            mustChangePassword: row["must_change"], disabled: row["disabled"], createdBy: row["created_by"],
            createdAt: Date(timeIntervalSince1970: row["created_at"]), changedBy: row["changed_by"],
            changedAt: Date(timeIntervalSince1970: row["changed_at"]),
            lastLogin: (row["last_login"] as Double?).map(Date.init(timeIntervalSince1970:)))
    }

    private static func insert(_ change: AccountChange, _ db: Database) throws {
        try db.execute(sql: "INSERT INTO console_account_changes (account, actor, at, action, detail) VALUES (?,?,?,?,?)",
                       arguments: [change.account, change.actor, change.at.timeIntervalSince1970, change.action, change.detail])
    }

    public func account(id: String) async throws -> StoredAccount? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM console_accounts WHERE id = ?", arguments: [id]).map(Self.account)
        }
    }

    public func accounts() async throws -> [StoredAccount] {
        try await pool.read { db in try Row.fetchAll(db, sql: "SELECT * FROM console_accounts ORDER BY id").map(Self.account) }
    }

    public func createAccount(_ a: StoredAccount, change: AccountChange) async throws {
        try await pool.write { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM console_accounts WHERE id = ?", arguments: [a.id]) == nil else {
                throw AccountExists(id: a.id)
            }
            try db.execute(sql: """
                INSERT INTO console_accounts (id, name, roles, password_hash, must_change, disabled, created_by, created_at,
                  changed_by, changed_at, last_login) VALUES (?,?,?,?,?,?,?,?,?,?,?)
                """, arguments: [a.id, a.name, AccountRoles.encode(a.roles), a.passwordHash, a.mustChangePassword, a.disabled,
                                 a.createdBy, a.createdAt.timeIntervalSince1970, a.changedBy, a.changedAt.timeIntervalSince1970,
                                 a.lastLogin?.timeIntervalSince1970])
            try Self.insert(change, db)
        }
    }

    @discardableResult
    public func updateAccount(_ a: StoredAccount, change: AccountChange) async throws -> Bool {
        try await pool.write { db in
            guard let hash = try String.fetchOne(db, sql: "SELECT password_hash FROM console_accounts WHERE id = ?", arguments: [a.id])
            else { return false }
            try db.execute(sql: """
                UPDATE console_accounts SET name = ?, roles = ?, password_hash = ?, must_change = ?, disabled = ?, changed_by = ?,
                  changed_at = ?, last_login = ? WHERE id = ?
                """, arguments: [a.name, AccountRoles.encode(a.roles), a.passwordHash, a.mustChangePassword, a.disabled,
                                 a.changedBy, a.changedAt.timeIntervalSince1970, a.lastLogin?.timeIntervalSince1970, a.id])
            try Self.insert(change, db)
            if a.disabled || hash != a.passwordHash {
                try db.execute(sql: "DELETE FROM console_sessions WHERE user_id = ?", arguments: [a.id])
            }
            return true
        }
    }

    public func recordLogin(id: String, at: Date) async throws {
        try await pool.write { db in
            try db.execute(sql: "UPDATE console_accounts SET last_login = ? WHERE id = ?", arguments: [at.timeIntervalSince1970, id])
        }
    }

    public func accountChanges(account: String?, limit: Int) async throws -> [AccountChange] {
        try await pool.read { db in
            let rows = if let account {
                try Row.fetchAll(db, sql: "SELECT * FROM console_account_changes WHERE account = ? ORDER BY id DESC LIMIT ?",
                                 arguments: [account, max(limit, 0)])
            } else {
                try Row.fetchAll(db, sql: "SELECT * FROM console_account_changes ORDER BY id DESC LIMIT ?", arguments: [max(limit, 0)])
            }
            return rows.map {
                AccountChange(id: $0["id"], account: $0["account"], actor: $0["actor"], at: Date(timeIntervalSince1970: $0["at"]),
                              action: $0["action"], detail: $0["detail"])
            }
        }
    }

    public func forgetAttempts(key: String) async throws {
        try await pool.write { db in try db.execute(sql: "DELETE FROM lookup_attempts WHERE key = ?", arguments: [key]) }
    }
}

/// How a role list is kept in one text column (both stores): names joined by commas.
public enum AccountRoles {
    public static func encode(_ roles: [String]) -> String { roles.joined(separator: ",") }
    public static func decode(_ text: String) -> [String] { text.split(separator: ",").map(String.init) }
}
