import HotlineAdapter
import MinqingConfig
import MinqingCore

/// The notification planners of the configured channels, stacked (the outbox dispatcher's targets plug in here).
enum HubPlanners {
    static func planner(for config: HubConfig) -> any NotificationPlanner {
        var planners: [any NotificationPlanner] = []
        if let target = config.hotline?.workOrderReportTarget { planners.append(WorkOrderPlanner(target: target)) }
        return CompositePlanner(planners)
    }
}
