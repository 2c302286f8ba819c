import Foundation
import MinqingStore
import PostgresNIO

extension PostgresMigrations {
    static let accounts = Step(name: "pg4-accounts", statements: [
        """
        CREATE TABLE console_accounts (
            id text PRIMARY KEY,
            name text,
            roles text NOT NULL,
            password_hash text NOT NULL,
            must_change boolean NOT NULL,
            disabled boolean NOT NULL,
            created_by text NOT NULL,
            created_at double precision NOT NULL,
            changed_by text NOT NULL,
            changed_at double precision NOT NULL,
            last_login double precision
        )
        """,
        """
        CREATE TABLE console_account_changes (
            id bigserial PRIMARY KEY,
            account text NOT NULL,
            actor text NOT NULL,
            at double precision NOT NULL,
            action text NOT NULL,
            detail text NOT NULL
        )
        """,
        "CREATE INDEX console_account_changes_account ON console_account_changes (account, id)",
    ])
}

extension PostgresCaseStore {
    private func account(_ r: PostgresRandomAccessRow) throws -> StoredAccount {
        StoredAccount(
            id: try r.value("id"), name: try r.value("name", as: String?.self), roles: AccountRoles.decode(try r.value("roles")),
            passwordHash: try r.value("password_hash"), mustChangePassword: try r.value("must_change"),
            disabled: try r.value("disabled"), createdBy: try r.value("created_by"), createdAt: try r.date("created_at"),
            changedBy: try r.value("changed_by"), changedAt: try r.date("changed_at"), lastLogin: try r.optionalDate("last_login"))
    }

    private func insert(_ change: AccountChange, _ c: PostgresConnection) async throws {
        try await exec("""
            INSERT INTO console_account_changes (account, actor, at, action, detail)
            VALUES (\(change.account), \(change.actor), \(change.at.timeIntervalSince1970), \(change.action), \(change.detail))
            """, c)
    }

    public func account(id: String) async throws -> StoredAccount? {
        try await read { c in try await self.rows("SELECT * FROM console_accounts WHERE id = \(id)", c).first.map(self.account) }
    }

    public func accounts() async throws -> [StoredAccount] {
        try await read { c in try await self.rows("SELECT * FROM console_accounts ORDER BY id", c).map(self.account) }
    }

    public func createAccount(_ a: StoredAccount, change: AccountChange) async throws {
        try await transaction { c in
            let inserted = try await self.rows("""
                INSERT INTO console_accounts (id, name, roles, password_hash, must_change, disabled, created_by, created_at,
                  changed_by, changed_at, last_login)
                VALUES (\(a.id), \(a.name), \(AccountRoles.encode(a.roles)), \(a.passwordHash), \(a.mustChangePassword),
                  \(a.disabled), \(a.createdBy), \(a.createdAt.timeIntervalSince1970), \(a.changedBy),
                  \(a.changedAt.timeIntervalSince1970), \(a.lastLogin?.timeIntervalSince1970))
                ON CONFLICT (id) DO NOTHING RETURNING id
                """, c)
            guard !inserted.isEmpty else { throw AccountExists(id: a.id) }
            try await self.insert(change, c)
        }
    }

    @discardableResult
    public func updateAccount(_ a: StoredAccount, change: AccountChange) async throws -> Bool {
        try await transaction { c in
            guard let old = try await self.rows("SELECT password_hash FROM console_accounts WHERE id = \(a.id) FOR UPDATE", c).first
            else { return false }
            let hash: String = try old.value("password_hash")
            try await self.exec("""
                UPDATE console_accounts SET name = \(a.name), roles = \(AccountRoles.encode(a.roles)), password_hash = \(a.passwordHash),
                  must_change = \(a.mustChangePassword), disabled = \(a.disabled), changed_by = \(a.changedBy),
                  changed_at = \(a.changedAt.timeIntervalSince1970), last_login = \(a.lastLogin?.timeIntervalSince1970)
                WHERE id = \(a.id)
                """, c)
            try await self.insert(change, c)
            if a.disabled || hash != a.passwordHash {
                try await self.exec("DELETE FROM console_sessions WHERE user_id = \(a.id)", c)
            }
            return true
        }
    }

    public func recordLogin(id: String, at: Date) async throws {
        try await read { c in
            try await self.exec("UPDATE console_accounts SET last_login = \(at.timeIntervalSince1970) WHERE id = \(id)", c)
        }
    }

    public func accountChanges(account: String?, limit: Int) async throws -> [AccountChange] {
        let limit = max(limit, 0)
        return try await read { c in
            let rows = if let account {
                try await self.rows("SELECT * FROM console_account_changes WHERE account = \(account) ORDER BY id DESC LIMIT \(limit)", c)
            } else {
                try await self.rows("SELECT * FROM console_account_changes ORDER BY id DESC LIMIT \(limit)", c)
            }
            return try rows.map {
                AccountChange(id: try $0.value("id"), account: try $0.value("account"), actor: try $0.value("actor"),
                              at: try $0.date("at"), action: try $0.value("action"), detail: try $0.value("detail"))
            }
        }
    }

    public func forgetAttempts(key: String) async throws {
        try await read { c in try await self.exec("DELETE FROM lookup_attempts WHERE key = \(key)", c) }
    }
}
