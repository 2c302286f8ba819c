import Foundation
import Logging
import MinqingApp
import MinqingConfig
import MinqingCore
import MinqingDispatch
import MinqingStore
import MinqingTesting
import Testing

/// The example township's warnings delivered through the dispatcher on a manual clock: a cluster's updates are held
/// back to one per `update_interval` (1 h) per target, and the one that goes out carries the final count.
@Suite("Warning updates through the dispatcher", .timeLimit(.minutes(5)))
struct WarningUpdateDeliveryTests {
    static let t0 = Date(iso: "2026-12-01T09:00:00+08:00")
    static let texts = [
        "青山村三组从昨天早上开始停水，到现在还没有来水，家里老人孩子没水喝，请尽快恢复供水。",
        "我是青山村三组村民，我们组从昨天早上停水到现在，一直没来水，请尽快恢复供水。",
        "反映青山村三组停水问题：从昨天早上开始没有来水，生活用水困难，希望尽快恢复供水。",
    ]

    @Test("two cases joining within the hour send one update an hour after the warning, with the count of five")
    func throttled() async throws {
        let receiver = try await LoopbackHTTPReceiver.start { request in
            request.uri.hasPrefix("/dingtalk") ? .json(#"{"errcode":0,"errmsg":"ok"}"#) : .json(#"{"ok":true}"#)
        }
        let h = try DispatchHarness(environment: [
            "MINQING_WEBHOOK_URL": receiver.url("/webhook"), "MINQING_WEBHOOK_SECRET": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "MINQING_DINGTALK_URL": receiver.url("/dingtalk"), "MINQING_DINGTALK_SECRET": "SECtest",
        ])
        var settings = LedgerSettings(
            caseIDPrefix: h.config.office.caseIDPrefix, timeZone: h.config.office.timeZone,
            factory: CaseFactory(vocabulary: h.config.vocabulary), planner: HubPlanners.planner(for: h.config), outboxSignal: h.signal)
        settings.warnings = h.config.warnings
        let store = try SQLiteCaseStore(path: h.directory.appendingPathComponent("warnings.sqlite").path, settings: settings)
        let clock = ManualClock(Self.t0)
        let records = EventLog<DeliveryRecord>()
        let dispatcher = Dispatcher(store: store, targets: h.setup.targets, composer: h.setup.composer, clock: clock, signal: h.signal,
                                    logger: Logger(label: "test.dispatch"), random: { 0.5 }, observer: { records.append($0) })
        let task = Task { try await dispatcher.run() }
        let compared = EventLog<Int>()
        let detector = RepeatDetector(
            store: store, signal: settings.repeatSignal, clock: clock, logger: Logger(label: "test.repeats"),
            observer: { compared.append($0) })
        let detecting = Task { try await detector.run() }
        func ingest(_ i: Int) async throws {
            let m = InboundMessage(channel: .webform, sourceRef: "w-\(i)", complainant: Complainant(name: "村民", phone: "1380000000\(i)"),
                                   village: "青山村", subject: nil, body: Self.texts[i % Self.texts.count])
            _ = try await store.ingest([m], at: clock.now())[0].get()
            await compared.wait { $0.reduce(0, +) == i + 1 }  // the hub's RepeatDetector compared it
        }
        func warningRows() async throws -> [OutboxEntry] {
            try await store.outboxEntries(state: nil, limit: 1000).filter { $0.event.hasPrefix("warning.") }
        }
        func webhookBodies(_ type: String) -> [String] {
            receiver.snapshot.requests.filter { $0.uri == "/webhook" && $0.bodyText.contains(#""type":"\#(type)""#) }.map(\.bodyText)
        }
        do {
            for i in 0..<3 { try await ingest(i) }
            await receiver.waitUntil { s in s.requests.filter { $0.uri == "/webhook" && $0.bodyText.contains(#""type":"warning.raised""#) }.count == 1 }
            clock.advance(by: 600)
            try await ingest(3)
            clock.advance(by: 600)
            try await ingest(4)
            let waiting = try await warningRows().filter { $0.event == "warning.updated" }
            #expect(waiting.count == 2 && waiting.allSatisfy { $0.state == .pending && $0.nextAttemptAt == Self.t0.addingTimeInterval(3600) })
            // The dispatcher has nothing due before the hour: it sleeps until then.
            await clock.waitForSleepers { $0.contains(Self.t0.addingTimeInterval(3600)) }
            #expect(webhookBodies("warning.updated").isEmpty)
            clock.set(Self.t0.addingTimeInterval(3600))
            await receiver.waitUntil { s in s.requests.filter { $0.uri == "/webhook" && $0.bodyText.contains(#""type":"warning.updated""#) }.count == 1 }
            let update = try #require(webhookBodies("warning.updated").first)
            #expect(update.contains("已达 5 件"), "\(update)")
            await records.wait { all in Set(waiting.map(\.id)).isSubset(of: Set(all.filter { $0.state == .delivered }.map(\.attempt.notificationID))) }
        } catch {
            Issue.record(error)
        }
        task.cancel()
        detecting.cancel()
        _ = await task.result
        _ = await detecting.result
        await receiver.stop()
        await h.shutdown()
    }
}
