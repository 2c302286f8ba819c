import Foundation
import MinqingCore
import MinqingRouting

/// `routing.yaml`: the work calendar deadlines are counted on, and the routing tree (see `RoutingTree`).
public struct RoutingSettings: Sendable {
    public var tree: RoutingTree
    public var calendar: WorkCalendar

    /// The router new cases are filed with.
    public func router(directory: Directory, schedules: Schedules = Schedules()) -> Router {
        Router(tree: tree, people: directory.routingPeople, calendar: calendar, schedules: schedules)
    }
}

extension RoutingSettings {
    /// A warning when this year's or next year's holiday calendar is missing (schedules are announced each
    /// November), e.g. 「2027年的节假日安排尚未配置：…」; nil when both are there.
    public func calendarWarning(today: Date, timeZone: TimeZone) -> String? {
        let year = CivilDay(today, in: timeZone).year
        let missing = [year, year + 1].filter { !calendar.hasData(forYear: $0) }
        guard !missing.isEmpty else { return nil }
        let years = missing.map { "\($0)年" }.joined(separator: "、")
        return "\(years)的节假日安排尚未配置：跨入该年的办理期限只按双休日推算，可能不准确。请在节假日目录中添加 cn-\(missing[0]).yaml（国务院通知发布后）"
    }
}

extension Directory {
    /// The directory as the router sees it.
    public var routingPeople: RoutingPeople {
        RoutingPeople(
            people: people.map { .init(id: $0.id, name: $0.name, isPrincipalLeader: $0.roles.contains(.principalLeader)) },
            villages: Dictionary(uniqueKeysWithValues: villages.map {
                ($0.code, RoutingPeople.Village(name: $0.name, cadre: $0.cadre, leader: $0.leader))
            }),
            categories: Dictionary(categories.map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a }),
            index: peopleIndex)
    }
}

extension RoutingSettings {
    static let file = "routing.yaml"

    /// Reads `routing.yaml`; person, village, category and target names are checked against the directory and
    /// `targets` (`未定义的通知目标「x」`).
    static func read(
        _ root: ConfigNode, directory: Directory?, targets: [String], configURL: URL, escalations: Set<String>? = nil,
        rosters: Set<String> = []
    ) -> RoutingSettings? {
        guard let m = root.mapping else { return nil }
        let context = Context(directory: directory, targets: targets, escalations: escalations, rosters: rosters)
        var officeHours = OfficeHours.standard
        if let oh = m.optional("office_hours") {
            do { officeHours = try OfficeHours(parsing: oh.strings) } catch { oh.report(error.message) }
        }
        let folder = m.optional("calendars")?.string ?? "../calendars"
        let calendarURL = folder.hasPrefix("/") ? URL(fileURLWithPath: folder) : configURL.appendingPathComponent(folder)
        let years = CalendarFiles.read(
            folder: calendarURL, diagnostics: root.diagnostics, shownAs: m.optional("calendars") ?? root)
        var tree = RoutingTree()
        if let d = m.optional("defaults")?.mapping {
            let settings = readSettings(d, context)
            d.finish()
            tree.defaults = settings
            if tree.defaults.deadline == nil { tree.defaults.deadline = StatutoryLimit.handling.span }
        }
        tree.fallbackStaff = (m.optional("fallback_staff")?.items ?? []).compactMap { context.person($0) }
        if let c = m.optional("conflict")?.mapping {
            tree.namesInTextAreConcerns = c.optional("names_in_text")?.bool ?? true
            c.finish()
        }
        if let s = m.optional("safety")?.mapping {
            let keywordsNode = s.required("keywords", hint: "如 [火灾, 溺水, 坍塌, 煤气, 触电]")
            let keywords = keywordsNode?.strings ?? []
            if keywords.isEmpty { keywordsNode?.report("至少写一个安全关键词") }
            let settings = readSettings(s, context)
            s.finish()
            tree.safety = SafetyRule(keywords: keywords, settings: settings)
        }
        tree.routes = (m.optional("routes")?.items ?? []).compactMap { readRoute($0, context) }
        m.finish()
        guard let years else { return nil }
        return RoutingSettings(tree: tree, calendar: WorkCalendar(years: years, officeHours: officeHours))
    }

    private struct Context {
        var directory: Directory?
        var targets: [String]
        /// Policy names of `schedules.yaml`; nil when there is no such file (then any name is accepted).
        var escalations: Set<String>?
        /// Roster names of `schedules.yaml` (for `roster:NAME`).
        var rosters: Set<String>

        func escalation(_ n: ConfigNode) -> String? {
            guard let name = n.string else { return nil }
            if let escalations, !escalations.contains(name) {
                n.report("未定义的督办升级规则「\(name)」（schedules.yaml 的 escalation 中已定义：\(escalations.sorted().joined(separator: ", "))）")
                return nil
            }
            return name
        }

        func person(_ n: ConfigNode) -> String? {
            guard let id = n.string else { return nil }
            if let directory, directory.person(id) == nil {
                n.report("未定义的人员「\(id)」：请先在 directory.yaml 的 people 中登记此人")
                return nil
            }
            return id
        }

