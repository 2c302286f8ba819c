import Foundation
import MinqingConfig
import MinqingCore
import MinqingRouting
import Testing

@Suite("routing.yaml")
struct RoutingSettingsTests {
    static let env = ConfigLoaderTests.env

    @Test("the example township's routing rules load, with the calendar files and the safety keywords")
    func exampleLoads() throws {
        let config = try ConfigLoader.load(from: repoRoot.appendingPathComponent("Config/example"), environment: Self.env)
        let routing = try #require(config.routing)
        #expect(routing.calendar.coveredYears.isSuperset(of: [2025, 2026]))
        #expect(routing.tree.safety?.keywords.contains("溺水") == true)
        #expect(routing.tree.safety?.settings.deadline == .hours(2))
        #expect(routing.tree.defaults.deadline == StatutoryLimit.handling.span)
        #expect(routing.tree.routes.map(\.name).contains("土地纠纷"))
        // Village names are compiled to codes.
        let land = try #require(routing.tree.routes.first { $0.name == "土地纠纷" })
        #expect(land.routes.first?.match.villages == ["431028101207"])
    }

    @Test("the example rules file a 龙泉村 land dispute to the 国土所 officer with the township leader")
    func exampleDecision() throws {
        let config = try ConfigLoader.load(from: repoRoot.appendingPathComponent("Config/example"), environment: Self.env)
        let message = InboundMessage(channel: .webform, sourceRef: "f-1", village: "龙泉村", category: "宅基地",
                                     subject: "宅基地界址纠纷", body: "邻居占用我家宅基地")
        let now = try #require(HubTime.parse("2026-11-02T10:00:00+08:00"))
        let (record, event) = config.caseFactory.makeCase(
            from: message, id: CaseID("MQ-20261102-0001")!, registeredAt: now, attachments: [])
        #expect(record.leader == "sun-wei")
        #expect(record.staff == "li-haitao")
        #expect(record.deadline.map { HubTime.iso($0) } == "2026-11-23T17:30:00+08:00")
        #expect(record.routing?.rules == ["土地纠纷 › 土地纠纷（龙泉村，国土所）"])
        #expect(event.details["routing"]?.contains("匹配规则「土地纠纷 › 土地纠纷（龙泉村，国土所）」") == true)
        #expect(event.details["staff"] == "li-haitao")
    }

    @Test("undefined people, targets, villages and categories and bad deadlines are reported with file and line")
    func brokenRouting() throws {
        let scratch = try ScratchConfig(copying: ["directory.yaml", "minqing.yaml"])
        defer { scratch.remove() }
        let dir = scratch.dir
        try """
        safety:
          keywords: [火灾]
          leader: nobody
        routes:
          - name: a
            match: {category: 天文, village: 火星村, chanel: hotline}
            deadline: {days: 3, hours: 2}
            notify: [no-such-target]
          - match: {}
            staff: village_cadre
        """.write(to: dir.appendingPathComponent("routing.yaml"), atomically: true, encoding: .utf8)
        let error = #expect(throws: ConfigError.self) { try ConfigLoader.load(from: dir, environment: Self.env) }
        let lines = (error?.issues.map(\.description) ?? []).map { $0.components(separatedBy: "routing.yaml:").last ?? $0 }
        #expect(lines == [
            "3:11: safety.leader：未定义的人员「nobody」：请先在 directory.yaml 的 people 中登记此人",
            "6:23: routes[0].match.category：未定义的类别「天文」（可用：land, subsistence, demolition, environment, public-order, wages, roads, water）",
            "6:36: routes[0].match.village：未定义的村（社区）「火星村」：应为 directory.yaml 中的村代码或村名",
            "6:41: routes[0].match.chanel：未知的配置项；是不是要写 channel？（此处可用：category, channel, keywords, market_day, office_hours, priority, severity, village, workday）",
            "7:15: routes[0].deadline：期限只能写一种：days、working_days、working_hours 或 hours",
            "8:14: routes[0].notify[0]：未定义的通知目标「no-such-target」（minqing.yaml 的 targets 中已定义：county-webhook, office-wecom, leaders-dingtalk, cadres-feishu, county-12345, county-hub, staff-email, citizen-sms）",
            "9:5: routes[1].name：缺少必填项（规则名称，显示在派单理由中）",
        ], "\(lines)")
    }
}
