import Foundation
import HotlineAdapter
import MinqingConfig
import MinqingCore
import MinqingRouting
import MinqingStore
import MinqingTesting

let repoRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// The example township's configuration (hotline section included).
let exampleConfig: HubConfig = try! ConfigLoader.load(
    from: repoRoot.appendingPathComponent("Config/example"), environment: ["MINQING_API_TOKEN": "test-token-0123456789abcdef"])

/// A scratch folder; in memory (/dev/shm) when the machine has it, so the many small commits of the big fixtures stay fast.
func scratchFolder(_ name: String) -> URL {
    let base = FileManager.default.fileExists(atPath: "/dev/shm") ? URL(fileURLWithPath: "/dev/shm") : FileManager.default.temporaryDirectory
    let url = base.appendingPathComponent("minqing-\(name)-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// A hotline on a fresh SQLite ledger with a manual clock and the example duty list.
struct HotlineKit {
    let store: SQLiteCaseStore
    let clock: ManualClock
    let hotline: HotlineIntake
    let folder: URL

    init(now: Date = Date(iso: "2026-11-16T08:00:00+08:00"), planner: any NotificationPlanner = ClosurePlanner { _ in [] }) throws {
        folder = scratchFolder("hotline")
        clock = ManualClock(now)
        store = try SQLiteCaseStore(
            path: folder.appendingPathComponent("ledger.sqlite").path,
            settings: LedgerSettings(factory: CaseFactory(vocabulary: exampleConfig.vocabulary), planner: planner))
        let intake = IntakeService(store: store, clock: clock)
        hotline = HotlineIntake(settings: exampleConfig.hotline!, intake: intake, store: store, clock: clock)
    }

    func call(_ id: String, from phone: String = "13812345678", at time: String, _ result: CallResult,
              notes: String? = nil, direction: CallDirection = .inbound) -> CallRecord {
        CallRecord(callID: id, caller: direction == .inbound ? phone : "88886666", callee: direction == .inbound ? "88886666" : phone,
                   direction: direction, ringAt: Date(iso: time), result: result, notes: notes)
    }

    func take(_ calls: CallRecord...) async throws -> [CallOutcome] { try await hotline.takeCalls(calls) }

    func allCases() async throws -> [CaseRecord] {
        var q = CaseQuery()
        q.limit = CaseQuery.maxLimit
        var items: [CaseRecord] = []
        while true {
            q.offset = items.count
            let page = try await store.searchCases(q)
            items += page.items
            if items.count >= page.total || page.items.isEmpty { return items }
        }
    }
}
