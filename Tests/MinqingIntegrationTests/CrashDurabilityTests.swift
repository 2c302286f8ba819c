import Foundation
import Synchronization
import Testing

/// What the clients were told: source_ref → case id, for every 201/200 they received.
final class Acknowledged: Sendable {
    let map = Mutex<[String: String]>([:])
    func record(_ ref: String, _ id: String) { map.withLock { $0[ref] = id } }
    var count: Int { map.withLock { $0.count } }
    var all: [String: String] { map.withLock { $0 } }
}

func message(_ ref: String) -> [String: Any] {
    ["channel": "webform", "source_ref": ref, "village": "青山村", "category": "环境",
     "complainant": ["name": "测试群众", "phone": "13812345678"],
     "subject": "压力测试来信 \(ref)", "body": "村口垃圾堆积多日无人清运，气味难闻，请尽快处理。编号 \(ref)"]
}

@Suite("Crash durability", .serialized)
struct CrashDurabilityTests {
    @Test("after kill -9 under 64 concurrent clients, every acknowledged message is stored with its case id, and re-posting returns it")
    func killNineUnderLoad() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("minqing-crash-\(UUID().uuidString)")
        let hub = try await HubProcess(data: data)
        let acked = Acknowledged()
        let killAfter = 1_500

        // 64 clients post distinct messages until the hub dies; the test kills it once enough were acknowledged.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for client in 0..<64 {
                group.addTask {
                    var n = 0
                    while true {
                        let ref = "load-\(client)-\(n)"
                        n += 1
                        guard let (status, body) = try? await post("\(hub.base)/api/v1/messages", message(ref)) else { return }
                        guard status == 201 || status == 200, let id = body["case_id"] as? String else {
                            throw TestFailure("unexpected answer \(status) \(body)")
                        }
                        acked.record(ref, id)
                        if acked.count >= killAfter, client == 0 { hub.kill9() }
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(hub.process.terminationReason == .uncaughtSignal)
        let before = acked.all
        #expect(before.count >= killAfter)

        let restarted = try await HubProcess(data: data)
        defer { restarted.terminate() }
        let (_, list) = try await get("\(restarted.base)/api/v1/cases?limit=1")
        let total = list["total"] as? Int ?? 0
        #expect(total >= before.count, "stored \(total) < acknowledged \(before.count)")
        // Every acknowledged message: the case exists with the same id and source, and a re-post returns 200 with it.
        try await withThrowingTaskGroup(of: String?.self) { group in
            for (index, (ref, id)) in before.enumerated() {
                group.addTask {
                    let (getStatus, stored) = try await get("\(restarted.base)/api/v1/cases/\(id)")
                    guard getStatus == 200, stored["source_ref"] as? String == ref else { return "\(ref) → \(id) missing (\(getStatus))" }
                    guard index % 3 == 0 else { return nil }
                    let (status, body) = try await post("\(restarted.base)/api/v1/messages", message(ref))
                    return status == 200 && body["case_id"] as? String == id ? nil : "\(ref) re-post gave \(status) \(body)"
                }
                if index % 64 == 63 { for try await problem in group.prefix(32) { if let problem { Issue.record("\(problem)") } } }
            }
            for try await problem in group { if let problem { Issue.record("\(problem)") } }
        }
    }
}
