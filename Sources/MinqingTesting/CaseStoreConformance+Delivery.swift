import Foundation
import MinqingCore
import MinqingStore

/// The behaviour of `DeliveryQueue` (the dispatcher's side of the outbox) and `OutboxLedger` (people's side).
extension CaseStoreConformance {
    /// Every received case writes one notification to each of `targets`.
    static func outboxPlanner(_ targets: [String]) -> ClosurePlanner {
        ClosurePlanner { change in
            change.event.action == "received" ? targets.map { OutboxDraft(target: $0, event: "case.created") } : []
        }
    }

    /// A store with `count` cases, each a day-ordered second apart, and their notifications to `targets`.
    static func outboxFixture(_ open: Opener, cases count: Int, targets: [String]) async throws -> (any CaseStore, [CaseID]) {
        let store = try await open(settings(outboxPlanner(targets)))
        var ids: [CaseID] = []
        for i in 0..<count {
            ids.append(try await ingestOne(store, message("out-\(i)"), at: start.addingTimeInterval(Double(i))).caseID)
        }
        return (store, ids)
    }

    static func attempt(_ entry: OutboxEntry, at time: Date, _ result: DeliveryAttempt.Result, number: Int = 1) -> DeliveryAttempt {
        DeliveryAttempt(notificationID: entry.id, target: entry.target, number: number, startedAt: time, result: result)
    }

