import Foundation
import Logging
import MinqingApp
import MinqingConfig
import MinqingCore
import MinqingCurl
import MinqingDispatch
import MinqingStore
import MinqingTesting

/// The example township's configuration with its targets pointed at loopback receivers, a fresh SQLite ledger
/// and a dispatcher over them — the same wiring `minqing serve` uses (`NotificationSetup`).
final class DispatchHarness: Sendable {
    static let exampleConfig = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Config/example")

    let config: HubConfig
    let store: SQLiteCaseStore
    let signal: ChangeSignal
    let setup: NotificationSetup
    let client: CurlClient
    let records = EventLog<DeliveryRecord>()
    let directory: URL

    /// `environment` supplies the targets' URLs and secrets (`MINQING_WEBHOOK_URL` …); `adjust` may change the
    /// loaded configuration (retry delays, rate limits) before the setup is built. With `routed`, new cases are
    /// filed by the township's routing rules (三定 suggestions, conflicts), as `minqing serve` files them.
    init(environment: [String: String], routed: Bool = false, adjust: (inout HubConfig) -> Void = { _ in }) throws {
        let env = environment.merging(["MINQING_API_TOKEN": "test-token-0123456789abcdef"]) { given, _ in given }
        var config = try ConfigLoader.load(from: Self.exampleConfig, environment: env)
        adjust(&config)
        self.config = config
        client = try CurlClient()
        setup = try NotificationSetup(config: config, client: client)
        signal = ChangeSignal()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("minqing-dispatch-\(UUID().uuidString)")
        store = try Self.openStore(config: config, setup: setup, signal: signal, directory: directory, routed: routed)
    }

    static func openStore(
        config: HubConfig, setup: NotificationSetup, signal: ChangeSignal, directory: URL, routed: Bool = false
    ) throws -> SQLiteCaseStore {
        try SQLiteCaseStore(
            path: directory.appendingPathComponent("minqing.sqlite").path,
            settings: LedgerSettings(
                caseIDPrefix: config.office.caseIDPrefix, timeZone: config.office.timeZone,
                factory: routed ? config.caseFactory : CaseFactory(vocabulary: config.vocabulary),
                planner: HubPlanners.planner(for: config), outboxSignal: signal))
    }

    func dispatcher(clock: any SleepingClock, random: @escaping @Sendable () -> Double = { 0.5 }) -> Dispatcher {
        let records = self.records
        return Dispatcher(
            store: store, targets: setup.targets, composer: setup.composer, clock: clock, signal: signal,
            logger: Logger(label: "test.dispatch"), random: random, observer: { records.append($0) })
    }

    /// Runs `body` while a dispatcher runs in the background; stops it afterwards.
    func withDispatcher<T: Sendable>(
        clock: any SleepingClock, random: @escaping @Sendable () -> Double = { 0.5 }, _ body: () async throws -> T
    ) async throws -> T {
        let dispatcher = self.dispatcher(clock: clock, random: random)
        let task = Task { try await dispatcher.run() }
        defer { task.cancel() }
        let result = try await body()
        task.cancel()
        _ = await task.result
        return result
    }

    func shutdown() async {
        await client.shutdown()
        try? FileManager.default.removeItem(at: directory)
    }

    /// A citizen's message as the web form would send it, with numbers in the text too.
    static func message(_ ref: String, village: String = "青山村", category: String = "环境") -> InboundMessage {
        InboundMessage(
            channel: .webform, sourceRef: ref, complainant: Complainant(name: "张秀英", phone: "13812345678", idNumber: "11010519491231002X"),
            village: village, category: category, subject: "垃圾清运（联系电话13812345678）",
            body: "村口垃圾堆积多日无人清运，气味难闻。我的身份证号11010519491231002X，电话 13812345678，请尽快处理。")
    }
}

extension HubConfig {
    /// Sets every target's retry delays (seconds).
    mutating func setRetry(_ delays: [TimeInterval]) {
        for i in targets.indices { targets[i].retryDelays = delays }
    }
}
