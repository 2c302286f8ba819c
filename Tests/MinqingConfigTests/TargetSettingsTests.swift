import Foundation
import MinqingConfig
import MinqingCore
import Testing

@Suite("Notification targets configuration")
struct TargetSettingsTests {
    static let env = ["MINQING_API_TOKEN": "test-token-0123456789abcdef"]

    @Test("the example's targets read their addresses and secrets from the environment; without them they are listed but unused")
    func exampleTargets() throws {
        let bare = try ConfigLoader.load(from: repoRoot.appendingPathComponent("Config/example"), environment: Self.env)
        #expect(bare.targets.map(\.name) == ["county-webhook", "office-wecom", "leaders-dingtalk", "cadres-feishu", "county-12345", "county-hub", "staff-email", "citizen-sms"])
        #expect(bare.targets.allSatisfy { !$0.isConfigured })
        let env = Self.env.merging([
            "MINQING_WEBHOOK_URL": "https://county.example.cn/hooks/minqing", "MINQING_WEBHOOK_SECRET": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "MINQING_WECOM_URL": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx",
            "MINQING_DINGTALK_URL": "https://oapi.dingtalk.com/robot/send?access_token=abc", "MINQING_DINGTALK_SECRET": "SECxyz",
            "MINQING_FEISHU_URL": "https://open.feishu.cn/open-apis/bot/v2/hook/uuid", "MINQING_FEISHU_SECRET": "fs",
            "MINQING_SMTP_URL": "smtps://smtp.qiye.163.com:465", "MINQING_12345_URL": "https://12345.example.cn/api/orders", "MINQING_COUNTY_HUB_URL": "https://minqing.anren.gov.cn", "MINQING_COUNTY_HUB_TOKEN": "county-token-0123456789",
            "MINQING_SMS_URL": "https://sms.tencentcloudapi.com", "MINQING_SMS_SECRET_ID": "AKIDexample", "MINQING_SMS_SECRET_KEY": "sms-key",
        ]) { $1 }
        let config = try ConfigLoader.load(from: repoRoot.appendingPathComponent("Config/example"), environment: env)
        #expect(config.targets.allSatisfy { $0.isConfigured })
        let wecom = try #require(config.targets.first { $0.name == "office-wecom" })
        #expect("\(wecom.url!)" == "<secret>", "a robot URL holds its key, so it never prints")
        #expect(config.targets.first { $0.name == "leaders-dingtalk" }?.isPrivate == true)
        #expect(config.targets.first { $0.name == "staff-email" }?.smtp?.fromName == "青山镇群工办")
        let created = try #require(config.notifications.first { $0.events.contains(.created) })
        #expect(created.targets == ["county-webhook", "office-wecom", "staff-email"], "a new case notifies the webhook, the office's WeCom group and the staff by e-mail")
    }

    @Test("an unknown target type, an undefined target in a rule, a bad event, a duplicate and a non-https URL are reported with their lines")
    func errors() throws {
        let scratch = try ScratchConfig()
        defer { scratch.remove() }
        let dir = scratch.dir
        try scratch.write("minqing.yaml", """
        office: { name: 测试镇 }
        api: { tokens: [ { name: t, token: test-token-0123456789abcdef } ] }
        mailbox: { acknowledgement: { enabled: false } }
        targets:
          - { name: hook, type: webhook, url: "ftp://county.example.cn/in" }
          - { name: hook, type: wecom, url: "https://qyapi.weixin.qq.com/x" }
          - { name: sms, type: sms, url: "https://sms.example.cn" }
          - { name: robot, type: dingtalk, url: "https://oapi.dingtalk.com/x", rate_limit: [ { count: 0, per: 1m } ] }
        notifications:
          - { on: [case.created, case.exploded], targets: [hook, county] }
        """)
        let error = #expect(throws: ConfigError.self) { try ConfigLoader.load(from: dir, environment: [:]) }
        let lines = error?.issues.map(\.description) ?? []
        #expect(lines.count == 6, "\(lines)")
        #expect(lines.contains { $0.contains("minqing.yaml:5:") && $0.contains("https://") }, "\(lines)")
        #expect(lines.contains { $0.contains("minqing.yaml:6:") && $0.contains("「hook」重复") }, "\(lines)")
        #expect(lines.contains { $0.contains("minqing.yaml:7:") && $0.contains("targets[2].type") && $0.contains("webhook, wecom, dingtalk, feishu, email") }, "\(lines)")
        #expect(lines.contains { $0.contains("minqing.yaml:8:") && $0.contains("大于 0") }, "\(lines)")
        #expect(lines.contains { $0.contains("minqing.yaml:10:") && $0.contains("case.exploded") }, "\(lines)")
        #expect(lines.contains { $0.contains("minqing.yaml:10:") && $0.contains("未定义的通知目标「county」") }, "\(lines)")
    }

