import Foundation
import MinqingCore
import Testing
@testable import MinqingRouting

/// A small township: two principal leaders, two villages, a clerk as fallback.
enum RoutingFixtures {
    static let people = RoutingPeople(
        people: [
            .init(id: "liu", name: "刘建国", isPrincipalLeader: true),
            .init(id: "zhao", name: "赵红梅", isPrincipalLeader: true),
            .init(id: "sun", name: "孙伟"),
            .init(id: "chen", name: "陈志强"),
            .init(id: "zhou", name: "周敏"),
            .init(id: "li", name: "李海涛"),
            .init(id: "wang", name: "王丽"),
        ],
        villages: [
            "v1": .init(name: "青山村", cadre: "chen", leader: "sun"),
            "v2": .init(name: "柳塘村", cadre: "zhou", leader: "zhao"),
        ],
        categories: ["demolition": "拆迁", "land": "土地"])

    static let tree = RoutingTree(
        defaults: .init(deadline: .calendarDays(60)),
        safety: SafetyRule(
            keywords: ["火灾", "溺水", "坍塌", "煤气", "触电"],
            settings: .init(leader: .principalLeader, deadline: .hours(2), notify: ["leaders"])),
        routes: [
            Route(name: "拆迁", match: with { $0.categories = ["demolition"] }, settings: .init(severity: .major)),
            Route(name: "群体", match: with { $0.keywords = ["联名"] },
                  settings: .init(severity: .major, notify: ["leaders"]), continue: true),
            Route(name: "土地", match: with { $0.categories = ["land"] }, settings: .init(deadline: .workingDays(15)),
                  routes: [Route(name: "土地·青山村", match: with { $0.villages = ["v1"] }, settings: .init(staff: .person("li")))]),
            Route(name: "非工作时间热线", match: with { $0.channels = [.hotline]; $0.officeHours = false },
                  settings: .init(deadline: .workingDays(5), notify: ["wecom"])),
        ],
        fallbackStaff: ["wang"])

    static func with(_ edit: (inout RouteMatch) -> Void) -> RouteMatch {
        var m = RouteMatch()
        edit(&m)
        return m
    }

    static func record(
        channel: Channel = .webform, village: String? = nil, category: String? = nil, body: String = "反映问题",
        concerns: [String] = []
    ) -> CaseRecord {
        var r = CaseRecord(
            id: CaseID("MQ-20261015-0001")!, channel: channel, sourceRef: "t", receivedAt: .distantPast,
            registeredAt: .distantPast, village: village, category: category, subject: "来件", body: body)
        r.concerns = concerns
        return r
    }
}

@Suite("Routing tree: matching, continue, defaults, conflict exclusion")
struct RoutingTreeTests {
    typealias F = RoutingFixtures

    struct Row: Sendable, CustomTestStringConvertible {
        var label: String
        var record: CaseRecord
        var at: String
        var rules: [String]
        var leader: String?
        var staff: String?
        var deadline: String
        var priority: Priority = .normal
        var severity: Severity = .general
        var notify: [String] = []
        var testDescription: String { label }
    }

