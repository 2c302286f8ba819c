import Foundation
import HummingbirdBcrypt
import MinqingHTTP
import MinqingConfig

/// Console roles: the directory's roles plus those only the users file grants.
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
}

/// A person who can log in to the console.
public struct StaffUser: Sendable, Hashable {
    public var id: String
    public var name: String
    public var roles: Set<StaffRole>

    /// Sees complainants' personal data on every case (otherwise only on cases they are assigned to).
    public var seesAllPII: Bool { !roles.isDisjoint(with: [.leader, .principalLeader, .admin]) }
}

/// The console's accounts: a JSON file of `{id, roles, password_hash}` (bcrypt) written by `minqing users`,
/// joined with the directory for names and roles. A user id that is also a directory person gets that person's roles.
public actor StaffUsers {
    struct Entry: Codable, Sendable {
        var id: String
        var name: String?
        var roles: [StaffRole]
        var passwordHash: String

        enum CodingKeys: String, CodingKey { case id, name, roles, passwordHash = "password_hash" }
    }

    public struct Failure: Error, Sendable, CustomStringConvertible { public let description: String }

    private let file: URL
    private let directory: Directory
    private let cost: UInt8
    private var entries: [String: Entry]
    /// Verified against when the id is unknown: same work factor as real hashes.
    private let dummyHash: String

    /// `cost` is bcrypt's work factor (tests pass a low one).
    public init(file: URL, directory: Directory, cost: UInt8 = 12) throws {
        self.file = file
        self.directory = directory
        self.cost = cost
        dummyHash = Bcrypt.hash(Sessions.randomToken(), cost: cost)
        entries = [:]
        if FileManager.default.fileExists(atPath: file.path) {
            let list: [Entry]
            do { list = try JSONDecoder().decode([Entry].self, from: Data(contentsOf: file)) } catch {
                throw Failure(description: "账号文件 \(file.path) 无法读取：\(error)。请用 minqing users add 重新建立账号")
            }
            entries = Dictionary(list.map { ($0.id, $0) }, uniquingKeysWith: { $1 })
        }
    }

    /// Adds a user or replaces their password and extra roles.
    public func add(id: String, password: String, roles: [StaffRole], name: String? = nil) throws {
        guard !id.isEmpty, id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }) else {
            throw Failure(description: "账号「\(id)」只能包含字母、数字、- _ .")
        }
        try Self.checkPassword(password)
        let person = directory.person(id)
        guard person != nil || !roles.isEmpty else {
            throw Failure(description: "「\(id)」不在人员名录中：请用 --role 指定角色（如 admin）")
        }
        entries[id] = Entry(id: id, name: name, roles: roles, passwordHash: Bcrypt.hash(password, cost: cost))
        try save()
    }

    public func setPassword(id: String, password: String) throws {
        guard var entry = entries[id] else { throw Failure(description: "账号「\(id)」不存在，请先用 minqing users add 添加") }
        try Self.checkPassword(password)
        entry.passwordHash = Bcrypt.hash(password, cost: cost)
        entries[id] = entry
        try save()
    }

    /// The user if `password` is theirs. bcrypt runs on the blocking-work pool (`Offload`), not on this actor, so
    /// logins never queue behind each other nor delay the session lookups of every console page; an unknown id
    /// costs the same as a known one (a dummy hash of the same work factor), so timing does not tell which ids exist.
    public nonisolated func authenticate(id: String, password: String) async -> StaffUser? {
        let stored = await passwordHash(id: id)
        let hash = stored ?? dummyHash
        let matches = (try? await Offload.run { Bcrypt.verify(password, hash: hash) }) ?? false
        guard matches, stored != nil else { return nil }
        return await user(id: id)
    }

    private func passwordHash(id: String) -> String? { entries[id]?.passwordHash }

    public func user(id: String) -> StaffUser? { entries[id].map(user) }

    public var ids: [String] { entries.keys.sorted() }

    private func user(_ entry: Entry) -> StaffUser {
        let person = directory.person(entry.id)
        var roles = Set(entry.roles)
        for r in person?.roles ?? [] { if let role = StaffRole(directoryRole: r) { roles.insert(role) } }
        return StaffUser(id: entry.id, name: person?.name ?? entry.name ?? entry.id, roles: roles)
    }

    static func checkPassword(_ password: String) throws {
        guard password.count >= 8 else { throw Failure(description: "密码至少 8 位") }
    }

    private func save() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(entries.values.sorted { $0.id < $1.id })
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: file, options: .atomic)
        _ = chmod(file.path, 0o600)
    }


}