    public static let deliveryChecks: [Check] = [
        Check(description: "a claimed notification is leased: not handed out again before the lease ends, handed out after it") { open in
            let (store, _) = try await outboxFixture(open, cases: 3, targets: ["a"])
            let now = start.addingTimeInterval(60)
            let first = try await store.claimNotifications(dueAt: now, leaseUntil: now.addingTimeInterval(300), limits: ["a": 2])
            try requireEqual(first.count, 2, "claim takes the limit")
            let second = try await store.claimNotifications(dueAt: now.addingTimeInterval(1), leaseUntil: now.addingTimeInterval(301), limits: ["a": 10])
            try requireEqual(second.count, 1, "only the unleased row is handed out while the lease runs")
            try require(Set(first.map(\.id)).isDisjoint(with: second.map(\.id)), "no row is handed out twice")
            let later = now.addingTimeInterval(302)
            let takenOver = try await store.claimNotifications(dueAt: later, leaseUntil: later.addingTimeInterval(300), limits: ["a": 10])
            try requireEqual(Set(takenOver.map(\.id)), Set((first + second).map(\.id)), "expired leases are claimed again")
        },
        Check(description: "a claim takes each target's limit, oldest due first, and nothing that is not yet due") { open in
            let (store, _) = try await outboxFixture(open, cases: 4, targets: ["a", "b"])
            let all = try await store.outboxEntries(state: .pending, limit: 100)
            try requireEqual(all.count, 8, "one row per case and target")
            // Cases were registered a second apart; at start + 1.5 s only the first two cases' rows are due.
            let early = start.addingTimeInterval(1.5)
            let due = try await store.claimNotifications(dueAt: early, leaseUntil: early.addingTimeInterval(60), limits: ["a": 10, "b": 1])
            try requireEqual(due.filter { $0.target == "a" }.count, 2, "only due rows of a")
            try requireEqual(due.filter { $0.target == "b" }.count, 1, "b's limit")
            let oldestB = all.filter { $0.target == "b" }.min { $0.nextAttemptAt < $1.nextAttemptAt }
            try requireEqual(due.first { $0.target == "b" }?.id, oldestB?.id, "oldest due first")
            let none = try await store.claimNotifications(dueAt: early, leaseUntil: early.addingTimeInterval(60), limits: ["c": 5])
            try requireEqual(none.count, 0, "a target without rows gets nothing")
        },
        Check(description: "a recorded delivery keeps its attempt and ends the lease; delivered rows never come back, retrying ones when due") { open in
            let (store, _) = try await outboxFixture(open, cases: 2, targets: ["a"])
            let now = start.addingTimeInterval(60)
            let claimed = try await store.claimNotifications(dueAt: now, leaseUntil: now.addingTimeInterval(300), limits: ["a": 2])
            try requireEqual(claimed.count, 2, "both claimed")
            let retryAt = now.addingTimeInterval(30)
            try await store.recordDeliveries([
                DeliveryRecord(attempt: attempt(claimed[0], at: now, .delivered), state: .delivered),
                DeliveryRecord(attempt: attempt(claimed[1], at: now, .failed), state: .retrying, nextAttemptAt: retryAt, lastError: "HTTP 502"),
            ])
            let delivered = try await store.outboxEntry(id: claimed[0].id)
            try requireEqual(delivered?.state, .delivered, "delivered state")
            try requireEqual(delivered?.attempts, 1, "attempt count")
            let retrying = try await store.outboxEntry(id: claimed[1].id)
            try requireEqual(retrying?.state, .retrying, "retrying state")
            try requireEqual(retrying?.lastError, "HTTP 502", "last error")
            let attempts = try await store.deliveryAttempts(notificationID: claimed[1].id)
            try requireEqual(attempts.map(\.result), [.failed], "attempt kept")
            let beforeDue = try await store.claimNotifications(dueAt: now.addingTimeInterval(10), leaseUntil: now.addingTimeInterval(400), limits: ["a": 5])
            try requireEqual(beforeDue.count, 0, "nothing before the retry is due (the lease ended, but the row waits)")
            let next = try await store.nextNotificationDue(targets: ["a"])
            try requireEqual(next, retryAt, "next due is the retry time")
            let afterDue = try await store.claimNotifications(dueAt: retryAt, leaseUntil: retryAt.addingTimeInterval(300), limits: ["a": 5])
            try requireEqual(afterDue.map(\.id), [claimed[1].id], "only the retrying row comes back")
        },
        Check(description: "a batch of delivery records: every attempt kept, each row as its last record says") { open in
            // A store may write a batch's records together (PostgreSQL does): the outcome must be that of writing
            // them one after another.
            let (store, _) = try await outboxFixture(open, cases: 3, targets: ["a"])
            let now = start.addingTimeInterval(60)
            let claimed = try await store.claimNotifications(dueAt: now, leaseUntil: now.addingTimeInterval(300), limits: ["a": 3])
            try requireEqual(claimed.count, 3, "all claimed")
            try await store.recordDeliveries([
                DeliveryRecord(attempt: attempt(claimed[0], at: now, .failed), state: .retrying, nextAttemptAt: now.addingTimeInterval(30), lastError: "HTTP 503"),
                DeliveryRecord(attempt: attempt(claimed[1], at: now, .failed), state: .dead, lastError: "HTTP 404：地址错误"),
                DeliveryRecord(attempt: attempt(claimed[2], at: now, .delivered), state: .delivered),
                DeliveryRecord(attempt: attempt(claimed[0], at: now.addingTimeInterval(1), .delivered, number: 2), state: .delivered),
            ])
            let first = try await store.outboxEntry(id: claimed[0].id)
            try requireEqual(first?.state, .delivered, "the later record decides")
            try requireEqual(first?.attempts, 2, "attempt number of the later record")
            try requireEqual(first?.lastError, nil, "no error left from the earlier record")
            try requireEqual(try await store.deliveryAttempts(notificationID: claimed[0].id).map(\.result), [.failed, .delivered], "both attempts")
            try requireEqual(try await store.outboxEntry(id: claimed[1].id)?.state, .dead, "dead")
            try requireEqual(try await store.outboxEntry(id: claimed[1].id)?.lastError, "HTTP 404：地址错误", "its reason")
            try requireEqual(try await store.outboxEntry(id: claimed[2].id)?.state, .delivered, "delivered")
            let again = try await store.claimNotifications(dueAt: now.addingTimeInterval(3600), leaseUntil: now.addingTimeInterval(4000), limits: ["a": 5])
            try requireEqual(again.count, 0, "none comes back: every lease ended with its record")
        },
        Check(description: "reserved sends count against a target's rate limit until recorded, and after a reopen") { open in
            let (store, _) = try await outboxFixture(open, cases: 2, targets: ["robot"])
            let now = start.addingTimeInterval(60)
            let claimed = try await store.claimNotifications(dueAt: now, leaseUntil: now.addingTimeInterval(300), limits: ["robot": 2])
            // A slot rule that spaces sends one second apart: the second reservation sees the first.
            let spaced: @Sendable ([Date], Date) -> Date = { history, now in max(now, history.last.map { $0.addingTimeInterval(1) } ?? now) }
            let (reservation, first) = try await store.reserveSend(attempt(claimed[0], at: now, .sending), horizon: 60, now: now, slot: spaced)
            let (_, second) = try await store.reserveSend(attempt(claimed[1], at: now, .sending), horizon: 60, now: now, slot: spaced)
            try requireEqual([first, second], [now, now.addingTimeInterval(1)], "each reservation sees the ones before it")
            try await store.recordDeliveries([
                DeliveryRecord(attempt: attempt(claimed[0], at: now, .delivered), reservation: reservation, state: .delivered),
            ])
            let reopened = try await open(settings())
            let times = try await reopened.sendTimes(target: "robot", since: now)
            try requireEqual(times, [now, now.addingTimeInterval(1)], "a reservation counts, recorded or not")
            let recent = try await reopened.sendTimes(target: "robot", since: now.addingTimeInterval(0.5))
            try requireEqual(recent.count, 1, "since filters by start time")
            let attempts = try await reopened.deliveryAttempts(notificationID: claimed[0].id)
            try requireEqual(attempts.map(\.result), [.delivered], "the reservation became the attempt")
        },
        Check(description: "a reservation waits out the target's stored pause (a block seen by any dispatcher on the store)") { open in
            let (store, _) = try await outboxFixture(open, cases: 1, targets: ["robot"])
            let now = start.addingTimeInterval(60), pauseEnd = start.addingTimeInterval(660)
            try await store.saveTargetState(TargetState(name: "robot", disabledAt: nil, disabledReason: nil, pausedUntil: pauseEnd))
            let claimed = try await store.claimNotifications(dueAt: now, leaseUntil: now.addingTimeInterval(300), limits: ["robot": 1])
            let (_, at) = try await store.reserveSend(
                attempt(claimed[0], at: now, .sending), horizon: 60, now: now, slot: { _, now in now })
            try requireEqual(at, pauseEnd, "the send waits for the pause's end")
            try await store.saveTargetState(TargetState(name: "robot", disabledAt: nil, disabledReason: nil, pausedUntil: now))
            let (_, later) = try await store.reserveSend(
                attempt(claimed[0], at: now, .sending), horizon: 60, now: now.addingTimeInterval(1), slot: { _, now in now })
            try requireEqual(later, now.addingTimeInterval(1), "a pause that ended does not delay")
        },
        Check(description: "notifications of a removed target are dead-lettered with the reason, and a replay brings them back") { open in
            let (store, _) = try await outboxFixture(open, cases: 2, targets: ["kept", "removed"])
            let now = start.addingTimeInterval(60)
            let dead = try await store.abandonNotifications(targetsNotIn: ["kept"], reason: "通知目标已删除", at: now)
            try requireEqual(dead, 2, "the removed target's rows")
            let letters = try await store.outboxEntries(state: .dead, limit: 10)
            try requireEqual(Set(letters.map(\.target)), ["removed"], "only the removed target's")
            try requireEqual(letters.first?.lastError, "通知目标已删除", "reason kept")
            let pendingKept = try await store.outboxEntries(state: .pending, limit: 10)
            try requireEqual(Set(pendingKept.map(\.target)), ["kept"], "the kept target's rows are untouched")
            let replayed = try await store.replayNotifications(letters.map(\.id) + ["no-such-id"], at: now)
            try requireEqual(Set(replayed), Set(letters.map(\.id)), "replay changes only existing dead rows")
            let back = try await store.claimNotifications(dueAt: now, leaseUntil: now.addingTimeInterval(60), limits: ["removed": 5])
            try requireEqual(back.count, 2, "replayed rows are due at once")
        },
        Check(description: "the next due time covers only the given targets; target states survive a reopen") { open in
            let (store, _) = try await outboxFixture(open, cases: 1, targets: ["a"])
            try requireEqual(try await store.nextNotificationDue(targets: ["b"]), nil, "no rows for b")
            try requireEqual(try await store.nextNotificationDue(targets: []), nil, "no targets")
            try require(try await store.nextNotificationDue(targets: ["a", "b"]) != nil, "a's row is due")
            let paused = TargetState(name: "a", pausedUntil: start.addingTimeInterval(600))
            try await store.saveTargetState(paused)
            let gone = TargetState(name: "gone", disabledAt: start, disabledReason: "HTTP 410", disabledRevision: "r1")
            try await store.saveTargetState(gone)
            let reopened = try await open(settings())
            let states = try await reopened.targetStates().sorted { $0.name < $1.name }
            try requireEqual(states, [paused, gone], "states kept, with the revision a disable was learned for")
            // An operator enables "gone"; a lane that did not know of it then saves its state: the enable stays.
            var enabled = gone
            enabled.enabledAt = start.addingTimeInterval(60)
            try await reopened.saveTargetState(enabled)
            try await reopened.saveTargetState(gone)
            let after = try await reopened.targetStates().first { $0.name == "gone" }
            try requireEqual(after?.enabledAt, enabled.enabledAt, "a save without the enable keeps it")
            try require(after?.isDisabled(forRevision: "r1") == false, "enabled after it was disabled")
            var again = gone
            again.disabledAt = start.addingTimeInterval(120)  // gone again after the enable
            try await reopened.saveTargetState(again)
            try require(try await reopened.targetStates().first { $0.name == "gone" }?.isDisabled(forRevision: "r1") == true,
                        "a later disable counts again")
        },
        Check(description: "releasing leases at a dispatcher's start hands its claimed rows out again at once") { open in
            let (store, _) = try await outboxFixture(open, cases: 2, targets: ["a"])
            let now = start.addingTimeInterval(60)
            let claimed = try await store.claimNotifications(dueAt: now, leaseUntil: now.addingTimeInterval(300), limits: ["a": 2])
            try requireEqual(claimed.count, 2, "both claimed")
            // One send was reserved before the stop and made; the other was reserved for a time still to come.
            let (made, _) = try await store.reserveSend(attempt(claimed[0], at: now, .sending), horizon: 60, now: now, slot: { _, now in now })
            _ = try await store.reserveSend(attempt(claimed[1], at: now, .sending), horizon: 60, now: now, slot: { _, now in now.addingTimeInterval(30) })
            _ = made
            try await store.releaseLeases(at: now.addingTimeInterval(1))
            let again = try await store.claimNotifications(dueAt: now, leaseUntil: now.addingTimeInterval(300), limits: ["a": 2])
            try requireEqual(Set(again.map(\.id)), Set(claimed.map(\.id)), "released rows are claimable")
            let counted = try await store.sendTimes(target: "a", since: start)
            try requireEqual(counted, [now], "a reservation still in the future was never sent and no longer counts")
            let unsent = try await store.deliveryAttempts(notificationID: claimed[1].id)
            try requireEqual(unsent.map(\.result), [.deferred], "it is kept as a deferred attempt")
        },
    ]
}
