import Foundation
import MinqingCore

/// `storage:` in `minqing.yaml`: where the ledger lives. Without `postgres` (or with an empty `postgres.url`,
/// as `${MINQING_DATABASE_URL:-}` reads when the variable is unset) the hub keeps one SQLite file under `--data`.
public struct StorageSettings: Sendable {
    /// SQLite file, relative to the data directory unless absolute.
    public var sqlitePath: String
    /// The shared PostgreSQL database of several hub instances (docs/postgres.md); nil: SQLite.
    public var postgres: PostgresSettings?

    public init(sqlitePath: String = "minqing.sqlite", postgres: PostgresSettings? = nil) {
        self.sqlitePath = sqlitePath
        self.postgres = postgres
    }

    public func sqliteURL(dataDirectory: URL) -> URL {
        sqlitePath.hasPrefix("/") ? URL(fileURLWithPath: sqlitePath) : dataDirectory.appendingPathComponent(sqlitePath)
    }
}

/// How the hub reaches its PostgreSQL database. The password is a `Secret`: no description, debug description or
/// mirror of these settings shows it, and no error about the URL repeats the URL.
public struct PostgresSettings: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// libpq's `sslmode` values the hub supports.
    public enum SSLMode: String, Sendable, Hashable, CaseIterable {
        /// Plain TCP (a database on the same machine or a private network).
        case disable
        /// TLS when the server offers it, without checking its certificate; plain TCP otherwise.
        case prefer
        /// TLS always, without checking the certificate.
        case require
        /// TLS always, the certificate checked against the system's CAs and the host name.
        case verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    public var username: String
    public var password: Secret?
    public var database: String
    /// Connections each hub instance keeps at most (`pool_size`).
    public var poolSize: Int
    /// The longest a statement may run before the server cancels it (`statement_timeout`); 0: no limit.
    public var statementTimeout: TimeInterval
    public var sslMode: SSLMode

    public static let defaultPoolSize = 8
    public static let defaultStatementTimeout: TimeInterval = 5

    public init(
        host: String, port: Int = 5432, username: String, password: Secret? = nil, database: String,
        poolSize: Int = defaultPoolSize, statementTimeout: TimeInterval = defaultStatementTimeout, sslMode: SSLMode = .prefer
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.poolSize = poolSize
        self.statementTimeout = statementTimeout
        self.sslMode = sslMode
    }

    /// Reads `postgres://user:password@host:port/database?sslmode=…` (or `postgresql://`). User and password are
    /// percent-decoded; the port defaults to 5432 and the database to the user's name. The error never quotes the
    /// URL (it holds the password).
    public init(url: String) throws(FieldError) {
        let shape = "应为 postgres://用户名:密码@主机:5432/数据库名（密码中的特殊字符请用 %XX 编码）"
        guard let parts = URLComponents(string: url.trimmingCharacters(in: .whitespaces)),
              let scheme = parts.scheme?.lowercased(), scheme == "postgres" || scheme == "postgresql"
        else { throw FieldError(field: "url", reason: "不是 PostgreSQL 连接地址：\(shape)") }
        guard let host = parts.host, !host.isEmpty else { throw FieldError(field: "url", reason: "连接地址缺少主机名：\(shape)") }
        guard let user = parts.user, !user.isEmpty else { throw FieldError(field: "url", reason: "连接地址缺少用户名：\(shape)") }
        if let port = parts.port, !(1...65535).contains(port) {
            throw FieldError(field: "url", reason: "端口应在 1–65535 之间")
        }
        var database = parts.path.hasPrefix("/") ? String(parts.path.dropFirst()) : parts.path
        database = database.removingPercentEncoding ?? database
        guard !database.contains("/") else { throw FieldError(field: "url", reason: "数据库名不能含 /：\(shape)") }
        var mode = SSLMode.prefer
        for item in parts.queryItems ?? [] {
            guard item.name == "sslmode" else {
                throw FieldError(field: "url", reason: "连接地址的参数「\(item.name)」不支持（只支持 sslmode）")
            }
            guard let value = item.value.flatMap(SSLMode.init(rawValue:)) else {
                throw FieldError(field: "url", reason: "sslmode 可选：\(SSLMode.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            mode = value
        }
        self.init(
            host: host, port: parts.port ?? 5432, username: user, password: parts.password.map(Secret.init),
            database: database.isEmpty ? user : database, sslMode: mode)
    }

    /// The connection without its password, e.g. `postgres://minqing@db.example.cn:5432/minqing?sslmode=require`.
    public var redactedURL: String {
        var parts = URLComponents()
        parts.scheme = "postgres"
        parts.user = username
        parts.host = host
        parts.port = port
        parts.path = "/" + database
        parts.queryItems = [URLQueryItem(name: "sslmode", value: sslMode.rawValue)]
        return parts.string ?? "postgres://\(host):\(port)"
    }

    public var description: String {
        "\(redactedURL) (pool_size \(poolSize), statement_timeout \(statementTimeout)s\(password == nil ? "" : ", password <secret>"))"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(self, children: ["url": redactedURL, "poolSize": poolSize, "statementTimeout": statementTimeout], displayStyle: .struct)
    }
}

extension StorageSettings {
    static func read(_ n: ConfigNode) -> StorageSettings? {
        guard let m = n.mapping else { return nil }
        var s = StorageSettings()
        var ok = true
        if let sqlite = m.optional("sqlite")?.mapping {
            if let p = sqlite.optional("path")?.string { s.sqlitePath = p }
            sqlite.finish()
        }
        if let node = m.optional("postgres") {
            if let pg = node.mapping {
                switch PostgresSettings.read(pg) {
                case .some(let settings): s.postgres = settings
                case .none: ok = false
                }
            } else {
                ok = false
            }
        }
        m.finish()
        return ok ? s : nil
    }
}

extension PostgresSettings {
    /// `nil` when there is an issue; `.some(nil)` when `url` is empty (PostgreSQL not in use).
    static func read(_ m: ConfigMapping) -> PostgresSettings?? {
        let urlNode = m.required("url", hint: "建议写成 ${MINQING_DATABASE_URL:-}（未设置时用 SQLite）")
        let text = urlNode?.text?.trimmingCharacters(in: .whitespaces)
        var failed = urlNode == nil || text == nil
        var settings: PostgresSettings?
        if let text, !text.isEmpty {
            do { settings = try PostgresSettings(url: text) } catch {
                urlNode?.report(error.reason)
                failed = true
            }
        }
        if let node = m.optional("pool_size"), let v = node.int {
            if (1...200).contains(v) { settings?.poolSize = v } else { node.report("连接数应在 1–200 之间，如 8"); failed = true }
        }
        if let node = m.optional("statement_timeout"), let v = node.duration {
            if v <= 3600 { settings?.statementTimeout = v } else { node.report("应在 0–1h 之间（0 表示不限），如 5s"); failed = true }
        }
        if let node = m.optional("sslmode") {
            if let mode = node.oneOf(SSLMode.self) { settings?.sslMode = mode } else { failed = true }
        }
        m.finish()
        return failed ? nil : .some(settings)
    }
}
