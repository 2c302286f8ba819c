import Foundation
import MinqingStore

/// The behaviour every `AccountStore` (with the sessions and attempt ledger beside it) must show. A store's test
/// target runs each check against a fresh, empty store:
///
/// ```swift
/// @Test(arguments: AccountStoreConformance.checks)
/// func accounts(_ check: AccountStoreConformance.Check) async throws {
///     try await check.run { try SQLiteCaseStore(path: tempPath()) }
/// }
/// ```
public enum AccountStoreConformance {
    public typealias Store = AccountStore & SessionStorage & AttemptLedger

    public struct Check: Sendable, CustomStringConvertible {
        public let description: String
        let body: @Sendable (any Store) async throws -> Void

        public func run(_ makeStore: @Sendable () async throws -> any Store) async throws {
            try await body(try await makeStore())
        }
    }

    static let start = CaseStoreConformance.start

    static func wangLi(at: Date = start) -> StoredAccount {
        StoredAccount(id: "wang-li", roles: ["clerk"], passwordHash: "$2b$04$hash-one", mustChangePassword: true,
                      createdBy: "admin", createdAt: at)
    }

    static func change(_ account: String, _ action: String, _ detail: String, at: Date = start) -> AccountChange {
        AccountChange(account: account, actor: "admin", at: at, action: action, detail: detail)
    }

    static func session(_ user: String, _ n: Int) -> StoredSession {
        StoredSession(idHash: "hash-\(user)-\(n)", userID: user, csrf: "csrf-\(n)", expires: start.addingTimeInterval(3600))
    }

