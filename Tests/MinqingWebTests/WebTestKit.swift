import Foundation
import HotlineAdapter
import Hummingbird
import HummingbirdTesting
import MinqingApp
import MinqingConfig
import MinqingCore
import MinqingHTTP
import MinqingStore
import MinqingTesting
import MinqingWeb
import Prometheus
import WebFormAdapter

let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
/// The test kit's own credential: every scope, so tests of other behaviour are not about access.
let token = "test-token-0123456789abcdef"
let auth: HTTPFields = [.authorization: "Bearer \(token)", .contentType: "application/json"]

/// The example configuration's integration tokens (Config/example/minqing.yaml), as a deployment sets them.
enum ExampleTokens {
    /// `MINQING_API_TOKEN`: the demo's intake-and-read token.
    static let demo = "example-demo-token-0123456789"
    /// `MINQING_OFFICE_TOKEN`: read, read_pii, transition.
    static let office = "example-office-token-0123456789"
    static let hotline = "example-hotline-token-0123456789"
    static let countyAck = "example-county-ack-token-0123456789"
    static let metrics = "example-metrics-token-0123456789"
    static let environment = [
        "MINQING_API_TOKEN": demo, "MINQING_OFFICE_TOKEN": office, "MINQING_HOTLINE_TOKEN": hotline,
        "MINQING_COUNTY_ACK_TOKEN": countyAck, "MINQING_METRICS_TOKEN": metrics,
    ]

    static func headers(_ token: String) -> HTTPFields {
        [.authorization: "Bearer \(token)", .contentType: "application/json"]
    }
}

/// A hub on a temporary SQLite file with the example township's configuration and a manual clock.
struct TestHub {
    let deps: WebDependencies
    let store: SQLiteCaseStore
    let clock: ManualClock
    let routes: RouteTableView

    init(maxBodyBytes: Int? = nil, planner: (any NotificationPlanner)? = nil, environment: [String: String] = [:],
         path: String? = nil) throws {
        var config = try ConfigLoader.load(from: repoRoot.appendingPathComponent("Config/example"),
                                           environment: environment.merging(ExampleTokens.environment) { given, _ in given })
        config.api.tokens.append(APIToken(name: "测试工具", token: Secret(token), scopes: Set(APIScope.allCases), identity: "测试工具"))
        // The public form's tests stand behind a proxy on this machine (X-Forwarded-For believed from loopback).
        config.server.trustedProxies = IPAddressRange.loopback
        if let maxBodyBytes {
            config.server.maxBodyBytes = maxBodyBytes
            config.server.bodyLimits.intake = maxBodyBytes
            config.server.bodyLimits.letters = maxBodyBytes
        }
        clock = ManualClock(Date(iso: "2026-11-22T09:30:00+08:00"))
        let path = path ?? FileManager.default.temporaryDirectory.appendingPathComponent("minqing-web-\(UUID().uuidString)/ledger.sqlite").path
        self.path = path
        var ledgerSettings = LedgerSettings(
            factory: config.caseFactory, planner: planner ?? ClosurePlanner { _ in [] }, policy: config.casePolicy)
        ledgerSettings.warnings = config.warnings
        store = try SQLiteCaseStore(path: path, settings: ledgerSettings)
        let registry = PrometheusCollectorRegistry()
        let intake = IntakeService(store: store, clock: clock, metrics: PrometheusMetricsFactory(registry: registry))
        let (ledger, manual, zone) = (store, clock, config.office.timeZone)
        let hotline = config.hotline.map {
            HotlineIntake(settings: $0, intake: intake, store: ledger, clock: manual, timeZone: zone)
        }
        let dir = URL(fileURLWithPath: path).deletingLastPathComponent()
        users = StaffUsers(store: store, directory: config.directory, clock: clock, cost: 4)
        var form = WebFormSettings(tokenKey: Data("test-form-key-0123456789abcdef".utf8), trustedProxies: config.trustedProxies)
        form.spool = try FormSpool(directory: dir.appendingPathComponent("uploads"))
        webForm = form
        deps = WebDependencies(
            config: config, store: store, intake: intake, clock: clock, registry: registry,
            routes: InboundRoutes.registrations(config: config, intake: intake, store: store, clock: clock, webForm: form, hotline: hotline),
            spool: form.spool, users: users)
        routes = RouteTableView(table: try HubRouter.build(deps))
    }

    let users: StaffUsers
    let webForm: WebFormSettings
    /// The SQLite file; a second `TestHub(path:)` on it is the same hub after a restart.
    let path: String

    func test(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let app = Application(router: try HubRouter.build(deps).router)
        try await app.test(.router, body)
    }

    /// Runs `body` against the router served on a loopback port (for tests that speak raw HTTP).
    func live(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let app = Application(router: try HubRouter.build(deps).router)
        try await app.test(.live, body)
    }

    /// Compares the cases intake queued (what the hub's `RepeatDetector` service does after each intake).
    func detectRepeats() async throws {
        while try await store.detectPendingRepeats(limit: 16, at: clock.now()) > 0 {}
    }

    /// Files left in the form's upload spool.
    var spooledFiles: [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: webForm.spool?.directory.path ?? "")) ?? []
    }
}

/// The recorded routes (RouteTable is not Sendable; its entries are).
struct RouteTableView: Sendable {
    let entries: [String]
    /// What each route requires of an API caller (`GET /api/v1/cases` → `read`); public routes are absent.
    let access: [String: RouteGuard]
    init(table: RouteTable<HubRequestContext>) {
        entries = table.entries.map(\.description)
        access = Dictionary(table.entries.compactMap { e in e.access.map { (e.description, $0) } }) { a, _ in a }
    }
}

func json(_ object: Any) -> ByteBuffer {
    ByteBuffer(bytes: try! JSONSerialization.data(withJSONObject: object))
}

func decode(_ response: TestResponse) throws -> [String: Any] {
    try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any] ?? [:]
}

var sampleMessage: [String: Any] {
    [
    "channel": "webform", "source_ref": "F-20261122-001", "received_at": "2026-11-22T08:15:00+08:00",
    "complainant": ["name": "张秀英", "phone": "13812345678", "id_number": "11010519491231002X"],
    "village": "青山村", "category": "土地", "subject": "宅基地边界纠纷",
    "body": "我家与邻居因宅基地边界发生争执，邻居在我家地基上砌墙，请镇里派人核实处理。",
    ]
}
