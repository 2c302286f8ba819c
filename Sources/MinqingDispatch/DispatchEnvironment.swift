import Logging
import Metrics
import MinqingCore
import MinqingStore

/// What every lane shares.
struct DispatchEnvironment: Sendable {
    let store: any CaseStore
    let composer: NotificationComposer
    let clock: any SleepingClock
    /// Wakes the dispatcher: the store notifies it after writing outbox rows, lanes after freeing capacity.
    let signal: ChangeSignal
    let recorder: DeliveryRecorder
    let logger: Logger
    let metrics: any MetricsFactory
    let random: @Sendable () -> Double
    let observer: @Sendable (DeliveryRecord) -> Void
}

/// Writes attempt records with group commit: every lane finishing at about the same moment shares one transaction.
final class DeliveryRecorder: Sendable {
    private let committer: GroupCommit<DeliveryRecord, Void>
    private let logger: Logger

    init(store: any CaseStore, logger: Logger) {
        self.logger = logger
        committer = GroupCommit(maxBatch: 256) { records in
            do {
                try await store.recordDeliveries(records)
                return records.map { _ in .success(()) }
            } catch {
                return records.map { _ in .failure(error) }
            }
        }
    }

    /// A record that cannot be written is logged; its lease then brings the notification back, and the receiver
    /// drops the repeat by its id.
    func record(_ record: DeliveryRecord) async {
        if case .failure(let error) = await committer.submit(record) {
            logger.error("could not record a delivery attempt", metadata: [
                "notification.id": "\(record.attempt.notificationID)", "error": "\(error)",
            ])
        }
    }
}
