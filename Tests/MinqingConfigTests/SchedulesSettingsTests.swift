import Foundation
import MinqingConfig
import MinqingCore
import MinqingRouting
import Testing

@Suite("schedules.yaml")
struct SchedulesSettingsTests {
    @Test("the example schedules load: rosters with overrides, market duty on lunar market days, escalation, alerts")
    func exampleLoads() throws {
        let config = try ConfigLoader.load(from: repoRoot.appendingPathComponent("Config/example"), environment: ConfigLoaderTests.env)
        let s = try #require(config.schedules)
        let calendar = try #require(config.routing?.calendar)
        let duty = s.schedules.roster("群工办值班")
        let leaveDays = (CivilDay(iso8601: "2026-12-07")!...CivilDay(iso8601: "2026-12-11")!)
        #expect(leaveDays.contains { duty?.rotation.person(on: $0, calendar: calendar) == "chen-zhiqiang" })
        for d in leaveDays {
            let turn = duty?.rotation.person(on: d, calendar: calendar)
            #expect(duty?.onDuty(on: d, calendar: calendar)?.person == (turn == "chen-zhiqiang" ? "he-jun" : turn))
        }
        #expect(duty?.onDuty(on: CivilDay(iso8601: "2026-12-15")!, calendar: calendar)?.person == "tang-xiaoyan")
        // 青山集 农历逢三六九: 2026-12-11 is 冬月初三, 12-14 初六 (override), 12-08 is 十月三十 (no market).
        let qingshan = try #require(s.schedules.marketDuties.first { $0.market == "qingshan-market" })
        #expect(qingshan.onDuty(on: CivilDay(iso8601: "2026-12-08")!) == nil)
        #expect(qingshan.onDuty(on: CivilDay(iso8601: "2026-12-14")!)?.person == "huang-lihua")
        let on11 = qingshan.onDuty(on: CivilDay(iso8601: "2026-12-11")!)?.person
        let on17 = qingshan.onDuty(on: CivilDay(iso8601: "2026-12-21")!)?.person
        #expect(on11 != nil && on17 != nil && on11 != on17)
        #expect(s.escalation(named: nil)?.steps.count == 3)
        #expect(s.escalation(named: "urgent")?.remindBefore == .hours(1))
        #expect(s.escalation(named: "standard")?.steps.last?.level == .county(office: "county-xinfang", target: "county-webhook"))
        #expect(s.alerts.eveningBefore.description == "18:00" && s.alerts.morningOf.description == "07:00")
        #expect(s.schedules.receptionDays.count == 2)
        #expect(s.schedules.sensitivePeriod(on: CivilDay(iso8601: "2026-03-05")!)?.name == "全国两会")
    }

    @Test("undefined people, markets and offices, bad dates and rules are reported with file and line")
    func broken() throws {
        let scratch = try ScratchConfig(copying: ["directory.yaml", "minqing.yaml"])
        defer { scratch.remove() }
        let dir = scratch.dir
        try """
        rosters:
          - {name: a, from: 2026-13-01, people: [nobody]}
        market_duty:
          - {market: moon-market, leaders: [liu-jianguo], from: 2026-01-01}
        reception_days:
          - {leader: liu-jianguo, rule: 偶尔, time: "9-12", place: 接待室}
        escalation:
          - name: standard
            steps:
              - {to: county, office: mars, target: county-webhook}
              - {to: mayor}
        """.write(to: dir.appendingPathComponent("schedules.yaml"), atomically: true, encoding: .utf8)
        let error = #expect(throws: ConfigError.self) { try ConfigLoader.load(from: dir, environment: ConfigLoaderTests.env) }
        let lines = (error?.issues.map(\.description) ?? []).map { $0.components(separatedBy: "schedules.yaml:").last ?? $0 }
        #expect(lines.count == 7, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("2:21: rosters[0].from：「2026-13-01」不是日期") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("2:42: rosters[0].people[0]：未定义的人员「nobody」") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("4:14: market_duty[0].market：未定义的集市「moon-market」") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("6:33: reception_days[0].rule：无法识别的集日规则“偶尔”") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("6:43: reception_days[0].time：") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("10:9: escalation[0].steps[0]：未定义的县级单位「mars」") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("11:14: escalation[0].steps[1].to：「mayor」不是可选值") }, "\(lines)")
    }

    @Test("follow_up: the example's 2 working days, roster and targets load; an unknown roster, target or key is reported")
    func followUp() throws {
        let config = try ConfigLoader.load(from: repoRoot.appendingPathComponent("Config/example"), environment: ConfigLoaderTests.env)
        #expect(config.schedules?.followUp == FollowUpPolicy(within: .workingDays(2), roster: "群工办值班", targets: ["staff-email"]))
        #expect(config.casePolicy.followUp?.description == "\(DeadlineSpan.workingDays(2))")

        let scratch = try ScratchConfig(copying: ["directory.yaml", "minqing.yaml"])
        defer { scratch.remove() }
        try """
        rosters:
          - {name: 群工办值班, rotation: workdays, from: 2026-01-05, people: [wang-li]}
        follow_up:
          within: {working_days: 0}
          roster: 夜班
          targets: [pager]
          when: tomorrow
        """.write(to: scratch.dir.appendingPathComponent("schedules.yaml"), atomically: true, encoding: .utf8)
        let error = #expect(throws: ConfigError.self) { try ConfigLoader.load(from: scratch.dir, environment: ConfigLoaderTests.env) }
        let lines = (error?.issues.map(\.description) ?? []).map { $0.components(separatedBy: "schedules.yaml:").last ?? $0 }
        #expect(lines.count == 4, "\(lines)")
        #expect(lines.contains { $0.contains("follow_up.within.working_days：期限至少为 1") }, "\(lines)")
        #expect(lines.contains { $0.contains("follow_up.roster：未定义的值班表「夜班」") }, "\(lines)")
        #expect(lines.contains { $0.contains("follow_up.targets[0]：未定义的通知目标「pager」") }, "\(lines)")
        #expect(lines.contains { $0.contains("when") }, "\(lines)")
    }
}
