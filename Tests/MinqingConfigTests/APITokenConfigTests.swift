import Foundation
import MinqingConfig
import MinqingCore
import Testing

@Suite("API tokens and trusted proxies in minqing.yaml")
struct APITokenConfigTests {
    func load(_ api: String, server: String = "") throws -> HubConfig {
        let scratch = try ScratchConfig()
        defer { scratch.remove() }
        try scratch.write("minqing.yaml", "office:\n  name: 测试镇\n\(server)api:\n\(api)")
        return try ConfigLoader.load(from: scratch.dir, environment: ["HOTLINE": "hotline-token-0123456789"])
    }

    func issues(_ api: String, server: String = "") throws -> [String] {
        let error = #expect(throws: ConfigError.self) { try load(api, server: server) }
        return error?.issues.map(\.description) ?? []
    }

    @Test("each token has its scopes and identity; a token without scopes gets intake and read; an empty token is switched off")
    func scopes() throws {
        let config = try load("""
          tokens:
            - name: 业务系统
              token: office-token-0123456789
              scopes: [read, read_pii, transition]
              identity: 镇业务系统
            - name: 旧配置
              token: legacy-token-0123456789
            - name: 热线系统
              token: ${HOTLINE}
              scopes: [hotline]
            - name: 未启用
              token: ${NOT_SET:-}
              scopes: [ack]
        """)
        let tokens = Dictionary(uniqueKeysWithValues: config.api.tokens.map { ($0.name, $0) })
        #expect(tokens.count == 3, "the empty one is off")
        #expect(tokens["业务系统"]?.scopes == [.read, .readPII, .transition])
        #expect(tokens["业务系统"]?.identity == "镇业务系统")
        #expect(tokens["旧配置"]?.scopes == [.intake, .read])
        #expect(tokens["热线系统"]?.identity == "热线系统", "identity defaults to the name")
        #expect(tokens["热线系统"]?.token.value == "hotline-token-0123456789")
    }

    @Test("an unknown scope, an empty scope list, a reused token and a reused name are reported with file, line and key")
    func mistakes() throws {
        let lines = try issues("""
          tokens:
            - name: a
              token: token-a-0123456789
              scopes: [intake, write]
            - name: b
              token: token-a-0123456789
            - name: a
              token: token-c-0123456789
            - name: d
              token: token-d-0123456789
              scopes: []
        """)
        #expect(lines.count == 4, "\(lines)")
        #expect(lines.contains { $0.hasSuffix("minqing.yaml:7:24: api.tokens[0].scopes[1]：「write」不是权限名称（可选：intake, read, read_pii, transition, hotline, ack, metrics）") }, "\(lines)")
        #expect(lines.contains { $0.contains("minqing.yaml:9:14: api.tokens[1].token：与前面的令牌相同") }, "\(lines)")
        #expect(lines.contains { $0.contains("minqing.yaml:10:13: api.tokens[2].name：令牌名称「a」重复") }, "\(lines)")
        #expect(lines.contains { $0.contains("api.tokens[3].scopes：至少写一项权限") }, "\(lines)")
    }

    @Test("server.trusted_proxies takes addresses and networks; anything else is reported at its line")
    func trustedProxies() throws {
        let api = "  tokens: [{name: a, token: token-a-0123456789}]\n"
        let config = try load(api, server: "server:\n  trusted_proxies: [127.0.0.1, 10.0.0.0/8, \"fd00::/8\"]\n")
        #expect(config.trustedProxies.map(\.description) == ["127.0.0.1/32", "10.0.0.0/8", "fd00:0:0:0:0:0:0:0/8"])
        let lines = try issues(api, server: "server:\n  trusted_proxies: [10.0.0.0/33, proxy.local]\n")
        #expect(lines.count == 2, "\(lines)")
        #expect(lines.contains { $0.contains("minqing.yaml:4:21: server.trusted_proxies[0]：「10.0.0.0/33」不是 IP 地址或网段") }, "\(lines)")
    }

    @Test("the old webform.trust_forwarded_for switch still means a proxy on this machine")
    func legacySwitch() throws {
        let config = try load("  tokens: [{name: a, token: token-a-0123456789}]\nwebform:\n  trust_forwarded_for: true\n")
        #expect(config.trustedProxies == IPAddressRange.loopback)
    }

    @Test("the example's MINQING_API_TOKEN is the demo's intake-and-read token; the other integrations are off until their variables are set")
    func example() throws {
        let config = try ConfigLoader.load(from: repoRoot.appendingPathComponent("Config/example"),
                                           environment: ["MINQING_API_TOKEN": "test-token-0123456789abcdef"])
        #expect(config.api.tokens.count == 1)
        #expect(config.api.tokens.first?.scopes == [.intake, .read])
    }
}