    @Test("the example's citizen-sms target: Tencent SMS with sign name, app id and a template per citizen event; secrets never print")
    func exampleSMS() throws {
        let env = Self.env.merging(["MINQING_SMS_URL": "https://sms.tencentcloudapi.com", "MINQING_SMS_SECRET_ID": "AKIDexample",
                                    "MINQING_SMS_SECRET_KEY": "sms-key"]) { $1 }
        let config = try ConfigLoader.load(from: repoRoot.appendingPathComponent("Config/example"), environment: env)
        let sms = try #require(config.targets.first { $0.name == "citizen-sms" })
        #expect(sms.kind == .tencentSMS && sms.isConfigured && sms.kind.addressesPeople)
        let s = try #require(sms.sms)
        #expect(s.signName == "青山镇群工办" && s.appID == "1400000000" && s.region == "ap-guangzhou" && s.maxParamChars == 35)
        #expect(s.templates[.created]?.params.map(\.field) == ["case_id"])
        #expect(s.templates[.replied]?.params.map(\.field) == ["case_id", "reply_text", "lookup_code"])
        #expect("\(s.secretKey!)" == "<secret>" && "\(s.secretID!)" == "<secret>")
        let citizen = config.notifications.filter { $0.recipients == [.complainant] }
        #expect(citizen.map(\.events) == [[.created], [.replied]])
        #expect(citizen[1].targets == ["citizen-sms", "staff-email"])
        // Only the secret key missing: unconfigured, like a robot without its URL.
        let partial = try ConfigLoader.load(from: repoRoot.appendingPathComponent("Config/example"),
                                            environment: env.filter { $0.key != "MINQING_SMS_SECRET_KEY" })
        #expect(partial.targets.first { $0.name == "citizen-sms" }?.isConfigured == false)
    }

    @Test("Aliyun templates name their variables, in the order written")
    func aliyunNamedParams() throws {
        let scratch = try ScratchConfig()
        defer { scratch.remove() }
        try scratch.write("minqing.yaml", """
        office: { name: 测试镇 }
        api: { tokens: [ { name: t, token: test-token-0123456789abcdef } ] }
        mailbox: { acknowledgement: { enabled: false } }
        targets:
          - name: ali
            type: aliyun_sms
            url: https://dysmsapi.aliyuncs.com
            sms:
              secret_id: LTAI5tExample
              secret_key: secret
              sign_name: 青山镇群工办
              templates:
                case.replied: { id: SMS_468151234, params: { reply: reply_text, code: case_id } }
        notifications:
          - { on: [case.replied], targets: [ali], recipients: [complainant] }
        """)
        let config = try ConfigLoader.load(from: scratch.dir, environment: [:])
        let t = try #require(config.targets.first?.sms?.templates[.replied])
        #expect(t.id == "SMS_468151234")
        #expect(t.params == [.init(name: "reply", field: "reply_text"), .init(name: "code", field: "case_id")])
    }

    @Test("citizen rules and SMS targets are checked: complainant alone, only to people-addressing targets, a template for every event, known fields, a Tencent app id")
    func smsErrors() throws {
        let scratch = try ScratchConfig()
        defer { scratch.remove() }
        try scratch.write("minqing.yaml", """
        office: { name: 测试镇 }
        api: { tokens: [ { name: t, token: test-token-0123456789abcdef } ] }
        mailbox: { acknowledgement: { enabled: false } }
        targets:
          - { name: group, type: wecom, url: "https://qyapi.weixin.qq.com/x" }
          - name: tx
            type: tencent_sms
            url: https://sms.tencentcloudapi.com
            sms:
              sign_name: 青山镇群工办
              templates:
                case.created: { id: "2000001", params: [case_id, staff_name] }
        notifications:
          - { on: [case.created], targets: [tx], recipients: [complainant, responsible] }
          - { on: [case.replied], targets: [tx, group], recipients: [complainant] }
        """)
        let error = #expect(throws: ConfigError.self) { try ConfigLoader.load(from: scratch.dir, environment: [:]) }
        let lines = error?.issues.map(\.description) ?? []
        #expect(lines.count == 5, "\(lines)")
        #expect(lines.contains { $0.contains("sms.app_id") }, "\(lines)")
        #expect(lines.contains { $0.contains("staff_name") && $0.contains("case_id") }, "unknown field, with the choices: \(lines)")
        #expect(lines.contains { $0.contains("minqing.yaml:14:") && $0.contains("不能与工作人员写在同一条规则中") }, "\(lines)")
        #expect(lines.contains { $0.contains("minqing.yaml:15:") && $0.contains("「group」是群或系统") }, "\(lines)")
        #expect(lines.contains { $0.contains("minqing.yaml:15:") && $0.contains("没有「case.replied」的模板") }, "\(lines)")
    }
}
