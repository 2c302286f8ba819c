import Foundation
import MinqingCore

/// The compiled `routing.yaml`: defaults, the safety keywords and the ordered routes. `decide` is a pure function
/// of the tree, the case, the directory, the calendar and `now`.
public struct RoutingTree: Sendable, Hashable {
    /// Used for every field no matching route sets. The deadline default is the statutory handling limit.
    public var defaults: RouteSettings
    public var safety: SafetyRule?
    public var routes: [Route]
    /// Staff to fall back on, in order, when the rules' choice is excluded or unknown (e.g. 群工办干事).
    public var fallbackStaff: [String]
    /// Whether a directory person named in the subject or body counts as someone the complaint is about.
    public var namesInTextAreConcerns: Bool

    public init(
        defaults: RouteSettings = .init(deadline: StatutoryLimit.handling.span), safety: SafetyRule? = nil,
        routes: [Route] = [], fallbackStaff: [String] = [], namesInTextAreConcerns: Bool = true
    ) {
        self.defaults = defaults
        self.safety = safety
        self.routes = routes
        self.fallbackStaff = fallbackStaff
        self.namesInTextAreConcerns = namesInTextAreConcerns
    }

    /// One matched path through the tree and the settings in effect at its end.
    struct Match {
        var names: [String]
        var conditions: [String]
        var settings: RouteSettings
    }

    /// The matching paths, in order: the safety rule first, then the routes (see `Route`).
    func matches(
        _ record: CaseRecord, at now: Date, calendar: WorkCalendar, schedules: Schedules, people: RoutingPeople
    ) -> [Match] {
        var out: [Match] = []
        if let safety, let word = RouteMatch.firstKeyword(safety.keywords, in: record) {
            var settings = safety.settings
            settings.priority = settings.priority ?? .urgent
            out.append(Match(names: [SafetyRule.name], conditions: ["含安全关键词「\(word)」"], settings: settings))
        }
        walk(routes, parent: Match(names: [], conditions: [], settings: .init()), record, now, calendar, schedules, people,
             into: &out)
        return out
    }

    /// Appends the matches below `routes`; returns whether any matched.
    @discardableResult
    private func walk(
        _ routes: [Route], parent: Match, _ record: CaseRecord, _ now: Date, _ calendar: WorkCalendar,
        _ schedules: Schedules, _ people: RoutingPeople, into out: inout [Match]
    ) -> Bool {
        var any = false
        for route in routes {
            guard let held = route.match.matches(record, at: now, calendar: calendar, schedules: schedules, people: people) else { continue }
            any = true
            let here = Match(
                names: parent.names + [route.name], conditions: parent.conditions + held,
                settings: parent.settings.overlaid(by: route.settings))
            if !walk(route.routes, parent: here, record, now, calendar, schedules, people, into: &out) { out.append(here) }
            if !route.continue { break }
        }
        return any
    }
}
