import Foundation

/// A console session as stored: the session id itself is never stored, only its SHA-256 (`idHash`), so a copy of
/// the database does not log anyone in.
public struct StoredSession: Sendable, Hashable {
    public var idHash: String
    public var userID: String
    public var csrf: String
    public var expires: Date

    public init(idHash: String, userID: String, csrf: String, expires: Date) {
        self.idHash = idHash
        self.userID = userID
        self.csrf = csrf
        self.expires = expires
    }

    /// The hash a session id is stored under (lower-case hex SHA-256).
    public static func hash(id: String) -> String { ContentHash.sha256(Data(id.utf8)) }
}

/// Where console sessions live, so they survive a restart and are shared by every hub instance on one store.
public protocol SessionStorage: Sendable {
    func insertSession(_ session: StoredSession) async throws
    /// The session with this id hash if it has not expired at `now`.
    func session(idHash: String, at now: Date) async throws -> StoredSession?
    func deleteSession(idHash: String) async throws
    /// Ends every session of one account (a disabled account, a reset password); returns how many.
    @discardableResult func deleteSessions(userID: String) async throws -> Int
    /// Forgets sessions that expired before `now`; returns how many.
    @discardableResult func deleteSessions(expiredBefore now: Date) async throws -> Int
}

/// The secret part of each person's calendar feed URL (`/calendar/<secret>.ics`). A person without one has no
/// feed; rotating replaces the secret, so the old URL stops working at once.
public protocol FeedSecretStore: Sendable {
    func feedSecret(person: String) async throws -> String?
    /// The person whose feed `secret` opens.
    func feedPerson(secret: String) async throws -> String?
    /// Stores `secret` as `person`'s only feed secret (replacing an older one).
    func saveFeedSecret(_ secret: String, person: String, at now: Date) async throws
}

/// Counted attempts (status look-ups per case) that must hold across restarts and hub instances.
public protocol AttemptLedger: Sendable {
    /// Counts one attempt for `key` if fewer than `limit` were counted since `since`, atomically (parallel
    /// attempts cannot all slip under the limit); returns the attempt's id, or nil when the limit is reached.
    /// Attempts of `key` older than `since`, and attempts of any key older than `attemptRetention`, are forgotten
    /// on the way (so callers with different windows — status look-ups per hour, logins per 15 minutes — can share
    /// one ledger; no window may be longer than `attemptRetention`).
    func reserveAttempt(key: String, limit: Int, since: Date, at now: Date) async throws -> Int64?
    /// Uncounts one reserved attempt (it succeeded, so it was no guess).
    func releaseAttempt(_ id: Int64) async throws
    /// Uncounts every attempt of `key` (a successful login clears the account's failures).
    func forgetAttempts(key: String) async throws
}

/// The longest window an `AttemptLedger` caller may count over: one day.
public let attemptRetention: TimeInterval = 86_400

/// Named random keys the hub makes once and keeps (the form-token signing key).
public protocol HubSecretStore: Sendable {
    /// The key named `name`; created from `make()` the first time. Every instance on one store gets the same key.
    func hubSecret(named name: String, make: @Sendable () -> Data) async throws -> Data
}

/// Everything the web layer keeps for access control besides the ledger.
public typealias AccessStore = SessionStorage & FeedSecretStore & AttemptLedger & HubSecretStore & AccountStore
