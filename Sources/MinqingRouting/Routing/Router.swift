import Foundation
import MinqingCore

/// The hub's `CaseRouter`: a compiled routing tree with the directory and work calendar it decides against.
public struct Router: CaseRouter {
    public var tree: RoutingTree
    public var people: RoutingPeople
    public var calendar: WorkCalendar
    public var schedules: Schedules

    public init(tree: RoutingTree, people: RoutingPeople, calendar: WorkCalendar, schedules: Schedules = .init()) {
        self.tree = tree
        self.people = people
        self.calendar = calendar
        self.schedules = schedules
    }

    public func route(_ record: CaseRecord, at now: Date) -> RoutingOutcome {
        tree.decide(record, at: now, people: people, calendar: calendar, schedules: schedules)
    }
}
