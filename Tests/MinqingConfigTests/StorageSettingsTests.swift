import Foundation
import MinqingConfig
import Testing

@Suite("Storage configuration")
struct StorageSettingsTests {
    static let password = "s3cr@t-民情"
    static let url = "postgres://minqing:s3cr%40t-%E6%B0%91%E6%83%85@db.county.gov.cn:6432/ledger"

    static func load(_ storage: String, environment: [String: String] = [:]) throws -> HubConfig {
        let scratch = try ScratchConfig()
        defer { scratch.remove() }
        try scratch.write("minqing.yaml", """
        office: { name: 测试镇 }
        api: { tokens: [ { name: t, token: test-token-0123456789abcdef } ] }
        \(storage)
        """)
        return try ConfigLoader.load(from: scratch.dir, environment: environment)
    }

    @Test("a PostgreSQL URL from the environment is read with its pool, timeout and TLS settings")
    func postgresFromEnvironment() throws {
        let config = try Self.load("""
        storage:
          postgres: { url: "${MINQING_DATABASE_URL:-}", pool_size: 12, statement_timeout: 2500ms, sslmode: verify-full }
        """, environment: ["MINQING_DATABASE_URL": Self.url])
        let pg = try #require(config.storage.postgres)
        #expect(pg.host == "db.county.gov.cn" && pg.port == 6432 && pg.username == "minqing" && pg.database == "ledger")
        #expect(pg.password?.value == Self.password, "percent-decoded")
        #expect(pg.poolSize == 12 && pg.statementTimeout == 2.5 && pg.sslMode == .verifyFull)
    }

    @Test("the example configuration uses PostgreSQL exactly when MINQING_DATABASE_URL is set")
    func example() throws {
        let dir = repoRoot.appendingPathComponent("Config/example")
        let env = ["MINQING_API_TOKEN": "test-token-0123456789abcdef"]
        #expect(try ConfigLoader.load(from: dir, environment: env).storage.postgres == nil)
        let pg = try ConfigLoader.load(from: dir, environment: env.merging(["MINQING_DATABASE_URL": Self.url]) { $1 }).storage.postgres
        #expect(pg?.host == "db.county.gov.cn" && pg?.poolSize == 8 && pg?.statementTimeout == 5 && pg?.sslMode == .prefer)
    }

    @Test("without a database URL the ledger stays in SQLite")
    func sqliteWhenUnset() throws {
        let unset = try Self.load("storage: { postgres: { url: \"${MINQING_DATABASE_URL:-}\" } }")
        #expect(unset.storage.postgres == nil)
        #expect(unset.storage.sqlitePath == "minqing.sqlite")
        #expect(try Self.load("").storage.postgres == nil)
    }

    @Test("defaults: port 5432, the user's database, pool 8, 5 s statement timeout, sslmode from the URL or prefer")
    func defaults() throws {
        let pg = try PostgresSettings(url: "postgresql://hub@127.0.0.1")
        #expect(pg.port == 5432 && pg.database == "hub" && pg.password == nil)
        #expect(pg.poolSize == 8 && pg.statementTimeout == 5 && pg.sslMode == .prefer)
        #expect(try PostgresSettings(url: "postgres://hub@127.0.0.1/x?sslmode=disable").sslMode == .disable)
    }

    @Test("the password appears in no description, debug description, mirror or redacted URL")
    func passwordNeverPrinted() throws {
        let pg = try PostgresSettings(url: Self.url)
        var dumped = ""
        dump(pg, to: &dumped)
        for shown in [String(describing: pg), String(reflecting: pg), "\(pg)", dumped, pg.redactedURL,
                      String(describing: StorageSettings(postgres: pg))] {
            #expect(!shown.contains("s3cr"), "\(shown)")
            #expect(!shown.contains("民情"), "\(shown)")
        }
        #expect(pg.redactedURL == "postgres://minqing@db.county.gov.cn:6432/ledger?sslmode=prefer")
    }

    @Test("a wrong URL, pool size, timeout or sslmode is reported with its line, never quoting the password")
    func errors() throws {
        let error = #expect(throws: ConfigError.self) {
            try Self.load("""
            storage:
              postgres:
                url: "mysql://root:hunter2-secret@db/ledger"
                pool_size: 0
                statement_timeout: 2h
                sslmode: allow
            """)
        }
        let issues = error?.issues ?? []
        #expect(issues.contains { $0.key == "storage.postgres.url" && $0.line == 5 && $0.message.contains("postgres://") }, "\(issues)")
        #expect(issues.contains { $0.key == "storage.postgres.pool_size" && $0.message.contains("1–200") })
        #expect(issues.contains { $0.key == "storage.postgres.statement_timeout" })
        #expect(issues.contains { $0.key == "storage.postgres.sslmode" && $0.message.contains("verify-full") })
        #expect(!issues.contains { $0.message.contains("hunter2") })
        for bad in ["postgres://@db/x", "postgres://u:p@/x", "postgres://u:p@db/x?user=y", "postgres://u:p@db/x?sslmode=allow"] {
            #expect(throws: (any Error).self, "\(bad)") { try PostgresSettings(url: bad) }
        }
    }
}
