// Dispatch benchmarks (BENCHMARKS.md): deliveries/s draining a large outbox to a loopback webhook receiver, and
// ingest → receipt latency at a steady message rate. Run: Benchmarks/dispatch.sh
import Foundation
import Logging
import MinqingCore
import MinqingCurl
import MinqingDispatch
import MinqingStore
import MinqingTesting
import Synchronization
import WebhookAdapter

struct Directory: NotificationDirectory {
    let officeName = "青山镇人民政府"
    func contact(_ key: String) -> Contact? { nil }
    let people = PeopleIndex()
    func villageName(_ code: String) -> String? { "青山村" }
    func categoryName(_ code: String) -> String? { "环境" }
}

func message(_ ref: String) -> InboundMessage {
    InboundMessage(
        channel: .webform, sourceRef: ref, complainant: Complainant(name: "测试群众", phone: "13812345678"),
        village: "青山村", category: "环境", subject: "垃圾清运",
        body: "村口垃圾堆积多日无人清运，气味难闻，请尽快处理。")
}

/// Times by case id, shared between tasks.
final class Stamps: Sendable {
    let map = Mutex<[String: ContinuousClock.Instant]>([:])
    func set(_ id: String, _ t: ContinuousClock.Instant) { map.withLock { $0[id] = t } }
    var all: [String: ContinuousClock.Instant] { map.withLock { $0 } }
    var count: Int { map.withLock { $0.count } }
    func clear() { map.withLock { $0.removeAll() } }
}

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
}

@main
struct DispatchBench {
    static func main() async throws {
        try await Self.run()
    }

    nonisolated static func run() async throws {
        let args = CommandLine.arguments
        let rows = args.count > 1 ? Int(args[1]) ?? 100_000 : 100_000
        let rate = args.count > 2 ? Int(args[2]) ?? 1000 : 1000
        let seconds = args.count > 3 ? Int(args[3]) ?? 30 : 30
        let concurrency = args.count > 4 ? Int(args[4]) ?? 32 : 32
        LoggingSystem.bootstrap { label in
            var h = StreamLogHandler.standardError(label: label)
            h.logLevel = .warning
            return h
        }

        let arrivals = Stamps()
        let delivered = EventLog<Int>()
        let receiver = try await LoopbackHTTPReceiver.start { request in
            if let json = try? JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any],
               let id = ((json["data"] as? [String: Any])?["case"] as? [String: Any])?["id"] as? String {
                arrivals.set(id, ContinuousClock.now)
            }
            return .json(#"{"ok":true}"#)
        }
        let templates = try TemplateSet(templates: ["case.created": "【新案件】{{case.id}} {{case.subject}}\n\n> {{case.body}}"])
        let composer = NotificationComposer(templates: templates, directory: Directory(), publicURL: "http://127.0.0.1:8080")
        let client = try CurlClient(configuration: .init(maxHostConnections: concurrency))
        let target = try WebhookTarget(name: "county-webhook", url: receiver.url("/hook"), secrets: ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"], client: client)
        let planner = ClosurePlanner { change in
            change.event.action == "received" ? [OutboxDraft(target: "county-webhook", event: "case.created")] : []
        }

        func run(_ name: String, _ body: (SQLiteCaseStore, ChangeSignal) async throws -> Void) async throws {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("minqing-bench-\(UUID().uuidString)")
            let signal = ChangeSignal()
            let store = try SQLiteCaseStore(path: dir.appendingPathComponent("minqing.sqlite").path,
                                            settings: LedgerSettings(planner: planner, outboxSignal: signal))
            try await body(store, signal)
            try? FileManager.default.removeItem(at: dir)
        }

        func dispatcher(_ store: SQLiteCaseStore, _ signal: ChangeSignal) -> Dispatcher {
            Dispatcher(
                store: store, targets: [DispatchTarget(target, settings: LaneSettings(concurrency: concurrency, audience: Audience(isPrivate: false)))],
                composer: composer, clock: SystemClock(), signal: signal, observer: { _ in delivered.append(1) })
        }

        print("machine: \(ProcessInfo.processInfo.activeProcessorCount) cores; outbox rows \(rows); rate \(rate)/s for \(seconds) s; lane concurrency \(concurrency)")

        // 1. Drain a full outbox.
        try await run("drain") { store, signal in
            var written = 0
            while written < rows {
                let batch = (written..<min(rows, written + 1000)).map { message("drain-\($0)") }
                _ = try await store.ingest(batch, at: Date())
                written += batch.count
            }
            let start = ContinuousClock.now
            let d = dispatcher(store, signal)
            let task = Task { try await d.run() }
            await delivered.wait(forCount: rows)
            let elapsed = (ContinuousClock.now - start).seconds
            task.cancel()
            _ = await task.result
            print(String(format: "drain: %d deliveries in %.2f s = %.0f deliveries/s", rows, elapsed, Double(rows) / elapsed))
        }

        // 2. Steady ingest with the dispatcher running: latency from submit to the receiver getting the webhook.
        arrivals.clear()
        try await run("steady") { store, signal in
            let intake = IntakeService(store: store)
            let d = dispatcher(store, signal)
            let task = Task { try await d.run() }
            let total = rate * seconds
            let submitted = Stamps()
            let start = ContinuousClock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<total {
                    let due = start + .microseconds(Int64(i) * 1_000_000 / Int64(rate))
                    try await Task.sleep(until: due, clock: .continuous)
                    group.addTask {
                        let t = ContinuousClock.now
                        let receipt = try await intake.submit(message("steady-\(i)"))
                        submitted.set(receipt.caseID.description, t)
                    }
                }
                try await group.waitForAll()
            }
            let ingestElapsed = (ContinuousClock.now - start).seconds
            while arrivals.count < total { try await Task.sleep(for: .milliseconds(50)) }
            task.cancel()
            _ = await task.result
            let sent = submitted.all
            let got = arrivals.all
            let latencies = sent.compactMap { id, t in got[id].map { ($0 - t).seconds * 1000 } }.sorted()
            print(String(format: "steady: %d messages at %.0f/s offered (%.0f/s achieved); ingest→receipt p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms",
                         total, Double(rate), Double(total) / ingestElapsed, percentile(latencies, 0.5), percentile(latencies, 0.9),
                         percentile(latencies, 0.99), latencies.last ?? 0))
        }
        await client.shutdown()
        await receiver.stop()

    }
}
