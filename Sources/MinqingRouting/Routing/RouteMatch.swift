import Foundation
import MinqingCore

/// What a route matches (`match:` in `routing.yaml`). Every given condition must hold; an empty match holds for
/// every case. Within one condition, any listed value is enough (类别 土地 or 拆迁).
public struct RouteMatch: Sendable, Hashable {
    public var channels: Set<Channel> = []
    /// Category codes from the directory.
    public var categories: Set<String> = []
    /// Village codes from the directory.
    public var villages: Set<String> = []
    /// Words of which at least one appears in the subject or the body.
    public var keywords: [String] = []
    public var priorities: Set<Priority> = []
    public var severities: Set<Severity> = []
    /// true: only during office hours on a working day; false: only outside them.
    public var officeHours: Bool?
    /// true: only on working days; false: only on weekends and holidays.
    public var workday: Bool?
    /// true: only on a market day (of the market serving the case's village, or of any market when the village is
    /// unknown); false: only on other days.
    public var marketDay: Bool?

    public init() {}

    public var isEmpty: Bool { self == RouteMatch() }

    /// Whether the case matches at `now`; when it does, the conditions that held, in Chinese («类别=land»…).
    func matches(
        _ record: CaseRecord, at now: Date, calendar: WorkCalendar, schedules: Schedules, people: RoutingPeople = .init(people: [], villages: [:])
    ) -> [String]? {
        var held: [String] = []
        if !channels.isEmpty {
            guard channels.contains(record.channel) else { return nil }
            held.append("渠道为\(record.channel.displayName)")
        }
        if !categories.isEmpty {
            guard let c = record.category, categories.contains(c) else { return nil }
            held.append("类别为\(people.categories[c] ?? c)")
        }
        if !villages.isEmpty {
            guard let v = record.village, villages.contains(v) else { return nil }
            held.append("村（社区）为\(people.villages[v]?.name ?? v)")
        }
        if !keywords.isEmpty {
            guard let word = RouteMatch.firstKeyword(keywords, in: record) else { return nil }
            held.append("含关键词「\(word)」")
        }
        if !priorities.isEmpty {
            guard priorities.contains(record.priority) else { return nil }
            held.append("紧急程度为\(record.priority.displayName)")
        }
        if !severities.isEmpty {
            guard severities.contains(record.severity) else { return nil }
            held.append("严重程度为\(record.severity.displayName)")
        }
        if let officeHours {
            guard calendar.isWithinOfficeHours(now) == officeHours else { return nil }
            held.append(officeHours ? "在办公时间内" : "在办公时间外")
        }
        if let workday {
            guard calendar.isWorkday(now) == workday else { return nil }
            held.append(workday ? "工作日" : "非工作日")
        }
        if let marketDay {
            let market = schedules.marketDutyLeader(on: calendar.clock.day(of: now), village: record.village)
            let serves = market.map { m in record.village.map(m.duty.villages.contains) ?? true } ?? false
            guard serves == marketDay else { return nil }
            held.append(marketDay ? "\(market!.duty.marketName)集日" : "非集日")
        }
        return held
    }

    /// The first of `words` found in the subject or body.
    static func firstKeyword(_ words: [String], in record: CaseRecord) -> String? {
        words.first { !$0.isEmpty && (record.subject.containsLiteral($0) || record.body.containsLiteral($0)) }
    }
}
