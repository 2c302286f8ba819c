import Foundation
import MinqingApp
import MinqingConfig
import MinqingCore
import MinqingDispatch
import MinqingStore
import MinqingTesting
import Synchronization
import Testing

/// The dispatcher over a real SQLite ledger and real loopback receivers, with time on a manual clock.
// The time limits in these suites guard against hangs, not speed: the whole suite shares 2 cores in parallel.
@Suite("Dispatcher with a manual clock", .timeLimit(.minutes(5)))
struct DispatcherTests {
    static let t0 = Date(iso: "2026-11-23T09:00:00+08:00")

    /// A receiver whose answers a test scripts per path, counting requests per path.
    final class Script: Sendable {
        private let answers: Mutex<[String: [LoopbackHTTPReceiver.Answer]]>
        let fallback: [String: LoopbackHTTPReceiver.Answer]

        init(_ answers: [String: [LoopbackHTTPReceiver.Answer]] = [:], fallback: [String: LoopbackHTTPReceiver.Answer]) {
            self.answers = Mutex(answers)
            self.fallback = fallback
        }

        func answer(_ request: LoopbackHTTPReceiver.RecordedRequest) -> LoopbackHTTPReceiver.Answer {
            let path = request.uri.split(separator: "?").first.map(String.init) ?? request.uri
            return answers.withLock { a in
                if var queue = a[path], !queue.isEmpty {
                    let next = queue.removeFirst()
                    a[path] = queue
                    return next
                }
                return fallback[path] ?? .json("{}", status: 404)
            }
        }
    }

