import Foundation
import Logging
import Metrics
import MinqingCore
import MinqingStore
import Synchronization

/// What every lane shares. The composer is that of the lane's configuration (a reload gives new lanes a new one).
struct DispatchEnvironment: Sendable {
    let store: any DeliveryQueue & CaseLedger
    var composer: NotificationComposer
    let clock: any SleepingClock
    /// Wakes the dispatcher: the store notifies it after writing outbox rows, lanes after freeing capacity.
    let signal: ChangeSignal
    let recorder: DeliveryRecorder
    let logger: Logger
    let metrics: any MetricsFactory
    let random: @Sendable () -> Double
    let observer: @Sendable (DeliveryRecord) -> Void
    let stop: StopFlag
    /// How long a claimed row stays with this dispatcher: a lane never waits for a send slot beyond half of it.
    let lease: Duration
}

/// Set once when the hub shuts down gracefully: lanes stop waiting for send slots, deliveries already sent finish
/// and are recorded, nothing new is claimed.
final class StopFlag: Sendable {
    private let flag = Mutex(false)
    let signal = ChangeSignal()

    var isSet: Bool { flag.withLock { $0 } }

    func set() {
        flag.withLock { $0 = true }
        signal.notify()
    }

    /// Waits until `deadline` on `clock`, or less if the hub stops; true when it is stopping.
    func wait(until deadline: Date, on clock: any SleepingClock) async -> Bool {
        while !isSet, clock.now() < deadline, !Task.isCancelled {
            await signal.wait(until: deadline, on: clock)
        }
        return isSet || Task.isCancelled
    }
}

/// Writes attempt records with group commit: every lane finishing at about the same moment shares one transaction.
final class DeliveryRecorder: Sendable {
    private let committer: GroupCommit<DeliveryRecord, Void>
    private let logger: Logger

    init(store: any DeliveryQueue & CaseLedger, logger: Logger) {
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
