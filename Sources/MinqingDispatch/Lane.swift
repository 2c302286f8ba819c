import Foundation
import Logging
import Metrics
import MinqingCore
import MinqingStore

/// How one target is driven: its receiver's rate limit, the retry schedule, how many sends to it run at once
/// and who sees its messages.
public struct LaneSettings: Sendable {
    public var rateLimit: RateLimit
    public var retry: RetryPolicy
    public var concurrency: Int
    public var audience: Audience

    public init(rateLimit: RateLimit = .unlimited, retry: RetryPolicy = .init(), concurrency: Int = 4, audience: Audience) {
        self.rateLimit = rateLimit
        self.retry = retry
        self.concurrency = min(max(1, concurrency), 1_000)  // configuration allows 1–100; the product below must not overflow
        self.audience = audience
    }
}

/// One target's delivery lane: owns its pause and disabled state, and runs each claimed notification through
/// compose → reserve a send slot → wait for it → deliver → decide → record. A rate-limited target's slots are
/// reserved in the store (`DeliveryQueue.reserveSend`), so the limit holds across every instance on one store.
actor Lane {
    let target: any NotificationTarget
    let settings: LaneSettings
    private let environment: DispatchEnvironment
    /// The revision of the target's address and credentials (`DispatchTarget.revision`).
    let revision: String
    private var pausedUntil: Date?
    /// Set when the receiver said the target is gone, with the revision it was learned for (nil: stored before
    /// revisions were kept).
    private var disabled: (at: Date, reason: String, revision: String?)?
    /// When an operator last enabled the target again; a disable before it does not count.
    private var enabledAt: Date?
    /// Notifications taken and not yet recorded.
    private var inHand = 0
    /// Sends to the target under way, at most `concurrency` (connections to the receiver), and the deliveries
    /// waiting for a place. A lane without a rate limit takes up to `prefetch` × `concurrency` notifications per
    /// claim, so one claim transaction and one group commit of records serve many sends: with a busy ledger writer,
    /// taking only `concurrency` per claim held deliveries to `concurrency` per commit (BENCHMARKS.md 2026-12-03).
    /// A rate-limited lane takes no more than it may send at once: what it holds waits for its slot under lease.
    private var sendsRunning = 0
    private var sendWaiters: [CheckedContinuation<Bool, Never>] = []
    /// Replaced by a configuration reload: deliveries still waiting for a place are given back to the outbox
    /// unsent (for the new lane, or to be dead-lettered when the target was removed); sends under way finish.
    private var retired = false
    static let prefetch = 8
    /// Set when a pause or disable must be written to the store.
    private var stateChanged = false
    private let delivered: Counter
    private let failed: Counter
    private let dead: Counter
    private let latency: Metrics.Timer

    init(target: any NotificationTarget, settings: LaneSettings, revision: String, environment: DispatchEnvironment) {
        self.target = target
        self.settings = settings
        self.revision = revision
        self.environment = environment
        let dims = [("target", target.name)]
        delivered = Counter(label: "minqing_deliveries_total", dimensions: dims + [("result", "delivered")], factory: environment.metrics)
        failed = Counter(label: "minqing_deliveries_total", dimensions: dims + [("result", "retrying")], factory: environment.metrics)
        dead = Counter(label: "minqing_deliveries_total", dimensions: dims + [("result", "dead")], factory: environment.metrics)
        latency = Metrics.Timer(label: "minqing_delivery_seconds", dimensions: dims, factory: environment.metrics)
    }

    /// Takes on what is known of its target elsewhere — the store's memory at start or reload, the lane this one
    /// replaced: the later pause, the later disable and the later enable (`TargetState.isDisabled(forRevision:)`).
    /// (Earlier sends are counted by the store at each reservation.) Returns true when `state` holds a disable
    /// learned with another address or secret than this lane's: the configuration has changed since, the disable
    /// is lifted, and the stored state is to be rewritten.
    @discardableResult
    func merge(_ state: TargetState?) -> Bool {
        guard let state else { return false }
        if let until = state.pausedUntil, until > (pausedUntil ?? .distantPast) { pausedUntil = until }
        if let at = state.enabledAt, at > (enabledAt ?? .distantPast) { enabledAt = at }
        var stale = false
        if let at = state.disabledAt, at > (disabled?.at ?? .distantPast) {
            if state.disabledRevision == nil || state.disabledRevision == revision {
                disabled = (at, state.disabledReason ?? "已停用", state.disabledRevision)
            } else {
                stale = true
            }
        }
        if let at = disabled?.at, let enabledAt, enabledAt >= at { disabled = nil }
        return stale
    }

    /// What this lane knows of its target now (for the lane that replaces it, and the store).
    var state: TargetState {
        TargetState(
            name: target.name, disabledAt: disabled?.at, disabledReason: disabled?.reason, disabledRevision: disabled?.revision,
            enabledAt: enabledAt, pausedUntil: pausedUntil)
    }

    /// Notifications this lane has taken and not yet recorded.
    var inFlight: Int { inHand }

    /// How many more notifications this lane can take now (0 while paused).
    func freeCapacity(at now: Date) -> Int {
        if let pausedUntil, pausedUntil > now { return 0 }
        let held = settings.rateLimit.isLimited ? settings.concurrency : Self.prefetch * settings.concurrency
        return max(0, held - inHand)
    }

    /// Waits for one of the `concurrency` send places; false when the lane was retired instead (no place taken).
    private func acquireSend() async -> Bool {
        if retired { return false }
        if sendsRunning < settings.concurrency {
            sendsRunning += 1
            return true
        }
        return await withCheckedContinuation { sendWaiters.append($0) }  // a place is handed over by `releaseSend`
    }

    private func releaseSend() {
        if sendWaiters.isEmpty {
            sendsRunning -= 1
        } else {
            sendWaiters.removeFirst().resume(returning: true)
        }
    }

    /// Marks the lane replaced (a reload): the deliveries waiting for a place give their rows back.
    func retire() {
        retired = true
        let waiting = sendWaiters
        sendWaiters = []
        for waiter in waiting { waiter.resume(returning: false) }
    }

    /// The smallest number of free places worth a claim transaction (a lane that is busy gets more at a time).
    nonisolated var claimBatch: Int { max(1, settings.concurrency / 4) }

    /// When a pause ends, so the dispatcher wakes for it.
    func pauseEnd(after now: Date) -> Date? { pausedUntil.flatMap { $0 > now ? $0 : nil } }

    func take() { inHand += 1 }

    /// Delivers one claimed notification and records the attempt. Returns the record, or nil when the hub is
    /// stopping (the lease then brings the notification back on the next start).
    func handle(_ entry: OutboxEntry) async -> DeliveryRecord? {
        defer {
            inHand -= 1
            environment.signal.notify()
        }
        let clock = environment.clock
        let number = entry.attempts + 1
        let claimedAt = clock.now()
        // The row given back unsent, due again at `due`: a `deferred` attempt, which is no send (a reservation made
        // for it becomes this attempt).
        func giveBack(_ detail: String, due: Date, reservation: Int64? = nil) async -> DeliveryRecord {
            await finish(DeliveryRecord(
                attempt: DeliveryAttempt(notificationID: entry.id, target: target.name, number: number, startedAt: clock.now(),
                                         result: .deferred, detail: detail),
                reservation: reservation, state: .retrying, nextAttemptAt: due, lastError: nil))
        }
        // A send place first, so that what decides the send — the target's state, whom the case is about, the
        // citizen's opt-out — is read just before it, never before a wait for a place.
        guard await acquireSend() else { return await giveBack("通知目标的配置已更新，未发送，重新排队", due: clock.now()) }
        var holding = true
        func free() {
            if holding {
                holding = false
                releaseSend()
            }
        }
        defer { free() }
        // Stopping while waiting for a place: nothing was sent; the lease brings the row back on the next start.
        if Task.isCancelled { return nil }
        // Half the lease gone waiting for a place (a slow receiver): give the row back rather than send it when
        // another dispatcher could claim it again.
        let latest = claimedAt.addingTimeInterval(environment.lease.seconds / 2)
        if clock.now() > latest {
            free()
            return await giveBack("等待发送时间过长（接收方响应慢），重新排队发送", due: clock.now())
        }
        if let disabled {
            free()
            return await finish(DeliveryRecord(
                attempt: DeliveryAttempt(notificationID: entry.id, target: target.name, number: number, startedAt: clock.now(),
                                         result: .suppressed, detail: "通知目标已停用：\(disabled.reason)"),
                state: .dead, lastError: Self.disabledError(target.name, disabled.reason)))
        }
        // Who the case is about may have been recorded after this row was written: check the case as it is now.
        var entry = entry
        if let id = entry.caseID, let current = try? await environment.store.sendingFacts(of: id) {
            let known = entry.snapshot?.concerns ?? []
            entry.snapshot?.concerns = Array(Set(known).union(current.concerns)).sorted()
            // A citizen who opted out after the row was written gets nothing either.
            if current.citizenOptOut { entry.snapshot?.citizenOptOut = true }
        }
        let content: NotificationContent, snapshot: CaseSnapshot?, recipients: [Contact]
        switch environment.composer.compose(entry, for: settings.audience) {
        case .suppress(let reason):
            free()
            return await finish(DeliveryRecord(
                attempt: DeliveryAttempt(notificationID: entry.id, target: target.name, number: number, startedAt: clock.now(),
                                         result: .suppressed, detail: reason),
                state: .dead, lastError: reason))
        case .send(let c, let s, let r):
            (content, snapshot, recipients) = (c, s, r)
        }

        var slot = clock.now()
        if let pausedUntil, pausedUntil > slot { slot = pausedUntil }
        var reservation: Int64?
        if settings.rateLimit.isLimited {
            let limit = settings.rateLimit, localPause = pausedUntil, now = clock.now()
            do {
                (reservation, slot) = try await environment.store.reserveSend(
                    DeliveryAttempt(notificationID: entry.id, target: target.name, number: number, startedAt: slot, result: .sending),
                    horizon: limit.horizon.seconds, now: now,
                    slot: { history, now in max(limit.earliestSend(after: history, now: now), localPause ?? now) })
            } catch is CancellationError {
                return nil  // stopping: the lease brings the row back on the next start
            } catch {
                // Without a reservation the limit cannot be kept: leave the row to its lease and try again later.
                environment.logger.error("reserving a send slot failed", metadata: [
                    "target.name": "\(target.name)", "error": "\(String(describing: error))"])
                return nil
            }
        }
        // A slot beyond half the lease (a pause another instance stored, a long queue): give the row back for that
        // time rather than hold it past the lease, when another dispatcher could claim it again.
        if slot > latest {
            if pausedUntil.map({ $0 < slot }) ?? true { pausedUntil = slot }
            free()
            return await giveBack(
                "目标限流或暂停中，延后至 \(HubTime.minutes(slot, in: HubTime.shanghai)) 发送", due: slot, reservation: reservation)
        }
        if await environment.stop.wait(until: slot, on: clock) {
            // Stopping before the slot: a reserved send must not count against the limit after the restart.
            free()
            return reservation == nil ? nil : await giveBack("民情通停止运行，未发送；重启后发送", due: slot, reservation: reservation)
        }
        let sentAt = clock.now()
        if reservation != nil, sentAt.timeIntervalSince(slot) > settings.rateLimit.lateSendTolerance {
            // Ready too long after the slot (a busy machine): sent now, it could arrive within a window of the sends
            // planned after it. Plan again from now.
            slot = sentAt
            free()
            return await giveBack("发送时机已过（系统繁忙），重新排队发送", due: slot, reservation: reservation)
        }
        let outcome = await target.deliver(Delivery(
            id: entry.id, event: entry.event, createdAt: entry.createdAt, attempt: number, sentAt: sentAt, content: content,
            recipients: recipients, snapshot: snapshot))
        free()  // the record below waits for its commit without holding a place
        if Task.isCancelled, case .failed = outcome { return nil }
        return await finish(decide(outcome, entry: entry, number: number, sentAt: sentAt, reservation: reservation))
    }

    private func decide(
        _ outcome: DeliveryOutcome, entry: OutboxEntry, number: Int, sentAt: Date, reservation: Int64?
    ) -> DeliveryRecord {
        let now = environment.clock.now()
        switch outcome {
        case .delivered(let receipt):
            latency.recordInterval(receipt.latency)
            return DeliveryRecord(
                attempt: DeliveryAttempt(
                    notificationID: entry.id, target: target.name, number: number, startedAt: sentAt, result: .delivered,
                    httpStatus: receipt.status, latencyMilliseconds: receipt.latency.milliseconds, detail: receipt.excerpt),
                reservation: reservation, state: .delivered)
        case .failed(let failure):
            if let pause = failure.pauseTarget {
                pausedUntil = max(pausedUntil ?? now, now.addingTimeInterval(pause.seconds))
                stateChanged = true
            }
            if failure.kind == .gone {
                disabled = (now, failure.description, revision)
                stateChanged = true
            }
            let result: DeliveryAttempt.Result = switch failure.kind {
            case .retryable: .failed
            case .rateLimited: .rateLimited
            case .permanent, .gone: .rejected
            }
            let attempt = DeliveryAttempt(
                notificationID: entry.id, target: target.name, number: number, startedAt: sentAt, result: result,
                httpStatus: failure.status, latencyMilliseconds: failure.latency?.milliseconds,
                detail: [failure.reason, failure.excerpt].compactMap { $0 }.joined(separator: "｜"))
            switch settings.retry.decide(after: number, failure: failure, now: now, random: environment.random()) {
            case .retry(let at):
                return DeliveryRecord(attempt: attempt, reservation: reservation, state: .retrying, nextAttemptAt: at,
                                      lastError: failure.description)
            case .giveUp(let reason):
                return DeliveryRecord(attempt: attempt, reservation: reservation, state: .dead, lastError: reason)
            }
        }
    }

    /// Why a disabled target's notification was dead-lettered, and the two ways to send to it again.
    static func disabledError(_ name: String, _ reason: String) -> String {
        "通知目标「\(name)」已停用：\(reason)。修正配置中的地址或密钥后执行 minqing reload 即自动恢复；"
            + "若对方已恢复而配置无需修改，执行 minqing outbox enable \(name)。恢复后用 minqing outbox replay 重发这些通知"
    }

    private func finish(_ record: DeliveryRecord) async -> DeliveryRecord {
        switch record.state {
        case .delivered: delivered.increment()
        case .dead: dead.increment()
        default: failed.increment()
        }
        if record.state == .dead {
            environment.logger.warning("notification dead-lettered", metadata: [
                "target.name": "\(target.name)", "notification.id": "\(record.attempt.notificationID)",
                "delivery.attempt": "\(record.attempt.number)", "reason": "\(record.lastError ?? "")",
            ])
        }
        await environment.recorder.record(record)
        if stateChanged {
            stateChanged = false
            try? await environment.store.saveTargetState(state)
        }
        environment.observer(record)
        return record
    }
}

extension Duration {
    var milliseconds: Int { Int((seconds * 1000).rounded()) }
}

extension Metrics.Timer {
    func recordInterval(_ duration: Duration) {
        recordNanoseconds(Int64(duration.seconds * 1e9))
    }
}
