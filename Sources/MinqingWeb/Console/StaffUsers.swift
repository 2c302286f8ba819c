import Foundation
import HummingbirdBcrypt
import Logging
import MinqingConfig
import MinqingCore
import MinqingHTTP
import MinqingStore

/// Console roles: the directory's roles plus those only an account grants.
public enum StaffRole: String, Sendable, CaseIterable, Codable {
    case clerk, staff, leader
    case principalLeader = "principal_leader"
    case countyViewer = "county_viewer"
    case admin

    public var displayName: String {
        switch self {
        case .clerk: "群工办干事"
        case .staff: "承办人员"
        case .leader: "领导"
        case .principalLeader: "主要领导"
        case .countyViewer: "县级查看"
        case .admin: "管理员"
        }
    }

    init?(directoryRole: Directory.Role) {
        switch directoryRole {
        case .clerk: self = .clerk
        case .staff: self = .staff
        case .leader: self = .leader
        case .principalLeader: self = .principalLeader
        case .countyLiaison: self = .countyViewer
        }
    }

    /// Roles from their stored names; unknown names (a role a newer version added) are left out.
    static func decode(_ names: [String]) -> [StaffRole] { names.compactMap(StaffRole.init(rawValue:)) }
}

/// A person who can log in to the console.
public struct StaffUser: Sendable, Hashable {
    public var id: String
    public var name: String
    public var roles: Set<StaffRole>
    /// The password was set by someone else: every console page leads to the change-password page until it is changed.
    public var mustChangePassword: Bool = false

    /// Sees complainants' personal data on every case (otherwise only on cases they are assigned to).
    public var seesAllPII: Bool { !roles.isDisjoint(with: [.leader, .principalLeader, .admin]) }
}

/// The console's accounts, kept in the store (`AccountStore`) and joined with the directory for names and roles:
/// an account whose id is a directory person gets that person's roles besides its own. Every login and every
/// session check reads the account from the store (one primary-key read, no cache), so a change made by the CLI,
/// the account page or another hub instance takes effect at the next request. Every change is audited.
public struct StaffUsers: Sendable {
    public struct Failure: Error, Sendable, CustomStringConvertible { public let description: String }

    /// An account as the account page and `minqing users list` show it.
    public struct Account: Sendable {
        public var stored: StoredAccount
        public var user: StaffUser
        /// The id is a person in the directory.
        public var inDirectory: Bool
    }

    /// What a login found.
    public enum Login: Sendable {
        case success(StaffUser)
        case refused
    }

    public let store: any AccountStore
    private let directory: @Sendable () -> Directory
    private let clock: any WallClock
    private let cost: UInt8
    /// Verified against when the id is unknown or disabled: same work factor as real hashes.
    private let dummyHash: String

    /// `directory` is read on every call (it changes when the configuration is reloaded); `cost` is bcrypt's work
    /// factor (tests pass a low one).
    public init(store: any AccountStore, directory: @escaping @Sendable () -> Directory, clock: any WallClock, cost: UInt8 = 12) {
        self.store = store
        self.directory = directory
        self.clock = clock
        self.cost = cost
        dummyHash = Bcrypt.hash(Sessions.randomToken(), cost: cost)
    }

    public init(store: any AccountStore, directory: Directory, clock: any WallClock, cost: UInt8 = 12) {
        self.init(store: store, directory: { directory }, clock: clock, cost: cost)
    }

