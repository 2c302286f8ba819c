import Foundation
import MinqingTesting
import Synchronization
import Testing

/// The outbox survives `kill -9`: a hub killed while delivering to a failing webhook receiver, then restarted on the
/// same data, delivers every notification of every acknowledged message — and the receiver applies each once.
@Suite("Dispatch crash durability", .serialized, .timeLimit(.minutes(3)))
struct DispatchCrashTests {
    /// The example township with the county webhook retrying every 100 ms (for 60 s), so a test need not wait minutes
    /// and no notification runs out of attempts while the receiver holds back before the kill (on a loaded machine that
    /// took more than the 6 s an earlier 60-step list allowed).
    static func fastRetryConfig() throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("minqing-dispatch-crash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: repoRoot.appendingPathComponent("Config/example"), to: root.appendingPathComponent("example"))
        try FileManager.default.copyItem(at: repoRoot.appendingPathComponent("Config/calendars"), to: root.appendingPathComponent("calendars"))
        let main = root.appendingPathComponent("example/minqing.yaml")
        var text = try String(contentsOf: main, encoding: .utf8)
        let anchor = "    secret: ${MINQING_WEBHOOK_SECRET:-}"
        guard text.contains(anchor) else { throw TestFailure("the example config no longer has the webhook secret line") }
        text = text.replacingOccurrences(of: anchor, with: anchor + "\n    retry: [" + Array(repeating: "100ms", count: 600).joined(separator: ", ") + "]")
        try text.write(to: main, atomically: true, encoding: .utf8)
        return root.appendingPathComponent("example")
    }

    /// Fails a seeded 30 % of requests; applies each webhook-id once, remembering which case it was about. Until the
    /// test opens it, it takes only `gate` notifications and answers 503 to the rest, so the hub is surely killed with
    /// notifications still to deliver.
    final class Receiver: Sendable {
        struct State {
            var seed: UInt64 = 0x5EED_2026
            var appliedCase: [String: String] = [:]
            var repeats = 0
            var gate: Int? = 100
        }

        func open() { state.withLock { $0.gate = nil } }
        let state = Mutex(State())
        let applied = EventLog<String>()

        func answer(_ request: LoopbackHTTPReceiver.RecordedRequest) -> LoopbackHTTPReceiver.Answer {
            let fail = state.withLock { s -> Bool in
                s.seed = s.seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                if let gate = s.gate, s.appliedCase.count >= gate { return true }
                return (s.seed >> 33) % 10 < 3
            }
            if fail { return .json(#"{"error":"busy"}"#, status: 503) }
            let id = request.header("webhook-id") ?? ""
            let json = try? JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any]
            let caseID = ((json?["data"] as? [String: Any])?["case"] as? [String: Any])?["id"] as? String ?? ""
            let first = state.withLock { s -> Bool in
                if s.appliedCase[id] != nil { s.repeats += 1; return false }
                s.appliedCase[id] = caseID
                return true
            }
            if first { applied.append(caseID) }
            return .json(#"{"ok":true}"#)
        }
    }

    @Test("kill -9 mid-delivery and a restart lose no notification, and none is applied twice")
    func killNineWhileDelivering() async throws {
        let config = try Self.fastRetryConfig()
        let receiver = Receiver()
        let http = try await LoopbackHTTPReceiver.start { receiver.answer($0) }
        let env = ["MINQING_WEBHOOK_URL": http.url("/county"), "MINQING_WEBHOOK_SECRET": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"]
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("minqing-dispatch-crash-data-\(UUID().uuidString)")
        let hub = try await HubProcess(data: data, config: config, environment: env)
        let acked = Acknowledged()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for client in 0..<16 {
                group.addTask {
                    for n in 0..<40 {
                        let ref = "crash-\(client)-\(n)"
                        guard let (status, body) = try? await post("\(hub.base)/api/v1/messages", message(ref)) else { return }
                        guard status == 201, let id = body["case_id"] as? String else { throw TestFailure("answer \(status) \(body)") }
                        acked.record(ref, id)
                    }
                }
            }
            try await group.waitForAll()
        }
        await receiver.applied.wait(forCount: 100)
        hub.kill9()
        #expect(hub.process.terminationReason == .uncaughtSignal)
        let cases = Set(acked.all.values)
        let appliedBeforeRestart = receiver.applied.events.count
        #expect(appliedBeforeRestart < cases.count, "killed while notifications were still being delivered")
        #expect(cases.count == 16 * 40, "every message was acknowledged before the kill")

        receiver.open()
        let restarted = try await HubProcess(data: data, config: config, environment: env)
        await receiver.applied.wait { Set($0).isSuperset(of: cases) }
        restarted.terminate()
        await http.stop()

        let state = receiver.state.withLock { $0 }
        let perCase = Dictionary(grouping: state.appliedCase.values, by: { $0 })
        #expect(cases.allSatisfy { perCase[$0]?.count == 1 }, "each acknowledged case was announced by exactly one notification")
        // Only a notification in flight at the kill can arrive twice (sent, not yet recorded); its webhook-id lets the
        // receiver drop the repeat. The webhook lane runs at most 8 at once.
        #expect(state.repeats <= 8, "\(state.repeats) repeats: more than were in flight")
        try? FileManager.default.removeItem(at: data)
        try? FileManager.default.removeItem(at: config.deletingLastPathComponent())
    }
}
