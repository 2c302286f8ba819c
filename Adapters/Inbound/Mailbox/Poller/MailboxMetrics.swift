import Metrics
import MinqingCore

/// The poller's Prometheus series, all labelled with the mailbox name.
struct MailboxMetrics: Sendable {
    let created: Counter
    let followUps: Counter
    let redelivered: Counter
    let unreadable: Counter
    let rescans: Counter
    let dispositionFailures: Counter
    let upGauge: Gauge
    let failuresGauge: Gauge
    let mailbox: String
    let factory: any MetricsFactory

    init(mailbox: String, factory: any MetricsFactory) {
        func messages(_ result: String) -> Counter {
            Counter(label: "minqing_mailbox_messages_total", dimensions: [("mailbox", mailbox), ("result", result)], factory: factory)
        }
        created = messages("created")
        followUps = messages("follow_up")
        redelivered = messages("redelivered")
        unreadable = messages("unreadable")
        rescans = Counter(label: "minqing_mailbox_rescans_total", dimensions: [("mailbox", mailbox)], factory: factory)
        dispositionFailures = Counter(
            label: "minqing_mailbox_disposition_failures_total", dimensions: [("mailbox", mailbox)], factory: factory)
        upGauge = Gauge(label: "minqing_mailbox_up", dimensions: [("mailbox", mailbox)], factory: factory)
        failuresGauge = Gauge(label: "minqing_mailbox_consecutive_failures", dimensions: [("mailbox", mailbox)], factory: factory)
        self.mailbox = mailbox
        self.factory = factory
    }

    func stored(_ receipt: IntakeReceipt, unreadable isUnreadable: Bool) {
        if !receipt.created { redelivered.increment() } else if receipt.followUp { followUps.increment() } else { created.increment() }
        if isUnreadable && receipt.created { unreadable.increment() }
    }

    func up(_ isUp: Bool, failures: Int) {
        upGauge.record(isUp ? 1 : 0)
        failuresGauge.record(failures)
    }

    func pollFailed(_ kind: MailboxFailure.Kind, consecutive: Int) {
        Counter(label: "minqing_mailbox_poll_failures_total", dimensions: [("mailbox", mailbox), ("kind", kind.rawValue)], factory: factory)
            .increment()
        up(false, failures: consecutive)
    }
}