    public static let checks: [Check] = [
        Check(description: "a created account reads back field for field; a second account with the same id is refused and changes nothing") { store in
            let a = wangLi()
            try await store.createAccount(a, change: change("wang-li", "create", "新建账号，角色：群工办干事"))
            try requireEqual(try await store.account(id: "wang-li"), a, "read back")
            var other = a
            other.passwordHash = "$2b$04$other"
            do {
                try await store.createAccount(other, change: change("wang-li", "create", "再次新建"))
                throw ConformanceFailure("a duplicate id must throw AccountExists")
            } catch let e as AccountExists {
                try requireEqual(e.id, "wang-li", "the taken id")
            }
            try requireEqual(try await store.account(id: "wang-li")?.passwordHash, a.passwordHash, "the first account is kept")
            try requireEqual(try await store.accountChanges(account: "wang-li", limit: 10).count, 1, "only one audit entry")
            try requireEqual(try await store.account(id: "nobody"), nil, "unknown id")
        },
        Check(description: "an update replaces the fields but keeps who created the account and when; the audit lists changes newest first") { store in
            try await store.createAccount(wangLi(), change: change("wang-li", "create", "新建账号"))
            try await store.createAccount(
                StoredAccount(id: "admin", name: "系统管理员", roles: ["admin"], passwordHash: "x", createdBy: "import", createdAt: start),
                change: change("admin", "create", "导入"))
            var a = wangLi()
            a.roles = ["clerk", "county_viewer"]
            a.name = "王丽"
            a.mustChangePassword = false
            a.createdBy = "someone-else"
            a.createdAt = start.addingTimeInterval(99)
            a.changedBy = "admin"
            a.changedAt = start.addingTimeInterval(60)
            try require(try await store.updateAccount(a, change: change("wang-li", "roles", "角色改为：群工办干事、县级查看", at: a.changedAt)), "updated")
            let read = try await store.account(id: "wang-li")
            try requireEqual(read?.roles, ["clerk", "county_viewer"], "roles")
            try requireEqual(read?.name, "王丽", "name")
            try requireEqual(read?.mustChangePassword, false, "must-change flag")
            try requireEqual(read?.createdBy, "admin", "creator kept")
            try requireEqual(read?.createdAt, start, "creation time kept")
            try requireEqual(read?.changedAt, a.changedAt, "change time")
            let changes = try await store.accountChanges(account: "wang-li", limit: 10)
            try requireEqual(changes.map(\.action), ["roles", "create"], "newest first")
            try requireEqual(changes.first?.detail, "角色改为：群工办干事、县级查看", "detail")
            try requireEqual(try await store.accountChanges(account: nil, limit: 10).count, 3, "all accounts")
            try requireEqual(try await store.accountChanges(account: nil, limit: 1).count, 1, "limit")
            try requireEqual(try await store.accounts().map(\.id), ["admin", "wang-li"], "ordered by id")
            var ghost = wangLi()
            ghost.id = "ghost"
            try require(!(try await store.updateAccount(ghost, change: change("ghost", "roles", "x"))), "unknown account not updated")
            try requireEqual(try await store.account(id: "ghost"), nil, "no account made by an update")
            try requireEqual(try await store.accountChanges(account: "ghost", limit: 10).count, 0, "no audit for a failed update")
        },
        Check(description: "disabling an account or changing its password ends its sessions in the same step; a role change keeps them") { store in
            try await store.createAccount(wangLi(), change: change("wang-li", "create", "新建"))
            var b = wangLi()
            b.id = "liu-jianguo"
            try await store.createAccount(b, change: change("liu-jianguo", "create", "新建"))
            for n in 0..<2 { try await store.insertSession(session("wang-li", n)) }
            try await store.insertSession(session("liu-jianguo", 9))
            var a = wangLi()
            a.roles = ["staff"]
            try await store.updateAccount(a, change: change("wang-li", "roles", "角色改为承办人员"))
            try require(try await store.session(idHash: "hash-wang-li-0", at: start) != nil, "a role change keeps the session")
            a.disabled = true
            try await store.updateAccount(a, change: change("wang-li", "disable", "停用"))
            try requireEqual(try await store.session(idHash: "hash-wang-li-0", at: start), nil, "disabled: session 0 ended")
            try requireEqual(try await store.session(idHash: "hash-wang-li-1", at: start), nil, "disabled: session 1 ended")
            try require(try await store.session(idHash: "hash-liu-jianguo-9", at: start) != nil, "another account's session stays")
            b.passwordHash = "$2b$04$new"
            try await store.updateAccount(b, change: change("liu-jianguo", "reset", "重置密码"))
            try requireEqual(try await store.session(idHash: "hash-liu-jianguo-9", at: start), nil, "a new password ends the session")
        },
        Check(description: "a login sets the last-login time without an audit entry or a change time") { store in
            try await store.createAccount(wangLi(), change: change("wang-li", "create", "新建"))
            let at = start.addingTimeInterval(3600)
            try await store.recordLogin(id: "wang-li", at: at)
            try await store.recordLogin(id: "nobody", at: at)
            let read = try await store.account(id: "wang-li")
            try requireEqual(read?.lastLogin, at, "last login")
            try requireEqual(read?.changedAt, start, "change time untouched")
            try requireEqual(try await store.accountChanges(account: nil, limit: 10).count, 1, "no audit entry")
        },
        Check(description: "login attempts share the attempt ledger with look-ups without shortening their window; forgetting one key keeps the rest") { store in
            let hour: TimeInterval = 3600, quarter: TimeInterval = 900
            let lookup = try await store.reserveAttempt(key: "lookup:MQ-1", limit: 3, since: start.addingTimeInterval(-hour), at: start)
            try require(lookup != nil, "look-up counted")
            for i in 0..<5 {
                let now = start.addingTimeInterval(1200 + Double(i))
                let id = try await store.reserveAttempt(key: "login-user:wang-li", limit: 5, since: now.addingTimeInterval(-quarter), at: now)
                try require(id != nil, "login attempt \(i) counted")
            }
            let now = start.addingTimeInterval(1210)
            try requireEqual(try await store.reserveAttempt(key: "login-user:wang-li", limit: 5, since: now.addingTimeInterval(-quarter), at: now),
                             nil, "the sixth login attempt in 15 minutes is refused")
            // The look-up 20 minutes ago is still inside its hour, though logins count over 15 minutes.
            for _ in 0..<2 {
                try require(try await store.reserveAttempt(key: "lookup:MQ-1", limit: 3, since: now.addingTimeInterval(-hour), at: now) != nil, "look-up")
            }
            try requireEqual(try await store.reserveAttempt(key: "lookup:MQ-1", limit: 3, since: now.addingTimeInterval(-hour), at: now),
                             nil, "the look-up made before the logins still counts")
            try await store.forgetAttempts(key: "login-user:wang-li")
            try require(try await store.reserveAttempt(key: "login-user:wang-li", limit: 1, since: now.addingTimeInterval(-quarter), at: now) != nil,
                        "forgotten: counting starts again")
            try requireEqual(try await store.reserveAttempt(key: "lookup:MQ-1", limit: 3, since: now.addingTimeInterval(-hour), at: now),
                             nil, "the look-ups are not forgotten")
            let dayLater = now.addingTimeInterval(attemptRetention + 1)
            try require(try await store.reserveAttempt(key: "other", limit: 1, since: dayLater.addingTimeInterval(-60), at: dayLater) != nil, "other")
            try require(try await store.reserveAttempt(key: "lookup:MQ-1", limit: 1, since: .distantPast, at: dayLater) != nil,
                        "attempts older than a day are forgotten for every key")
        },
    ]
}
