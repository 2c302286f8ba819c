import Foundation
import MinqingApp
import MinqingCore
import MinqingDispatch
import MinqingTesting
import Testing

/// A reload reaches intake and the dispatcher: routing decides the next case, and targets and templates take effect
/// for what is claimed after it, while deliveries in flight finish on the lanes that took them. Real loopback HTTP
/// receivers, the hub `serve` runs, a manual clock; every wait is on an event.
@Suite("Configuration reload: intake routing, targets and templates", .serialized)
struct ConfigReloadDeliveryTests {
    /// The example's county webhook, sent to `url` (its address comes from the environment).
    static let webhookURL = "    url: ${MINQING_WEBHOOK_URL:-}\n"

    static func cases(_ receiver: LoopbackHTTPReceiver) -> [String] {
        receiver.snapshot.requests.filter { $0.bodyText.contains(#""type":"case.created""#) }.map(\.bodyText)
    }

    @Test("a changed routing.yaml decides the next new case after a reload: 拖欠工资 goes to the new staff")
    func routingReloadDecidesNextCase() async throws {
        let h = try await ReloadableHub()
        let before = try await h.hub.intake.submit(ReloadableHub.message("wages-1"))
        try h.edit("routing.yaml", "    staff: deng-qiang\n", "    staff: xu-fang\n")
        await h.reload()
        let after = try await h.hub.intake.submit(ReloadableHub.message("wages-2", village: "河西村"))
        #expect(try await h.hub.store.fetchCase(before.caseID)?.staff == "deng-qiang")
        #expect(try await h.hub.store.fetchCase(after.caseID)?.staff == "xu-fang", "the reloaded rule assigns the next case")
        await h.hub.shutdown()
    }

    @Test("a changed target URL: notifications after the reload go to the new receiver; the one in flight during the reload arrives once at the old one")
    func changedTargetURL() async throws {
        let old = try await LoopbackHTTPReceiver.start(), new = try await LoopbackHTTPReceiver.start()
        let h = try await ReloadableHub(environment: ["MINQING_WEBHOOK_URL": old.url("/hold")])
        try await h.withDispatcher {
            let first = try await h.hub.intake.submit(ReloadableHub.message("url-1"))
            await old.waitUntil { $0.held == 1 }
            try h.edit("minqing.yaml", Self.webhookURL, "    url: \(new.url("/echo"))\n")
            await h.reload()
            await h.lanes.wait { $0.contains { $0.retiring == ["county-webhook"] } }
            let second = try await h.hub.intake.submit(ReloadableHub.message("url-2", village: "河西村"))
            await new.waitUntil { $0.requests.count == 1 }
            old.releaseHeld()
            await h.deliveries.wait { $0.filter { $0.state == .delivered }.count == 2 }
            await h.lanes.wait { $0.last?.retiring.isEmpty == true }
            let atOld = Self.cases(old), atNew = Self.cases(new)
            #expect(atOld.count == 1 && atOld[0].contains(first.caseID.description), "the held delivery finished on the old lane")
            #expect(atNew.count == 1 && atNew[0].contains(second.caseID.description), "the next one went to the new address")
            #expect(old.snapshot.requests.count == 1, "nothing sent twice")
            let rows = try await h.hub.store.outboxEntries(state: nil, limit: 10)
            #expect(rows.count == 2 && rows.allSatisfy { $0.state == .delivered && $0.attempts == 1 }, "\(rows.map(\.state))")
        }
        await h.hub.shutdown()
        await old.stop()
        await new.stop()
    }

    @Test("a changed template text shows in the next notification")
    func changedTemplate() async throws {
        let receiver = try await LoopbackHTTPReceiver.start()
        let h = try await ReloadableHub(environment: ["MINQING_WEBHOOK_URL": receiver.url("/echo")])
        try await h.withDispatcher {
            _ = try await h.hub.intake.submit(ReloadableHub.message("tpl-1"))
            await receiver.waitUntil { $0.requests.count == 1 }
            try h.edit("templates/case.created.mustache", "请群工办及时受理、交办。", "请群工办今日内受理、交办（模板已更新）。")
            await h.reload()
            _ = try await h.hub.intake.submit(ReloadableHub.message("tpl-2", village: "河西村"))
            await receiver.waitUntil { $0.requests.count == 2 }
            await h.deliveries.wait(forCount: 2)
            let sent = Self.cases(receiver)
            #expect(sent.count == 2)
            #expect(sent.first?.contains("请群工办及时受理、交办") == true && sent.first?.contains("模板已更新") == false)
            #expect(sent.last?.contains("请群工办今日内受理、交办（模板已更新）") == true, "the new text in the next notification")
        }
        await h.hub.shutdown()
        await receiver.stop()
    }

    @Test("a removed target's lane finishes what it holds and goes, its waiting rows dead-lettered with the reason; an added target gets the next case")
    func removedAndAddedTarget() async throws {
        let old = try await LoopbackHTTPReceiver.start(), added = try await LoopbackHTTPReceiver.start()
        let h = try await ReloadableHub(
            environment: ["MINQING_WEBHOOK_URL": old.url("/hold")],
            edits: [("minqing.yaml", Self.webhookURL, Self.webhookURL + "    concurrency: 1\n")])
        try await h.withDispatcher {
            let held = try await h.hub.intake.submit(ReloadableHub.message("rm-1"))
            await old.waitUntil { $0.held == 1 }
            // One in flight at a time: the second waits in the outbox while the first is held.
            let waiting = try await h.hub.intake.submit(ReloadableHub.message("rm-2", village: "河西村"))
            try h.edit("minqing.yaml", Self.webhookURL + "    concurrency: 1\n", "    url: \(added.url("/echo"))\n")
            // Every occurrence of each: the target's entry, the notification rules, warnings and escalations naming it.
            for (file, from) in [("minqing.yaml", "  - name: county-webhook "), ("minqing.yaml", "targets: [county-webhook,"),
                                 ("warnings.yaml", "county-webhook]"), ("schedules.yaml", "target: county-webhook}")] {
                try h.edit(file, from, from.replacingOccurrences(of: "county-webhook", with: "county-system"))
            }
            await h.reload()
            await h.lanes.wait { $0.contains { $0.active.contains("county-system") && $0.retiring == ["county-webhook"] } }
            #expect(!(h.lanes.events.last?.active.contains("county-webhook") ?? true), "the removed target has no lane")
            let next = try await h.hub.intake.submit(ReloadableHub.message("rm-3", village: "龙泉村"))
            await added.waitUntil { $0.requests.count == 1 }
            var rows = try await h.hub.store.outboxEntries(state: nil, limit: 10)
            // Not sent and not dead-lettered yet: waiting in the outbox (given back unsent by the retired lane, which
            // had taken it ahead of its one send place) while that lane still holds the send under way.
            let kept = rows.first { $0.caseID == waiting.caseID }
            #expect(kept?.state == .pending || kept?.state == .retrying, "kept while the removed target's lane still holds one")
            old.releaseHeld()
            await h.lanes.wait { $0.last?.retiring.isEmpty == true }
            rows = try await h.hub.store.outboxEntries(state: nil, limit: 10)
            let byCase = Dictionary(rows.map { ($0.caseID, $0) }, uniquingKeysWith: { a, _ in a })
            #expect(byCase[held.caseID]?.state == .delivered, "the delivery in flight finished once")
            #expect(byCase[waiting.caseID]?.state == .dead && byCase[waiting.caseID]?.lastError == Dispatcher.removedTargetReason)
            #expect(byCase[next.caseID]?.target == "county-system" && byCase[next.caseID]?.state == .delivered)
            #expect(Self.cases(old).count == 1 && Self.cases(old)[0].contains(held.caseID.description))
            #expect(Self.cases(added).count == 1 && Self.cases(added)[0].contains(next.caseID.description))
        }
        await h.hub.shutdown()
        await old.stop()
        await added.stop()
    }

    @Test("a target that cannot be built (a malformed webhook secret) refuses the reload: the old address, rules and templates stay")
    func brokenTargetKeepsEverything() async throws {
        let old = try await LoopbackHTTPReceiver.start(), new = try await LoopbackHTTPReceiver.start()
        let h = try await ReloadableHub(environment: ["MINQING_WEBHOOK_URL": old.url("/echo")])
        let running = h.hub.reloader.holder.status
        try await h.withDispatcher {
            try h.edit("minqing.yaml", Self.webhookURL, "    url: \(new.url("/echo"))\n")
            try h.edit("minqing.yaml", "    secret: ${MINQING_WEBHOOK_SECRET:-}", "    secret: whsec_!!!")
            try h.edit("routing.yaml", "    staff: deng-qiang\n", "    staff: xu-fang\n")
            try h.edit("templates/case.created.mustache", "请群工办及时受理、交办。", "模板已更新。")
            let status = await h.hub.reloader.reload(by: "test")
            let failure = try #require(status.failure, "the reload is refused")
            #expect(failure.errors.contains { $0.contains("通知配置有误") && $0.contains("county-webhook") }, "\(failure.errors)")
            #expect(status.hash == running.hash)
            let receipt = try await h.hub.intake.submit(ReloadableHub.message("broken-1"))
            await old.waitUntil { $0.requests.count == 1 }
            await h.deliveries.wait(forCount: 1)
            #expect(new.snapshot.requests.isEmpty)
            #expect(Self.cases(old).first?.contains("请群工办及时受理、交办") == true, "the old template")
            #expect(try await h.hub.store.fetchCase(receipt.caseID)?.staff == "deng-qiang", "the old routing")
        }
        await h.hub.shutdown()
        await old.stop()
        await new.stop()
    }
}
