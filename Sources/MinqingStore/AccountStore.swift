import Foundation

/// A console account as stored. `id` is a directory person's id (the person's roles come from the directory) or a
/// named local account (`name` and `roles` say who and what). Roles are stored as their raw names; the web layer
/// knows what each one allows.
public struct StoredAccount: Sendable, Hashable {
    public var id: String
    /// Display name of a local account (a directory person's name comes from the directory).
    public var name: String?
    /// Roles granted here, besides those the directory gives the person.
    public var roles: [String]
    /// bcrypt hash of the password.
    public var passwordHash: String
    /// The password was set by someone else (a reset, a new account): it must be changed at the next login.
    public var mustChangePassword: Bool
    /// A disabled account cannot log in and has no sessions.
    public var disabled: Bool
    public var createdBy: String
    public var createdAt: Date
    public var changedBy: String
    public var changedAt: Date
    public var lastLogin: Date?

    public init(id: String, name: String? = nil, roles: [String], passwordHash: String, mustChangePassword: Bool = false,
                disabled: Bool = false, createdBy: String, createdAt: Date, changedBy: String? = nil, changedAt: Date? = nil,
                lastLogin: Date? = nil) {
        self.id = id
        self.name = name
        self.roles = roles
        self.passwordHash = passwordHash
        self.mustChangePassword = mustChangePassword
        self.disabled = disabled
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.changedBy = changedBy ?? createdBy
        self.changedAt = changedAt ?? createdAt
        self.lastLogin = lastLogin
    }
}

/// One audited change of an account: who did what to which account, and when. `detail` is the human-readable
/// description shown on the account page (Chinese); it never holds a password or a hash.
public struct AccountChange: Sendable, Hashable {
    public var id: Int64
    public var account: String
    public var actor: String
    public var at: Date
    /// A short machine name: `create`, `password`, `reset`, `roles`, `disable`, `enable`, `import`.
    public var action: String
    public var detail: String

    public init(id: Int64 = 0, account: String, actor: String, at: Date, action: String, detail: String) {
        self.id = id
        self.account = account
        self.actor = actor
        self.at = at
        self.action = action
        self.detail = detail
    }
}

/// Thrown by `AccountStore.createAccount` when the id is taken.
public struct AccountExists: Error, Sendable, Hashable {
    public let id: String
    public init(id: String) { self.id = id }
}

/// Console accounts and their audit trail, shared by every hub instance and command on one store, so a change
/// (from the CLI or the console) takes effect at once everywhere.
///
/// Contract (checked by `AccountStoreConformance` against every store):
/// - `createAccount` stores a new account and its audit entry in one transaction; an id already taken throws
///   `AccountExists` and changes nothing.
/// - `updateAccount` replaces every field of an existing account (matched by id; `createdBy`/`createdAt` are
///   kept as stored) and appends its audit entry in one transaction; it returns false (and records nothing) when the
///   account does not exist. When the saved account is disabled, or its password hash differs from the stored one,
///   every console session of the account is deleted in the same transaction — nobody stays logged in with an old
///   password or on a disabled account.
/// - `recordLogin` sets `lastLogin` without an audit entry and without touching `changedAt`.
/// - `accountChanges` lists audit entries newest first (of one account, or of all when `account` is nil).
public protocol AccountStore: Sendable {
    func account(id: String) async throws -> StoredAccount?
    /// Every account, ordered by id.
    func accounts() async throws -> [StoredAccount]
    func createAccount(_ account: StoredAccount, change: AccountChange) async throws
    @discardableResult func updateAccount(_ account: StoredAccount, change: AccountChange) async throws -> Bool
    func recordLogin(id: String, at: Date) async throws
    func accountChanges(account: String?, limit: Int) async throws -> [AccountChange]
}
