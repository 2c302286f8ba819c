import Foundation
import MinqingCore
import MinqingDispatch
import MinqingStore
import MinqingTesting
import Synchronization
import Testing

/// Many notifications against a receiver that fails often: every one arrives, none is applied twice.
@Suite("Delivery under failure", .timeLimit(.minutes(5)))
struct ReliabilityTests {
    /// A webhook receiver that answers 503 to a seeded 30 % of requests and records which ids it applied.
    final class FlakyReceiver: Sendable {
        struct State {
            var generator = SplitMix(seed: 0x4D51_2026)
            var applied: Set<String> = []
            var duplicates = 0
            var failures = 0
        }

        let state = Mutex(State())

        func answer(_ request: LoopbackHTTPReceiver.RecordedRequest) -> LoopbackHTTPReceiver.Answer {
            state.withLock { s in
                if Double(s.generator.next() % 1000) / 1000 < 0.3 {
                    s.failures += 1
                    return .json(#"{"error":"busy"}"#, status: 503)
                }
                let id = request.header("webhook-id") ?? ""
                if !s.applied.insert(id).inserted { s.duplicates += 1 }
                return .json(#"{"ok":true}"#)
            }
        }
    }

    @Test("1,000 cases against a receiver failing 30 % of attempts: every notification arrives exactly once in effect")
    func thousandCases() async throws {
        let flaky = FlakyReceiver()
        let receiver = try await GroupReceiver.start(staffPhones: []) { flaky.answer($0) }
        let harness = try DispatchHarness(environment: ["MINQING_WEBHOOK_URL": receiver.url("/webhook")]) { config in
            config.setRetry(Array(repeating: 0.02, count: 15))
        }
        let intake = IntakeService(store: harness.store)
        let count = 1000
        try await harness.withDispatcher(clock: SystemClock(), random: { Double.random(in: 0..<1) }) {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<64 {
                    group.addTask {
                        for i in stride(from: worker, to: count, by: 64) {
                            _ = try await intake.submit(DispatchHarness.message("flaky-\(i)"))
                        }
                    }
                }
                try await group.waitForAll()
            }
            await harness.records.wait { $0.filter { $0.state == .delivered }.count == count }
        }
        let outcome = flaky.state.withLock { $0 }
        #expect(outcome.applied.count == count)
        #expect(outcome.duplicates == 0)
        #expect(outcome.failures > 250, "the receiver really failed often (\(outcome.failures) failures)")
        let delivered = try await harness.store.outboxEntries(state: .delivered, limit: 2000)
        #expect(delivered.count == count)
        #expect(try await harness.store.outboxEntries(state: .dead, limit: 10).isEmpty)
        #expect(Set(delivered.map { "msg_\($0.id)" }) == outcome.applied)
        await receiver.stop()
        await harness.shutdown()
    }
}

/// A small seeded generator so a failure pattern repeats run after run.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