    static let robotsOK: [String: LoopbackHTTPReceiver.Answer] = [
        "/webhook": .json(#"{"ok":true}"#), "/wecom": .json(#"{"errcode":0,"errmsg":"ok"}"#),
        "/dingtalk": .json(#"{"errcode":0,"errmsg":"ok"}"#), "/feishu": .json(#"{"code":0,"msg":"success"}"#),
    ]

    struct Fixture {
        let harness: DispatchHarness
        let receiver: LoopbackHTTPReceiver
        let clock: ManualClock
    }

    func withFixture(
        _ script: Script, adjust: @escaping (inout HubConfig) -> Void = { _ in },
        _ body: (Fixture) async throws -> Void
    ) async throws {
        let probe = try DispatchHarness(environment: [:])
        let phones = Set(probe.config.directory.people.compactMap(\.phone))
        await probe.shutdown()
        // leaders-dingtalk is `private: true` in the example township: its leaders see complainants in full.
        let receiver = try await GroupReceiver.start(staffPhones: phones, privatePaths: ["/dingtalk"]) { script.answer($0) }
        let harness = try DispatchHarness(environment: [
            "MINQING_WEBHOOK_URL": receiver.url("/webhook"),
            "MINQING_WEBHOOK_SECRET": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "MINQING_WECOM_URL": receiver.url("/wecom"),
            "MINQING_DINGTALK_URL": receiver.url("/dingtalk"), "MINQING_DINGTALK_SECRET": "SECtest",
            "MINQING_FEISHU_URL": receiver.url("/feishu"),
        ], adjust: adjust)
        do {
            try await body(Fixture(harness: harness, receiver: receiver, clock: ManualClock(Self.t0)))
        } catch {
            Issue.record(error)
        }
        await receiver.stop()
        await harness.shutdown()
    }

    func ingest(_ h: DispatchHarness, _ ref: String, at now: Date = t0) async throws -> IntakeReceipt {
        try await h.store.ingest([DispatchHarness.message(ref)], at: now)[0].get()
    }

    /// A dispatcher over the fixture that a test reconfigures as a reload would, and the active targets of each
    /// lane change it reports (the first at start).
    func reconfigurable(_ f: Fixture) -> (Dispatcher, EventLog<Set<String>>) {
        let h = f.harness, records = h.records, lanes = EventLog<Set<String>>()
        let dispatcher = Dispatcher(
            store: h.store, targets: h.setup.targets, composer: h.setup.composer, clock: f.clock, signal: h.signal,
            random: { 0.5 }, observer: { records.append($0) }, onLanes: { active, _ in lanes.append(active) })
        return (dispatcher, lanes)
    }

    func records(_ h: DispatchHarness, target: String) -> [DeliveryRecord] {
        h.records.events.filter { $0.attempt.target == target }
    }

    /// The county webhook pointed at `path` on a fresh loopback receiver (`/hold…` answers only when released), with
    /// `concurrency` send places, over a fresh ledger.
    func holdingWebhook(_ path: String, concurrency: Int) async throws -> (LoopbackHTTPReceiver, DispatchHarness) {
        let receiver = try await LoopbackHTTPReceiver.start()
        let h = try DispatchHarness(environment: [
            "MINQING_WEBHOOK_URL": receiver.url(path), "MINQING_WEBHOOK_SECRET": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        ], adjust: { config in
            for i in config.targets.indices where config.targets[i].name == "county-webhook" {
                config.targets[i].concurrency = concurrency
            }
        })
        return (receiver, h)
    }

    @Test("a webhook with concurrency 2 has two sends open at a time however many of its notifications wait; all are delivered")
    func concurrencyBoundsOpenSends() async throws {
        let (receiver, h) = try await holdingWebhook("/hold", concurrency: 2)
        let clock = ManualClock(Self.t0)
        for n in 0..<7 { _ = try await ingest(h, "open-\(n)") }
        try await h.withDispatcher(clock: clock) {
            for expected in [2, 4, 6, 7] {
                await receiver.waitUntil { $0.held >= expected }
                let sent = receiver.snapshot.requests.count
                #expect(sent == expected, "\(sent) sends reached the receiver, \(expected) expected: two at a time")
                receiver.releaseHeld()
            }
            await h.records.wait { $0.filter { $0.attempt.target == "county-webhook" && $0.state == .delivered }.count == 7 }
        }
        #expect(receiver.snapshot.requests.count == 7, "each notification sent once")
        await receiver.stop()
        await h.shutdown()
    }

    @Test("a connection count past any sensible bound (built without the configuration's check) delivers, not traps")
    func hugeConcurrencyDelivers() async throws {
        // 9223372036854775807 once made the dispatcher's first capacity check overflow and kill the hub.
        let (receiver, h) = try await holdingWebhook("/ok", concurrency: .max)
        let clock = ManualClock(Self.t0)
        for n in 0..<3 { _ = try await ingest(h, "huge-\(n)") }
        try await h.withDispatcher(clock: clock) {
            await h.records.wait { $0.filter { $0.attempt.target == "county-webhook" && $0.state == .delivered }.count == 3 }
        }
        #expect(receiver.snapshot.requests.count == 3)
        await receiver.stop()
        await h.shutdown()
    }

    @Test("notifications waiting for a send place when a 410 disables the target are dead-lettered unsent")
    func goneWhileWaitingForAPlace() async throws {
        let (receiver, h) = try await holdingWebhook("/hold/410", concurrency: 1)
        let clock = ManualClock(Self.t0)
        for n in 0..<3 { _ = try await ingest(h, "gone-\(n)") }
        try await h.withDispatcher(clock: clock) {
            // One send open; the lane has taken the other two ahead of it (they wait for its place).
            await receiver.waitUntil { $0.held == 1 }
            receiver.releaseHeld()  // the receiver answers 410 Gone
            await h.records.wait { $0.filter { $0.attempt.target == "county-webhook" }.count == 3 }
        }
        let records = self.records(h, target: "county-webhook")
        #expect(receiver.snapshot.requests.count == 1, "nothing sent after the 410")
        #expect(records.allSatisfy { $0.state == .dead }, "\(records.map(\.state))")
        #expect(records.filter { $0.attempt.result == .suppressed }.count == 2, "the two that waited: suppressed, target disabled")
        await receiver.stop()
        await h.shutdown()
    }

    @Test("a failing receiver is tried again after 5 s and 5 min, then the notification is delivered")
    func retrySchedule() async throws {
        let script = Script(["/webhook": [.json("{}", status: 503), .json("{}", status: 502)]], fallback: Self.robotsOK)
        try await withFixture(script) { f in
            let h = f.harness
            try await h.withDispatcher(clock: f.clock) {
                _ = try await ingest(h, "retry-1")
                await h.records.wait { $0.contains { $0.attempt.target == "county-webhook" } }
                let first = try #require(records(h, target: "county-webhook").first)
                #expect(first.state == .retrying)
                #expect(first.nextAttemptAt == Self.t0.addingTimeInterval(5))
                #expect(first.attempt.httpStatus == 503)
                await f.clock.waitForSleepers { $0.contains(Self.t0.addingTimeInterval(5)) }
                f.clock.advance(by: 5)
                await h.records.wait { $0.filter { $0.attempt.target == "county-webhook" }.count == 2 }
                let second = records(h, target: "county-webhook")[1]
                #expect(second.state == .retrying && second.attempt.result == .failed, "\(second)")
                #expect(second.nextAttemptAt == Self.t0.addingTimeInterval(305))
                await f.clock.waitForSleepers { $0.contains(Self.t0.addingTimeInterval(305)) }
                f.clock.advance(by: 299)
                #expect(records(h, target: "county-webhook").count == 2, "not before its time")
                f.clock.advance(by: 1)
                await h.records.wait { $0.filter { $0.attempt.target == "county-webhook" }.count == 3 }
                #expect(records(h, target: "county-webhook")[2].state == .delivered)
            }
            let entry = try #require(try await h.store.outboxEntries(state: .delivered, limit: 10).first { $0.target == "county-webhook" })
            let attempts = try await h.store.deliveryAttempts(notificationID: entry.id)
            #expect(attempts.map(\.startedAt) == [0, 5, 305].map { Self.t0.addingTimeInterval($0) })
            #expect(attempts.map(\.result) == [.failed, .failed, .delivered])
            let ids = Set(f.receiver.snapshot.requests.filter { $0.uri == "/webhook" }.compactMap { $0.header("webhook-id") })
            #expect(ids == ["msg_\(entry.id)"], "the same webhook-id on every attempt")
        }
    }

    @Test("a WeCom robot gets at most 20 a minute, and a restart does not reset the count")
    func rateLimitAcrossRestart() async throws {
        try await withFixture(Script(fallback: Self.robotsOK)) { f in
            let h = f.harness
            // What reached the robot: a `deferred` record (the send slot was reserved, then the hub stopped) is no send.
            func sent() -> [DeliveryRecord] { records(h, target: "office-wecom").filter { $0.attempt.result != .deferred } }
            for i in 0..<45 { _ = try await ingest(h, "rate-\(i)") }
            try await h.withDispatcher(clock: f.clock) {
                await h.records.wait { $0.filter { $0.attempt.target == "office-wecom" }.count == 20 }
                // The next slot: a minute plus the 3 s margin (RateLimit.margin) after the first send.
                await f.clock.waitForSleepers { $0.contains(Self.t0.addingTimeInterval(63)) }
            }
            #expect(sent().count == 20)
            let stopped = records(h, target: "office-wecom").filter { $0.attempt.result == .deferred }
            #expect(stopped.map(\.state) == [.retrying], "the send waiting for its slot when the hub stopped went back, not lost")
            // A new dispatcher on the same ledger (as after a restart) remembers the 20 sends.
            f.clock.advance(by: 30)
            try await h.withDispatcher(clock: f.clock) {
                await f.clock.waitForSleepers { $0.contains(Self.t0.addingTimeInterval(63)) }
                #expect(sent().count == 20, "nothing sent before the minute is over")
                f.clock.advance(by: 33)
                await h.records.wait { $0.filter { $0.attempt.target == "office-wecom" && $0.attempt.result != .deferred }.count == 40 }
                await f.clock.waitForSleepers { $0.contains(Self.t0.addingTimeInterval(126)) }
                f.clock.advance(by: 63)
                await h.records.wait { $0.filter { $0.attempt.target == "office-wecom" && $0.attempt.result != .deferred }.count == 45 }
            }
            let times = sent().map(\.attempt.startedAt).sorted()
            for (i, start) in times.enumerated() {
                #expect(times[i...].prefix { $0 < start.addingTimeInterval(60) }.count <= 20, "window from send \(i)")
            }
            #expect(sent().allSatisfy { $0.state == .delivered })
            #expect(f.receiver.snapshot.requests.filter { $0.uri.hasPrefix("/wecom") }.count == 45, "each case once at the robot")
            #expect(records(h, target: "county-webhook").count == 45, "the webhook lane is not held back by the robot")
        }
    }

    @Test("410 Gone dead-letters the notification and disables the target for the ones after it")
    func goneDisables() async throws {
        try await withFixture(Script(["/webhook": [.json("{}", status: 410)]], fallback: Self.robotsOK)) { f in
            let h = f.harness
            try await h.withDispatcher(clock: f.clock) {
                _ = try await ingest(h, "gone-1")
                await h.records.wait { $0.contains { $0.attempt.target == "county-webhook" } }
                _ = try await ingest(h, "gone-2")
                await h.records.wait { $0.filter { $0.attempt.target == "county-webhook" }.count == 2 }
            }
            let hook = records(h, target: "county-webhook")
            #expect(hook.map(\.state) == [.dead, .dead])
            #expect(hook[0].attempt.result == .rejected && hook[0].lastError?.contains("410") == true)
            #expect(hook[1].attempt.result == .suppressed && hook[1].lastError?.contains("已停用") == true)
            #expect(f.receiver.snapshot.requests.filter { $0.uri == "/webhook" }.count == 1, "nothing sent after 410")
            let state = try await h.store.targetStates().first { $0.name == "county-webhook" }
            #expect(state?.disabledAt != nil)
        }
    }

    @Test("DingTalk's 130101 pauses the whole robot for 10 minutes, then sending resumes")
    func dingTalkBlock() async throws {
        let script = Script(["/dingtalk": [.json(#"{"errcode":130101,"errmsg":"send too fast"}"#)]], fallback: Self.robotsOK)
        try await withFixture(script, adjust: { config in
            config.notifications.append(NotificationRule(events: [.created], targets: ["leaders-dingtalk"], channels: [], recipients: []))
        }) { f in
            let h = f.harness
            try await h.withDispatcher(clock: f.clock) {
                _ = try await ingest(h, "block-1")
                await h.records.wait { $0.contains { $0.attempt.target == "leaders-dingtalk" } }
                _ = try await ingest(h, "block-2")
                await f.clock.waitForSleepers { $0.contains(Self.t0.addingTimeInterval(600)) }
                #expect(records(h, target: "leaders-dingtalk").count == 1, "the second waits out the block")
                f.clock.advance(by: 600)
                await h.records.wait { $0.filter { $0.attempt.target == "leaders-dingtalk" }.count == 3 }
            }
            let ding = records(h, target: "leaders-dingtalk")
            #expect(ding[0].state == .retrying && ding[0].attempt.result == .rateLimited)
            #expect(ding[0].nextAttemptAt == Self.t0.addingTimeInterval(600))
            #expect(ding.dropFirst().allSatisfy { $0.state == .delivered && $0.attempt.startedAt >= Self.t0.addingTimeInterval(600) })
        }
    }

    @Test("a robot pause another instance stored defers this dispatcher's send to the pause's end instead of holding the lease")
    func pauseStoredElsewhere() async throws {
        try await withFixture(Script(fallback: Self.robotsOK)) { f in
            let h = f.harness
            let pauseEnd = Self.t0.addingTimeInterval(600)
            try await h.withDispatcher(clock: f.clock) {
                // A first case shows the dispatcher is running (its lanes restored their states).
                _ = try await ingest(h, "before-pause")
                await h.records.wait { $0.contains { $0.attempt.target == "office-wecom" } }
                // Written after this dispatcher started: only the store knows (as when another instance was blocked).
                try await h.store.saveTargetState(TargetState(name: "office-wecom", disabledAt: nil, disabledReason: nil, pausedUntil: pauseEnd))
                _ = try await ingest(h, "paused-1")
                await h.records.wait { $0.filter { $0.attempt.target == "office-wecom" }.count == 2 }
                let deferred = try #require(records(h, target: "office-wecom").last)
                #expect(deferred.attempt.result == .deferred && deferred.state == .retrying && deferred.nextAttemptAt == pauseEnd)
                #expect(f.receiver.snapshot.requests.filter { $0.uri.hasPrefix("/wecom") }.count == 1, "nothing sent during the pause")
                await f.clock.waitForSleepers { $0.contains(pauseEnd) }
                f.clock.advance(by: 600)
                await h.records.wait { $0.filter { $0.attempt.target == "office-wecom" }.count == 3 }
            }
            let wecom = records(h, target: "office-wecom")
            #expect(wecom.last?.state == .delivered && wecom.last?.attempt.startedAt == pauseEnd)
            let sendTimes = try await h.store.sendTimes(target: "office-wecom", since: Self.t0)
            #expect(sendTimes == [Self.t0, pauseEnd], "the deferral is not counted as a send")
        }
    }

    @Test("a send ready well after its reserved slot is planned again from then, not sent late into the next window")
    func lateSendPlannedAgain() async throws {
        try await withFixture(Script(fallback: Self.robotsOK)) { f in
            let h = f.harness
            func wecom() -> [DeliveryRecord] { records(h, target: "office-wecom") }
            for i in 0..<21 { _ = try await ingest(h, "late-\(i)") }
            try await h.withDispatcher(clock: f.clock) {
                await h.records.wait { $0.filter { $0.attempt.target == "office-wecom" }.count == 20 }
                let slot = Self.t0.addingTimeInterval(63)
                await f.clock.waitForSleepers { $0.contains(slot) }
                // The machine wakes the lane 10 s after its slot, well past the 1.5 s tolerance.
                f.clock.advance(by: 73)
                await h.records.wait { $0.filter { $0.attempt.target == "office-wecom" }.count == 22 }
            }
            let late = wecom()[20], sent = wecom()[21]
            #expect(late.attempt.result == .deferred && late.state == .retrying, "\(late)")
            #expect(late.attempt.detail?.contains("发送时机已过") == true)
            #expect(sent.state == .delivered && sent.attempt.startedAt == Self.t0.addingTimeInterval(73))
            let sendTimes = try await h.store.sendTimes(target: "office-wecom", since: Self.t0)
            #expect(sendTimes.count == 21, "the deferral is not counted as a send")
            #expect(f.receiver.snapshot.requests.filter { $0.uri.hasPrefix("/wecom") }.count == 21, "each case once at the robot")
        }
    }

    @Test("a reconfigured dispatcher (a configuration reload) gives every target a new lane that keeps its disabled flag and its pause")
    func reconfigureKeepsLaneState() async throws {
        let script = Script([
            "/webhook": [.json("{}", status: 410)], "/dingtalk": [.json(#"{"errcode":130101,"errmsg":"send too fast"}"#)],
        ], fallback: Self.robotsOK)
        try await withFixture(script, adjust: { config in
            config.notifications.append(NotificationRule(events: [.created], targets: ["leaders-dingtalk"], channels: [], recipients: []))
        }) { f in
            let h = f.harness, records = h.records, (dispatcher, lanes) = reconfigurable(f)
            let running = Task { try await dispatcher.run() }
            _ = try await ingest(h, "state-1")
            await records.wait { r in ["county-webhook", "leaders-dingtalk"].allSatisfy { t in r.contains { $0.attempt.target == t } } }
            // The reload's setup: new target objects and composer from the same configuration.
            let reloaded = try NotificationSetup(config: h.config, client: h.client)
            dispatcher.reconfigure(targets: reloaded.targets, composer: reloaded.composer)
            await lanes.wait(forCount: 2)
            _ = try await ingest(h, "state-2")
            await records.wait { $0.filter { $0.attempt.target == "county-webhook" }.count == 2 }
            let hook = records.events.filter { $0.attempt.target == "county-webhook" }
            #expect(hook.last?.attempt.result == .suppressed && hook.last?.lastError?.contains("已停用") == true, "still disabled")
            await f.clock.waitForSleepers { $0.contains(Self.t0.addingTimeInterval(600)) }
            #expect(records.events.filter { $0.attempt.target == "leaders-dingtalk" }.count == 1, "the new lane waits out the pause")
            f.clock.advance(by: 600)
            await records.wait { $0.filter { $0.attempt.target == "leaders-dingtalk" && $0.state == .delivered }.count == 2 }
            #expect(f.receiver.snapshot.requests.filter { $0.uri == "/webhook" }.count == 1, "nothing sent to the disabled target")
            let ding = records.events.filter { $0.attempt.target == "leaders-dingtalk" && $0.state == .delivered }
            #expect(ding.allSatisfy { $0.attempt.startedAt >= Self.t0.addingTimeInterval(600) })
            running.cancel()
            _ = await running.result
        }
    }

    @Test("a target disabled by a 410 is sent to again after a restart that gives it another address, and the stored flag is cleared")
    func changedAddressLiftsDisable() async throws {
        try await withFixture(Script(["/webhook": [.json("{}", status: 410)]], fallback: Self.robotsOK)) { f in
            let h = f.harness, records = h.records
            func hook() -> [DeliveryRecord] { records.events.filter { $0.attempt.target == "county-webhook" } }
            let (first, _) = reconfigurable(f)
            var running = Task { try await first.run() }
            _ = try await ingest(h, "gone-1")
            await records.wait { $0.contains { $0.attempt.target == "county-webhook" } }
            try #require(hook().first?.attempt.result == .rejected)
            let disabled = try await h.store.targetStates().first { $0.name == "county-webhook" }
            #expect(disabled?.disabledAt != nil && disabled?.disabledRevision?.isEmpty == false, "disabled with its revision")
            running.cancel()
            _ = await running.result
            // The clerk puts the robot's new address in the configuration and restarts the hub.
            var config = h.config
            let i = try #require(config.targets.firstIndex { $0.name == "county-webhook" })
            config.targets[i].url = Secret(f.receiver.url("/webhook") + "?key=renewed")
            let setup = try NotificationSetup(config: config, client: h.client)
            let restarted = Dispatcher(
                store: h.store, targets: setup.targets, composer: setup.composer, clock: f.clock, signal: h.signal,
                random: { 0.5 }, observer: { records.append($0) })
            running = Task { try await restarted.run() }
            _ = try await ingest(h, "gone-2")
            await records.wait { r in r.contains { $0.attempt.target == "county-webhook" && $0.state == .delivered } }
            #expect(hook().filter { $0.attempt.result == .suppressed }.isEmpty, "nothing dead-lettered as disabled")
            #expect(f.receiver.snapshot.requests.contains { $0.uri.hasSuffix("?key=renewed") }, "sent to the new address")
            let cleared = try await h.store.targetStates().first { $0.name == "county-webhook" }
            #expect(cleared?.disabledAt == nil, "the stored disable is cleared")
            running.cancel()
            _ = await running.result
        }
    }

    @Test("an operator's enable (minqing outbox enable) lifts a disable at the next reload without a configuration change")
    func enableLiftsDisableAtReload() async throws {
        try await withFixture(Script(["/webhook": [.json("{}", status: 410)]], fallback: Self.robotsOK)) { f in
            let h = f.harness, records = h.records, (dispatcher, lanes) = reconfigurable(f)
            func hook() -> [DeliveryRecord] { records.events.filter { $0.attempt.target == "county-webhook" } }
            let running = Task { try await dispatcher.run() }
            _ = try await ingest(h, "enable-1")
            await records.wait { $0.contains { $0.attempt.target == "county-webhook" } }
            var state = try #require(try await h.store.targetStates().first { $0.name == "county-webhook" })
            try #require(state.isDisabled(forRevision: NotificationSetup.revision(of: h.config.targets.first { $0.name == "county-webhook" }!)))
            // What `minqing outbox enable county-webhook` writes, a minute later.
            f.clock.advance(by: 60)
            state.enabledAt = f.clock.now()
            try await h.store.saveTargetState(state)
            let reloaded = try NotificationSetup(config: h.config, client: h.client)
            dispatcher.reconfigure(targets: reloaded.targets, composer: reloaded.composer)
            await lanes.wait(forCount: 2)
            _ = try await ingest(h, "enable-2", at: f.clock.now())
            await records.wait { r in r.contains { $0.attempt.target == "county-webhook" && $0.state == .delivered } }
            #expect(hook().filter { $0.attempt.result == .suppressed }.isEmpty, "not dead-lettered as disabled")
            #expect(f.receiver.snapshot.requests.filter { $0.uri == "/webhook" }.count == 2, "the 410, then the new case")
            // A lane's later save of its state (a pause, say) keeps the enable it did not know of.
            try await h.store.saveTargetState(TargetState(name: "county-webhook", disabledAt: Self.t0, disabledReason: "410"))
            let kept = try #require(try await h.store.targetStates().first { $0.name == "county-webhook" })
            #expect(kept.enabledAt == f.clock.now() && !kept.isDisabled(forRevision: "any"), "the enable is kept")
            running.cancel()
            _ = await running.result
        }
    }

    @Test("after a reconfiguration a robot's new lane counts the sends of the lane it replaced: the 21st in a minute waits")
    func reconfigureKeepsRateLimit() async throws {
        try await withFixture(Script(fallback: Self.robotsOK)) { f in
            let h = f.harness, records = h.records, (dispatcher, lanes) = reconfigurable(f)
            func sent() -> [DeliveryRecord] { records.events.filter { $0.attempt.target == "office-wecom" && $0.attempt.result != .deferred } }
            let running = Task { try await dispatcher.run() }
            for i in 0..<20 { _ = try await ingest(h, "rate-\(i)") }
            await records.wait { $0.filter { $0.attempt.target == "office-wecom" }.count == 20 }
            let reloaded = try NotificationSetup(config: h.config, client: h.client)
            dispatcher.reconfigure(targets: reloaded.targets, composer: reloaded.composer)
            await lanes.wait(forCount: 2)
            _ = try await ingest(h, "rate-20")
            // A minute plus the 3 s margin (RateLimit.margin) after the old lane's first send.
            await f.clock.waitForSleepers { $0.contains(Self.t0.addingTimeInterval(63)) }
            #expect(sent().count == 20, "the new lane waits for the minute the old lane's 20 sends began")
            f.clock.advance(by: 63)
            await records.wait { $0.filter { $0.attempt.target == "office-wecom" && $0.state == .delivered }.count == 21 }
            #expect(sent().last?.attempt.startedAt == Self.t0.addingTimeInterval(63))
            #expect(f.receiver.snapshot.requests.filter { $0.uri.hasPrefix("/wecom") }.count == 21)
            running.cancel()
            _ = await running.result
        }
    }

    @Test("after the last retry a notification is dead-lettered with its reason; replay sends it again")
    func deadLetterAndReplay() async throws {
        let script = Script(["/webhook": [.json("{}", status: 500), .json("{}", status: 502), .json("{}", status: 503)]],
                            fallback: Self.robotsOK)
        try await withFixture(script, adjust: { $0.setRetry([1, 1]) }) { f in
            let h = f.harness
            try await h.withDispatcher(clock: f.clock) {
                _ = try await ingest(h, "dead-1")
                for n in 1...3 {
                    await h.records.wait { $0.filter { $0.attempt.target == "county-webhook" }.count == n }
                    f.clock.advance(by: 1)
                }
            }
            let dead = try #require(try await h.store.outboxEntries(state: .dead, limit: 10).first)
            #expect(dead.attempts == 3)
            #expect(dead.lastError?.contains("已尝试 3 次") == true)
            #expect(try await h.store.replayNotifications([dead.id, "no-such-id"], at: f.clock.now()) == [dead.id])
            try await h.withDispatcher(clock: f.clock) {
                await h.records.wait { $0.filter { $0.attempt.target == "county-webhook" }.count == 4 }
            }
            #expect(try await h.store.outboxEntry(id: dead.id)?.state == .delivered)
        }
    }

    @Test("a group whose member the case is about never gets it, even when that was recorded after the row was written")
    func conflictOfInterest() async throws {
        try await withFixture(Script(fallback: Self.robotsOK), adjust: { config in
            config.notifications.append(NotificationRule(events: [.created], targets: ["leaders-dingtalk"], channels: [], recipients: []))
        }) { f in
            let h = f.harness
            var message = DispatchHarness.message("about-a-leader")
            message.body = "反映镇长赵红梅在征地补偿中优亲厚友，请上级调查。"
            let receipt = try await h.store.ingest([message], at: Self.t0)[0].get()
            _ = try await h.store.apply(.classify(Classification(concerns: ["赵红梅"])), to: receipt.caseID, actor: "wang-li",
                                        expectedVersion: nil, at: Self.t0)
            try await h.withDispatcher(clock: f.clock) {
                await h.records.wait { records in
                    ["leaders-dingtalk", "office-wecom", "county-webhook"].allSatisfy { t in records.contains { $0.attempt.target == t } }
                }
            }
            let ding = try #require(records(h, target: "leaders-dingtalk").first)
            #expect(ding.state == .dead && ding.attempt.result == .suppressed)
            #expect(ding.lastError?.contains("回避") == true)
            #expect(!f.receiver.snapshot.requests.contains { $0.uri.hasPrefix("/dingtalk") }, "nothing reached the leaders' group")
            #expect(records(h, target: "office-wecom").first?.state == .delivered, "other groups are told as usual")
        }
    }
}
