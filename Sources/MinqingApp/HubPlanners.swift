import HotlineAdapter
import MailboxAdapter
import MinqingConfig
import MinqingCore

/// Every planner of the hub, stacked: the configured notification rules, the mailbox's acknowledgements and the
/// 12345 status reports. Every command that writes cases opens the store with this one, so no path can change a
/// case without writing the notifications it causes.
public enum HubPlanners {
    public static func planner(for config: HubConfig) -> any NotificationPlanner {
        var planners: [any NotificationPlanner] = [
            NotificationSetup.planner(for: config),
            AcknowledgementPlanner(enabled: config.mailbox.acknowledgement.enabled, target: config.mailbox.acknowledgement.target),
            SchedulerSetup.forwardPlanner(for: config),
        ]
        if let target = config.hotline?.workOrderReportTarget { planners.append(WorkOrderPlanner(target: target)) }
        return CompositePlanner(planners)
    }
}