        func assignee(_ n: ConfigNode) -> Assignee? {
            guard let text = n.string else { return nil }
            let a = Assignee(configValue: text)
            switch a {
            case .person: if person(n) == nil { return nil }
            case .roster(let name) where !rosters.contains(name):
                n.report("未定义的值班表「\(name)」（schedules.yaml 的 rosters 中已定义：\(rosters.sorted().joined(separator: ", "))）")
                return nil
            default: break
            }
            return a
        }

        func target(_ n: ConfigNode) -> String? {
            guard let name = n.string else { return nil }
            guard targets.contains(name) else {
                n.report("未定义的通知目标「\(name)」（minqing.yaml 的 targets 中已定义：\(targets.joined(separator: ", "))）")
                return nil
            }
            return name
        }

        /// A village code, or a village name the directory knows.
        func village(_ n: ConfigNode) -> String? {
            guard let text = n.string else { return nil }
            guard let directory else { return text }
            if directory.village(text) != nil { return text }
            if let code = directory.vocabulary.village(text) { return code }
            n.report("未定义的村（社区）「\(text)」：应为 directory.yaml 中的村代码或村名")
            return nil
        }

        func category(_ n: ConfigNode) -> String? {
            guard let text = n.string else { return nil }
            guard let directory else { return text }
            if directory.category(text) != nil { return text }
            if let code = directory.vocabulary.category(text) { return code }
            n.report("未定义的类别「\(text)」（可用：\(directory.categories.map(\.code).joined(separator: ", "))）")
            return nil
        }
    }

    private static func readRoute(_ n: ConfigNode, _ context: Context) -> Route? {
        guard let m = n.mapping else { return nil }
        let name = m.required("name", hint: "规则名称，显示在派单理由中")?.string
        let match = m.optional("match")?.mapping.map { readMatch($0, context) } ?? RouteMatch()
        let settings = readSettings(m, context)
        let cont = m.optional("continue")?.bool ?? false
        let children = (m.optional("routes")?.items ?? []).compactMap { readRoute($0, context) }
        m.finish()
        guard let name else { return nil }
        return Route(name: name, match: match, settings: settings, continue: cont, routes: children)
    }

    private static func readMatch(_ m: ConfigMapping, _ context: Context) -> RouteMatch {
        var match = RouteMatch()
        func list(_ key: String) -> [ConfigNode] {
            guard let node = m.optional(key) else { return [] }
            return node.node.sequence != nil ? node.items : [node]
        }
        match.channels = Set(list("channel").compactMap { $0.oneOf(Channel.self) })
        match.categories = Set(list("category").compactMap(context.category))
        match.villages = Set(list("village").compactMap(context.village))
        match.keywords = list("keywords").compactMap(\.string)
        match.priorities = Set(list("priority").compactMap { $0.oneOf(Priority.self) })
        match.severities = Set(list("severity").compactMap { $0.oneOf(Severity.self) })
        match.officeHours = m.optional("office_hours")?.bool
        match.workday = m.optional("workday")?.bool
        match.marketDay = m.optional("market_day")?.bool
        m.finish()
        return match
    }

    /// The decision keys a route, the defaults and the safety rule share.
    private static func readSettings(_ m: ConfigMapping, _ context: Context) -> RouteSettings {
        var s = RouteSettings()
        s.leader = m.optional("leader").flatMap(context.assignee)
        s.staff = m.optional("staff").flatMap(context.assignee)
        s.deadline = m.optional("deadline").flatMap(readDeadline)
        s.priority = m.optional("priority")?.oneOf(Priority.self)
        s.severity = m.optional("severity")?.oneOf(Severity.self)
        s.notify = m.optional("notify").map { $0.node.sequence != nil ? $0.items : [$0] }?.compactMap(context.target) ?? []
        s.escalation = m.optional("escalation").flatMap(context.escalation)
        return s
    }

    /// `{days: 60}`, `{working_days: 5}`, `{working_hours: 8}` or `{hours: 2}` — exactly one.
    static func readDeadline(_ n: ConfigNode) -> DeadlineSpan? {
        guard let m = n.mapping else { return nil }
        let kinds: [(String, (Int) -> DeadlineSpan)] = [
            ("days", DeadlineSpan.calendarDays), ("working_days", DeadlineSpan.workingDays),
            ("working_hours", DeadlineSpan.workingHours), ("hours", DeadlineSpan.hours),
        ]
        var spans: [DeadlineSpan] = []
        for (key, make) in kinds {
            guard let node = m.optional(key), let count = node.int else { continue }
            let span = make(count)
            if count < 1 {
                node.report("期限至少为 1")
            } else if count > span.maxCount {
                node.report("期限最长一年：\(key) 最多 \(span.maxCount)（days \(DeadlineSpan.maxCalendarDays)、"
                    + "working_days \(DeadlineSpan.maxWorkingDays)、working_hours \(DeadlineSpan.maxWorkingHours)、hours \(DeadlineSpan.maxHours)）")
            } else {
                spans.append(span)
            }
        }
        m.finish()
        guard spans.count == 1 else {
            if spans.count > 1 { n.report("期限只能写一种：days、working_days、working_hours 或 hours") }
            else if m.node.node.mapping?.isEmpty ?? true { n.report("请写期限，如 {working_days: 5} 或 {hours: 2}") }
            return nil
        }
        return spans[0]
    }
}