    static func checkID(_ id: String) throws(Failure) {
        guard !id.isEmpty, id.count <= 64,
              id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") }) else {
            throw Failure(description: "账号「\(id.prefix(64))」不可用：只能包含英文字母、数字和 - _ .，最长 64 个字符（如 wang-li）")
        }
    }

    private func hash(_ password: String) async throws -> String {
        let cost = cost
        return try await Offload.run { Bcrypt.hash(password, cost: cost) }
    }

    private func policy(_ password: String, _ id: String) throws(Failure) {
        do { try PasswordPolicy.check(password, userID: id) } catch { throw Failure(description: error.description) }
    }

    private func existing(_ id: String) async throws -> StoredAccount {
        guard let account = try await store.account(id: id) else {
            throw Failure(description: "账号「\(id)」不存在：请先添加（minqing users add \(id)，或在账号管理页面添加）")
        }
        return account
    }

    private func roleText(_ roles: [StaffRole]) -> String {
        roles.isEmpty ? "（无额外角色）" : roles.map(\.displayName).joined(separator: "、")
    }

    /// Adds an account: a directory person, or a local account with at least one role. `password` nil generates
    /// one (returned; shown once). An account whose password someone else chose must change it at first login
    /// unless `mustChange` is false.
    @discardableResult
    public func add(id: String, password: String? = nil, roles: [StaffRole], name: String? = nil, by actor: String,
                    mustChange: Bool = true) async throws -> String {
        try Self.checkID(id)
        guard directory().person(id) != nil || !roles.isEmpty else {
            throw Failure(description: "「\(id)」不在人员名录中：本地账号须指定至少一个角色（如 admin）")
        }
        let chosen = password ?? PasswordPolicy.generate()
        if password != nil { try policy(chosen, id) }
        let now = clock.now()
        let account = StoredAccount(
            id: id, name: name.flatMap { $0.isEmpty ? nil : $0 }, roles: roles.map(\.rawValue), passwordHash: try await hash(chosen),
            mustChangePassword: mustChange, createdBy: actor, createdAt: now)
        do {
            try await store.createAccount(account, change: AccountChange(
                account: id, actor: actor, at: now, action: "create", detail: "新建账号，角色：\(roleText(roles))"))
        } catch is AccountExists {
            throw Failure(description: "账号「\(id)」已存在：要重设密码请用 minqing users passwd \(id)（或账号管理页面的「重置密码」）")
        }
        return chosen
    }

    /// Sets `password` as the account's password (checked against `PasswordPolicy`); ends its sessions.
    public func setPassword(id: String, password: String, by actor: String, mustChange: Bool) async throws {
        var account = try await existing(id)
        try policy(password, id)
        account.passwordHash = try await hash(password)
        try await save(&account, by: actor, action: "password", detail: mustChange ? "设置了临时密码（须在下次登录时修改）" : "修改了密码",
                       mustChange: mustChange)
    }

    /// A new generated password for the account (returned, to be shown once; changed at the first login); ends its sessions.
    public func resetPassword(id: String, by actor: String) async throws -> String {
        var account = try await existing(id)
        let password = PasswordPolicy.generate()
        account.passwordHash = try await hash(password)
        try await save(&account, by: actor, action: "reset", detail: "重置了密码（须在下次登录时修改）", mustChange: true)
        return password
    }

    /// The user changes their own password: `current` must be right and `new` pass the policy. Ends their other sessions.
    public func changeOwnPassword(id: String, current: String, new: String) async throws {
        guard case .success = await authenticate(id: id, password: current, recordLogin: false) else {
            throw Failure(description: "当前密码不正确：请输入您登录时用的密码")
        }
        guard current != new else { throw Failure(description: "新密码不能与当前密码相同，请换一个") }
        var account = try await existing(id)
        try policy(new, id)
        account.passwordHash = try await hash(new)
        try await save(&account, by: id, action: "password", detail: "本人修改了密码", mustChange: false)
    }

    public func setRoles(id: String, roles: [StaffRole], by actor: String) async throws {
        var account = try await existing(id)
        guard directory().person(id) != nil || !roles.isEmpty else {
            throw Failure(description: "「\(id)」不在人员名录中：本地账号须保留至少一个角色；不再使用请停用")
        }
        account.roles = roles.map(\.rawValue)
        try await save(&account, by: actor, action: "roles", detail: "角色改为：\(roleText(roles))")
    }

    /// Disables (its sessions end at once) or enables the account.
    public func setDisabled(id: String, _ disabled: Bool, by actor: String) async throws {
        var account = try await existing(id)
        guard account.disabled != disabled else { return }
        account.disabled = disabled
        try await save(&account, by: actor, action: disabled ? "disable" : "enable", detail: disabled ? "停用了账号" : "重新启用了账号")
    }

    private func save(_ account: inout StoredAccount, by actor: String, action: String, detail: String, mustChange: Bool? = nil) async throws {
        let now = clock.now()
        if let mustChange { account.mustChangePassword = mustChange }
        account.changedBy = actor
        account.changedAt = now
        guard try await store.updateAccount(account, change: AccountChange(account: account.id, actor: actor, at: now, action: action, detail: detail))
        else { throw Failure(description: "账号「\(account.id)」已被删除，请刷新页面") }
    }

    /// The user if `password` is theirs and the account is enabled; records the login. bcrypt runs on the
    /// blocking-work pool (`Offload`), so logins never queue behind each other; an unknown or disabled id costs the
    /// same as a known one (a dummy hash of the same work factor), so timing does not tell which ids exist.
    public func authenticate(id: String, password: String, recordLogin: Bool = true) async -> Login {
        let stored = try? await store.account(id: id)
        let usable = stored.flatMap { $0.disabled ? nil : $0 }
        let hash = usable?.passwordHash ?? dummyHash
        let matches = (try? await Offload.run { Bcrypt.verify(password, hash: hash) }) ?? false
        guard matches, let usable else { return .refused }
        if recordLogin { try? await store.recordLogin(id: id, at: clock.now()) }
        return .success(user(usable))
    }

    /// The enabled account `id` as a console user, read from the store now (nil when unknown, disabled or unreadable).
    public func user(id: String) async -> StaffUser? {
        guard let stored = try? await store.account(id: id), !stored.disabled else { return nil }
        return user(stored)
    }

    /// Every account (disabled ones too), ordered by id.
    public func accounts() async throws -> [Account] {
        let directory = directory()
        return try await store.accounts().map { Account(stored: $0, user: user($0, directory), inDirectory: directory.person($0.id) != nil) }
    }

    public var ids: [String] { get async throws { try await store.accounts().map(\.id) } }

    private func user(_ account: StoredAccount, _ directory: Directory? = nil) -> StaffUser {
        let person = (directory ?? self.directory()).person(account.id)
        var roles = Set(StaffRole.decode(account.roles))
        for r in person?.roles ?? [] { if let role = StaffRole(directoryRole: r) { roles.insert(role) } }
        return StaffUser(id: account.id, name: person?.name ?? account.name ?? account.id, roles: roles,
                         mustChangePassword: account.mustChangePassword)
    }

    // MARK: users.json

    /// The accounts file of earlier versions: `[{id, name?, roles, password_hash}]`.
    struct FileEntry: Codable, Sendable {
        var id: String
        var name: String?
        var roles: [StaffRole]
        var passwordHash: String

        enum CodingKeys: String, CodingKey { case id, name, roles, passwordHash = "password_hash" }
    }

    /// Imports an existing `users.json` into the store once: each account not yet in the store is added (with its
    /// hash, so passwords keep working), then the file is renamed `users.json.imported-<date>` so it is not read
    /// again. Returns how many accounts were added; nil when there was no file. A file that cannot be read is left
    /// in place and reported.
    @discardableResult
    public func importFile(_ file: URL, logger: Logger) async throws -> Int? {
        guard FileManager.default.fileExists(atPath: file.path) else { return nil }
        let list: [FileEntry]
        do { list = try JSONDecoder().decode([FileEntry].self, from: Data(contentsOf: file)) } catch {
            throw Failure(description: "旧账号文件 \(file.path) 无法读取：\(error)。请修正或移走该文件后重新启动（账号现保存在台账数据库中）")
        }
        let now = clock.now()
        var added = 0
        for entry in list {
            guard (try? Self.checkID(entry.id)) != nil else {
                logger.warning("users.json: account id not usable, skipped", metadata: ["id": "\(entry.id.prefix(64))"])
                continue
            }
            let account = StoredAccount(id: entry.id, name: entry.name, roles: entry.roles.map(\.rawValue),
                                        passwordHash: entry.passwordHash, createdBy: "users.json", createdAt: now)
            do {
                try await store.createAccount(account, change: AccountChange(
                    account: entry.id, actor: "users.json", at: now, action: "import", detail: "从 users.json 导入，角色：\(roleText(entry.roles))"))
                added += 1
            } catch is AccountExists {
                logger.notice("users.json: account already in the store, kept as stored", metadata: ["id": "\(entry.id)"])
            }
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "Asia/Shanghai")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        let renamed = file.deletingLastPathComponent().appendingPathComponent("\(file.lastPathComponent).imported-\(formatter.string(from: now))")
        try FileManager.default.moveItem(at: file, to: renamed)
        logger.notice("imported console accounts from users.json into the store; the file was renamed",
                      metadata: ["added": "\(added)", "of": "\(list.count)", "renamed": "\(renamed.path)"])
        return added
    }
}
