import Foundation
import MinqingConfig
import Testing

@Suite("Mailbox configuration")
struct MailboxSettingsTests {
    static let env = ["MINQING_API_TOKEN": "test-token-0123456789abcdef"]

    @Test("the example mailbox loads with defaults from the environment, its password a secret")
    func example() throws {
        let config = try ConfigLoader.load(from: repoRoot.appendingPathComponent("Config/example"), environment: Self.env)
        #expect(config.mailbox.acknowledgement == .init(enabled: true, target: "staff-email"))
        let office = try #require(config.mailbox.accounts.first)
        #expect(office.name == "office" && office.host == "127.0.0.1" && office.port == 993 && office.tls == .implicit)
        #expect(office.interval == 60 && office.disposition == .move && office.processedFolder == "已登记")
        #expect(office.password.value == "demo-password")
        #expect("\(office.password)" == "<secret>")
        let overridden = try ConfigLoader.load(
            from: repoRoot.appendingPathComponent("Config/example"),
            environment: Self.env.merging(["MINQING_MAILBOX_TLS": "none", "MINQING_MAILBOX_PORT": "10143",
                                           "MINQING_MAILBOX_INTERVAL": "250ms", "MINQING_MAILBOX_PASSWORD": "s3cret"]) { $1 })
        let local = try #require(overridden.mailbox.accounts.first)
        #expect(local.tls == .none && local.port == 10143 && local.interval == 0.25 && local.password.value == "s3cret")
    }

    @Test("a wrong TLS mode, interval, duplicate name, unknown key or undefined receipt target is reported with its line")
    func errors() throws {
        let scratch = try ScratchConfig()
        defer { scratch.remove() }
        let dir = scratch.dir
        try scratch.write("minqing.yaml", """
        office: { name: 测试镇 }
        api: { tokens: [ { name: t, token: test-token-0123456789abcdef } ] }
        mailbox:
          accounts:
            - { name: office, host: imap.example.cn, user: u, password: p, tls: ssl }
            - { name: office, host: imap.example.cn, user: u, password: p, interval: 一分钟 }
            - { name: leader, host: imap.example.cn, user: u, password: p, folders: INBOX }
        """)
        let error = #expect(throws: ConfigError.self) { try ConfigLoader.load(from: dir, environment: [:]) }
        let lines = error?.issues.map(\.description) ?? []
        #expect(lines.count == 5, "\(lines)")
        #expect(lines.contains { $0.contains("mailbox") && $0.contains("回执要经通知目标「email」发送，但 targets 中没有它") }, "\(lines)")
        #expect(lines.contains { $0.contains("minqing.yaml:5:") && $0.contains("mailbox.accounts[0].tls") && $0.contains("implicit, starttls, none") }, "\(lines)")
        #expect(lines.contains { $0.contains("mailbox.accounts[1].interval") && $0.contains("不是时长") }, "\(lines)")
        #expect(lines.contains { $0.contains("mailbox.accounts[1]") && $0.contains("重复") }, "\(lines)")
        #expect(lines.contains { $0.contains("mailbox.accounts[2].folders") && $0.contains("是不是要写 folder") }, "\(lines)")
    }
}
