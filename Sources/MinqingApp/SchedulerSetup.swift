import Foundation
import Logging
import MinqingConfig
import MinqingCore
import MinqingDispatch
import MinqingRouting
import MinqingStore

/// Builds the scheduler and the forwarding planner from `schedules.yaml` and `routing.yaml`; `serve` and the
/// tests build them here.
public enum SchedulerSetup {
    /// The job planner, or nil when the configuration has no `schedules.yaml` or no `routing.yaml` (whose
    /// calendar deadlines are counted on).
    public static func planner(for config: HubConfig) -> JobPlanner? {
        guard let schedules = config.schedules, let routing = config.routing else { return nil }
        return JobPlanner(
            policies: schedules.escalations, defaultPolicy: SchedulesSettings.defaultEscalation,
            schedules: schedules.schedules, alerts: schedules.alerts, calendar: routing.calendar,
            people: config.directory.routingPeople, followUp: schedules.followUp)
    }

    /// - Parameters:
    ///   - signal: the scheduler's own wake-up (not the store's outbox signal, which belongs to the dispatcher).
    ///   - maxSleep: how long a new case's first job may wait to be noticed (5 minutes).
    ///   - settle: how long case changes gather before the scheduler looks again (`Scheduler`; `serve`: 2 s).
    public static func scheduler(
        for config: HubConfig, store: any CaseLedger & ScheduleLedger, clock: any SleepingClock, signal: ChangeSignal,
        maxSleep: Double = 300, settle: TimeInterval = 0, logger: Logger = Logger(label: "minqing.scheduler"), observer: @escaping @Sendable ([DueJob]) -> Void = { _ in },
        onIdle: @escaping @Sendable (Date) -> Void = { _ in }
    ) -> Scheduler? {
        guard let planner = planner(for: config) else { return nil }
        let context = ScheduleContext(schedules: planner.schedules, people: planner.people, calendar: planner.calendar)
        return Scheduler(store: store, planner: planner, context: context, clock: clock, signal: signal, maxSleep: maxSleep, settle: settle,
                         logger: logger, observer: observer, onIdle: onIdle)
    }

    /// Case packets for the county offices the escalation policies forward to.
    public static func forwardPlanner(for config: HubConfig) -> ForwardPlanner {
        var targets: [String: String] = [:]
        for policy in config.schedules?.escalations.values.sorted(by: { $0.name < $1.name }) ?? [] {
            for step in policy.steps {
                if case .county(let office, let target) = step.level, targets[office] == nil { targets[office] = target }
            }
        }
        return ForwardPlanner(targets: targets)
    }
}
