import Foundation
import MinqingConfig
import MinqingCore
import Testing

let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

@Suite("Configuration loading")
struct ConfigLoaderTests {
    static let env = ["MINQING_API_TOKEN": "test-token-0123456789abcdef"]

    @Test("the example township loads with its office, people, villages, categories and markets")
    func exampleLoads() throws {
        let config = try ConfigLoader.load(from: repoRoot.appendingPathComponent("Config/example"), environment: Self.env)
        #expect(config.office.caseIDPrefix == "MQ")
        #expect(config.office.timeZone.identifier == "Asia/Shanghai")
        #expect(config.server.port == 8080 && config.server.maxBodyBytes == 20 << 20)
        #expect(config.server.publicURL == "http://127.0.0.1:8080")
        #expect(config.api.tokens.first?.token.value == "test-token-0123456789abcdef")
        let d = config.directory
        #expect(d.people.filter { $0.roles.contains(.leader) }.count >= 2)
        #expect(d.people.filter { $0.roles.contains(.staff) && $0.phone != nil && $0.email != nil }.count >= 6)
        #expect(d.villages.count >= 8)
        #expect(d.markets.count >= 2)
        #expect(Set(["土地", "低保", "拆迁", "环境", "治安", "劳资"]).isSubset(of: Set(d.categories.map(\.name))))
        #expect(config.vocabulary.village("柳塘") == "431028101203")
        #expect(config.vocabulary.category("拖欠工资") == "wages")
    }

    @Test("an unknown key, a bad reference and a missing environment variable are all reported with file and line")
    func brokenConfig() throws {
        let dir = repoRoot.appendingPathComponent("Tests/MinqingConfigTests/Fixtures/broken")
        let error = #expect(throws: ConfigError.self) { try ConfigLoader.load(from: dir, environment: [:]) }
        let lines = error?.issues.map(\.description) ?? []
        #expect(lines.count == 3, "\(lines)")
        #expect(lines.contains { $0.hasSuffix("broken/minqing.yaml:6:3: server.prot：未知的配置项；是不是要写 port？（此处可用：body_limits, host, idle_timeout, max_body_bytes, port, public_url, trusted_proxies）") }, "\(lines)")
        #expect(lines.contains { $0.contains("broken/minqing.yaml:10:14: api.tokens[0].token：环境变量 MINQING_TEST_TOKEN_THAT_IS_NOT_SET 未设置") }, "\(lines)")
        #expect(lines.contains { $0.contains("broken/directory.yaml:14:13: villages[0].leader：未定义的人员「nobody-here」") }, "\(lines)")
    }

    @Test("secrets print as <secret>")
    func secrets() throws {
        let config = try ConfigLoader.load(from: repoRoot.appendingPathComponent("Config/example"), environment: Self.env)
        let printed = "\(config.api.tokens)" + String(reflecting: config.api.tokens)
        #expect(!printed.contains("test-token-0123456789abcdef"))
        #expect(printed.contains("<secret>"))
    }

    @Test("environment defaults, YAML syntax errors, wrong types and a missing file are explained")
    func otherErrors() throws {
        let scratch = try ScratchConfig()
        defer { scratch.remove() }
        let dir = scratch.dir
        try scratch.write("minqing.yaml", """
        office:
          name: 测试镇
          case_id_prefix: 民情
        server:
          port: 八千
        api:
          tokens: [{name: a, token: "${T:-short}"}]
        """)
        let error = #expect(throws: ConfigError.self) { try ConfigLoader.load(from: dir, environment: [:]) }
        let text = error?.description ?? ""
        #expect(text.contains("minqing.yaml:3:19: office.case_id_prefix：案件编号前缀只能是 1–8 位字母或数字"), "\(text)")
        #expect(text.contains("minqing.yaml:5:9: server.port：「八千」不是整数"), "\(text)")
        #expect(text.contains("令牌太短"), "\(text)")

        try "office: [unclosed".write(to: dir.appendingPathComponent("minqing.yaml"), atomically: true, encoding: .utf8)
        let syntax = #expect(throws: ConfigError.self) { try ConfigLoader.load(from: dir, environment: [:]) }
        #expect(syntax?.issues.first?.message.hasPrefix("YAML 格式错误") == true)

        try FileManager.default.removeItem(at: dir.appendingPathComponent("minqing.yaml"))
        let missing = #expect(throws: ConfigError.self) { try ConfigLoader.load(from: dir, environment: [:]) }
        #expect(missing?.issues.first?.message.contains("应有 minqing.yaml") == true)
    }

    @Test("each route family has its own body limit, read from server.body_limits with strict keys")
    func bodyLimits() throws {
        let example = try ConfigLoader.load(from: repoRoot.appendingPathComponent("Config/example"), environment: Self.env)
        #expect(example.server.bodyLimits == BodyLimits(form: 21 << 20, intake: 20 << 20, hotline: 1 << 20,
                                                        letters: 20 << 20, console: 40 << 20))
        #expect(example.server.idleTimeoutSeconds == 30)

        let scratch = try ScratchConfig()
        defer { scratch.remove() }
        try scratch.write("minqing.yaml", """
        office:
          name: 测试镇
        server:
          max_body_bytes: 8MB
          body_limits:
            hotline: 64KB
        api:
          tokens: [{name: a, token: "0123456789abcdef0123"}]
        """)
        let defaults = try ConfigLoader.load(from: scratch.dir, environment: [:]).server
        #expect(defaults.bodyLimits.hotline == 64 << 10)
        #expect(defaults.intakeBodyLimit == 8 << 20 && defaults.lettersBodyLimit == 8 << 20, "intake and letters follow max_body_bytes")
        #expect(defaults.bodyLimits.console == 40 << 20 && defaults.bodyLimits.form == nil)

        try scratch.write("minqing.yaml", """
        office:
          name: 测试镇
        server:
          body_limits:
            hotlines: 1MB
            form: 10
        api:
          tokens: [{name: a, token: "0123456789abcdef0123"}]
        """)
        let error = #expect(throws: ConfigError.self) { try ConfigLoader.load(from: scratch.dir, environment: [:]) }
        let text = error?.description ?? ""
        #expect(text.contains("server.body_limits.hotlines：未知的配置项；是不是要写 hotline？"), "\(text)")
        #expect(text.contains("server.body_limits.form：上限太小（至少 1KB）"), "\(text)")
    }
}