    static let rows: [Row] = [
        Row(label: "no rule: general → village leader and 包村 cadre, statutory 60 days",
            record: F.record(village: "v2", category: "environment"), at: "2026-10-15 10:00",
            rules: [], leader: "zhao", staff: "zhou", deadline: "2026-12-14 23:59:59"),
        Row(label: "child route overrides staff, parent's working-day deadline across 国庆 and 调休 Saturday",
            record: F.record(village: "v1", category: "land"), at: "2026-09-24 11:00",
            rules: ["土地 › 土地·青山村"], leader: "sun", staff: "li", deadline: "2026-10-22 17:30:00"),
        Row(label: "no child matches: the parent route is the match",
            record: F.record(village: "v2", category: "land"), at: "2026-09-24 11:00",
            rules: ["土地"], leader: "zhao", staff: "zhou", deadline: "2026-10-22 17:30:00"),
        Row(label: "major → first principal leader",
            record: F.record(village: "v1", category: "demolition"), at: "2026-10-15 10:00",
            rules: ["拆迁"], leader: "liu", staff: "chen", deadline: "2026-12-14 23:59:59", severity: .major),
        Row(label: "continue: 群体 makes it major, 土地 still sets the deadline and staff",
            record: F.record(village: "v1", category: "land", body: "多户联名反映"), at: "2026-09-24 11:00",
            rules: ["群体", "土地 › 土地·青山村"], leader: "liu", staff: "li", deadline: "2026-10-22 17:30:00",
            severity: .major, notify: ["leaders"]),
        Row(label: "without continue the first match stops the walk",
            record: F.record(village: "v1", category: "demolition", body: "联名"), at: "2026-10-15 10:00",
            rules: ["拆迁"], leader: "liu", staff: "chen", deadline: "2026-12-14 23:59:59", severity: .major),
        Row(label: "safety keyword: urgent, principal leader, 2 clock hours even at night on a holiday",
            record: F.record(village: "v2", category: "land", body: "后山民房坍塌"), at: "2026-10-03 22:15",
            rules: ["生命财产安全", "土地"], leader: "liu", staff: "zhou", deadline: "2026-10-04 00:15:00",
            priority: .urgent, notify: ["leaders"]),
        Row(label: "principal leader in concerns → the next principal leader",
            record: F.record(village: "v1", category: "demolition", concerns: ["刘建国"]), at: "2026-10-15 10:00",
            rules: ["拆迁"], leader: "zhao", staff: "chen", deadline: "2026-12-14 23:59:59", severity: .major),
        Row(label: "包村干部 named in the body → fallback clerk; named staff of the rule excluded by id",
            record: F.record(village: "v1", category: "land", body: "反映李海涛和陈志强不作为", concerns: []),
            at: "2026-09-24 11:00", rules: ["土地 › 土地·青山村"], leader: "sun", staff: "wang",
            deadline: "2026-10-22 17:30:00"),
        Row(label: "hotline outside office hours",
            record: F.record(channel: .hotline, village: "v2"), at: "2026-10-15 19:00",
            rules: ["非工作时间热线"], leader: "zhao", staff: "zhou", deadline: "2026-10-22 17:30:00", notify: ["wecom"]),
        Row(label: "hotline inside office hours does not match the night rule",
            record: F.record(channel: .hotline, village: "v2"), at: "2026-10-15 09:00",
            rules: [], leader: "zhao", staff: "zhou", deadline: "2026-12-14 23:59:59"),
        Row(label: "no village: leader and staff fall back (principal leaders, clerk)",
            record: F.record(), at: "2026-10-15 10:00",
            rules: [], leader: "liu", staff: "wang", deadline: "2026-12-14 23:59:59"),
    ]

    @Test("decisions", arguments: rows)
    func decide(row: Row) {
        let o = F.tree.decide(row.record, at: instant(row.at), people: F.people, calendar: Fixtures.calendar)
        #expect(o.rules == row.rules)
        #expect(o.leader == row.leader)
        #expect(o.staff == row.staff)
        #expect(o.deadline.map(shanghai) == row.deadline)
        #expect(o.priority == row.priority)
        #expect(o.severity == row.severity)
        #expect(o.notify == row.notify)
        #expect(!o.reasons.isEmpty)
        for person in [o.leader, o.staff].compactMap({ $0 }) {
            #expect(!o.concerns.contains(person) && !row.record.isAbout(person, in: F.people.index))
            #expect(!row.record.isAbout(F.people.name(of: person), in: F.people.index))
        }
    }

    @Test("every step has a reason, exclusions included")
    func reasons() {
        let record = F.record(village: "v1", category: "demolition", body: "反映陈志强", concerns: ["liu"])
        let o = F.tree.decide(record, at: instant("2026-10-15 10:00"), people: F.people, calendar: Fixtures.calendar)
        #expect(o.reasons == [
            "匹配规则「拆迁」（类别为拆迁）",
            "严重程度：重大（规则「拆迁」）",
            "来件提及「陈志强」，按回避规定不指派、不通知此人（如无关可由干事更正反映对象）",
            "责任领导：刘建国是被反映对象，回避",
            "责任领导：赵红梅（党政主要领导，重大事项由党政主要领导负责）",
            "承办人员：陈志强是被反映对象，回避",
            "承办人员：王丽（备选人员）",
            "办理期限：60日，至 2026-12-14T23:59:59+08:00（默认规则）",
        ])
        #expect(o.concerns == ["chen"])
        #expect(o.warnings.isEmpty)
    }

    @Test("everyone excluded: nobody is chosen and a clerk is warned")
    func nobodyLeft() {
        let record = F.record(village: "v1", concerns: ["sun", "liu", "zhao", "chen", "wang"])
        let o = F.tree.decide(record, at: instant("2026-10-15 10:00"), people: F.people, calendar: Fixtures.calendar)
        #expect(o.leader == nil && o.staff == nil)
        #expect(o.warnings == ["没有可指派的责任领导，请干事人工交办", "没有可指派的承办人员，请干事人工交办"])
    }

    @Test("a deadline in a year without calendar data carries the loud warning")
    func missingYear() {
        let record = F.record(village: "v2", category: "land")
        let o = F.tree.decide(record, at: instant("2026-12-28 10:00"), people: F.people, calendar: Fixtures.calendar)
        #expect(o.warnings == ["2027年节假日安排未配置，该期限仅按双休日推算，可能不准确"])
        #expect(o.missingCalendarYears == [2027])
        var filed = record
        _ = filed.applyRouting(o)
        #expect(filed.flags == [.deadlineUnreliable])
    }
}
