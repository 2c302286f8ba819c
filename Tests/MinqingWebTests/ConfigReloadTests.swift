import Foundation
import Hummingbird
import HummingbirdTesting
import MinqingApp
import MinqingConfig
import MinqingTesting
import MinqingWeb
import MinqingCore
import MinqingDispatch
import Prometheus
import Synchronization
import Testing

/// The hub `serve` runs (`HubAssembly.build`) on a copy of the example configuration that the tests edit and reload.
struct ReloadableHub {
    let hub: Hub
    let config: URL
    let registry: PrometheusCollectorRegistry
    let clock: ManualClock
    /// Every delivery attempt the hub's dispatcher recorded, and every change of its lanes.
    let deliveries = EventLog<DeliveryRecord>()
    let lanes = EventLog<LaneChange>()

    struct LaneChange: Sendable {
        var active: Set<String>
        var retiring: Set<String>
    }

    /// `environment` adds to the example's tokens (targets' addresses); `edits` (file, old, new) change the copied
    /// configuration before the hub starts.
    init(environment extra: [String: String] = [:], edits: [(String, String, String)] = []) async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("minqing-reload-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: repoRoot.appendingPathComponent("Config"), to: root.appendingPathComponent("Config"))
        config = root.appendingPathComponent("Config/example")
        for (name, old, new) in edits { try Self.edit(config.appendingPathComponent(name), old, new) }
        let tokens = ExampleTokens.environment.merging(extra) { _, given in given }
        var loaded = try ConfigLoader.load(from: config, environment: tokens)
        // No IMAP server in these tests: the example's demo mailbox would only report itself unreachable.
        loaded.mailbox.accounts = []
        registry = PrometheusCollectorRegistry()
        clock = ManualClock(Date(iso: "2026-11-22T09:30:00+08:00"))
        var environment = HubEnvironment(
            dataDirectory: root.appendingPathComponent("data"), clock: clock, registry: registry, passwordCost: 4, configDirectory: config)
        environment.configEnvironment = tokens
        environment.schedulerSettle = 0  // the manual clock stands still: the scheduler looks at each change at once
        let deliveries = self.deliveries, lanes = self.lanes
        environment.onDelivery = { deliveries.append($0) }
        environment.onLanes = { lanes.append(LaneChange(active: $0, retiring: $1)) }
        hub = try await HubAssembly.build(config: loaded, environment: environment)
        try await hub.web.users!.add(id: "wang-li", password: testPassword, roles: [], by: "test", mustChange: false)
        try await hub.web.users!.add(id: "admin", password: testPassword, roles: [.admin], by: "test", mustChange: false)
    }

    /// Replaces `old` by `new` in the configuration file `name` (each must occur).
    func edit(_ name: String, _ old: String, _ new: String) throws {
        try Self.edit(config.appendingPathComponent(name), old, new)
    }

    static func edit(_ url: URL, _ old: String, _ new: String) throws {
        let text = try String(contentsOf: url, encoding: .utf8)
        #expect(text.contains(old), "\(url.lastPathComponent) holds \(old)")
        try text.replacingOccurrences(of: old, with: new).write(to: url, atomically: true, encoding: .utf8)
    }

    /// Runs `body` while the hub's own dispatcher (the one its reloader reconfigures) runs; stops it afterwards.
    func withDispatcher(_ body: () async throws -> Void) async throws {
        let dispatcher = try #require(hub.services.first { $0 is Dispatcher })
        let task = Task { try await dispatcher.run() }
        await lanes.wait(forCount: 1)
        do { try await body() } catch {
            task.cancel()
            throw error
        }
        task.cancel()
        _ = await task.result
    }

    /// Reloads and expects the new configuration to be taken.
    func reload() async {
        let status = await hub.reloader.reload(by: "test")
        #expect(status.failure == nil, "\(status.failure?.errors ?? [])")
    }

    /// A citizen's web-form message; each `ref` gets a text of its own (no early warning groups them).
    static func message(_ ref: String, village: String = "青山村", category: String = "劳资") -> InboundMessage {
        InboundMessage(
            channel: .webform, sourceRef: ref, complainant: Complainant(name: "张秀英", phone: "13812345678"),
            village: village, category: category, subject: "反映问题 \(ref)",
            body: "编号 \(ref) 的诉求：\(String(repeating: ref, count: 3)) \(UUID().uuidString)")
    }

    func test(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await Application(responder: hub.reloader.responder).test(.router, body)
    }

    var metrics: String {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}

func occurrences(_ needle: String, in text: String) -> Int { text.components(separatedBy: needle).count - 1 }

@Suite("Configuration reload without restart", .serialized)
struct ConfigReloadTests {
    @Test("a reloaded schedules.yaml (reception rule and market duty) changes the reception page while a logged-in clerk stays logged in")
    func schedulesReloadKeepsSessions() async throws {
        let h = try await ReloadableHub()
        let hash = h.hub.reloader.holder.status.hash
        try await h.test { client in
            let clerk = try await consoleLogin(client, "wang-li")
            let before = String(buffer: try await client.execute(uri: "/reception", method: .get).body)
            try h.edit("schedules.yaml", """
                  - market: liutang-market
                    leaders: [zhao-hongmei, liu-jianguo]
                """, """
                  - market: liutang-market
                    leaders: [huang-lihua]
                """)
            try h.edit("schedules.yaml", """
                  - leader: liu-jianguo
                    rule: 每周一
                    time: "09:00-12:00"
                """, """
                  - leader: liu-jianguo
                    rule: 每周五
                    time: "08:00-11:30"
                """)
            let status = await h.hub.reloader.reload(by: "test")
            #expect(status.failure == nil, "\(status.failure?.errors ?? [])")
            #expect(status.hash != hash)
            let after = String(buffer: try await client.execute(uri: "/reception", method: .get).body)
            #expect(!before.contains("08:00–11:30") && after.contains("08:00–11:30"), "the new reception time is shown")
            #expect(occurrences("黄丽华", in: after) >= occurrences("黄丽华", in: before) + 4, "黄丽华 is on duty at every 柳塘 market day")
            let ledger = try await client.execute(uri: "/console", method: .get, headers: [.cookie: clerk])
            #expect(ledger.status == .ok, "the clerk is still logged in")
        }
        #expect(h.hub.reloader.holder.config.schedules?.schedules.marketDuties.first { $0.market == "liutang-market" }?.leaders == ["huang-lihua"])
        #expect(h.metrics.contains("minqing_config_last_reload_successful 1"))
        await h.hub.shutdown()
    }

    @Test("a reloaded hotline duty list gives the next missed call's call-back to the new duty staff; the one before keeps its own")
    func hotlineDutyFollowsReload() async throws {
        let h = try await ReloadableHub()
        try await h.test { client in
            func missed(_ id: String, _ caller: String) async throws -> CaseRecord {
                let body = #"{"call_id": "\#(id)", "caller": "\#(caller)", "result": "missed", "ring_time": "2026-11-22T09:25:00+08:00"}"#
                let r = try await client.execute(
                    uri: "/api/v1/hotline/calls", method: .post, headers: ExampleTokens.headers(ExampleTokens.hotline), body: ByteBuffer(string: body))
                #expect(r.status == .ok, "\(String(buffer: r.body))")
                let json = try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [String: Any]
                let text = json?["case_id"] as? String ?? ""
                let id = try #require(CaseID(text), "case_id in \(String(buffer: r.body))")
                let record = try await h.hub.store.fetchCase(id)
                return try #require(record)
            }
            let before = try await missed("reload-1", "13812345001")
            #expect(before.leader == "huang-lihua")
            try h.edit("minqing.yaml", """
                    leader: huang-lihua         # 黄丽华（分管信访）
                    staff: [wang-li, zhou-min, chen-zhiqiang]
                """, """
                    leader: liu-jianguo
                    staff: [zhou-min]
                """)
            await h.reload()
            let after = try await missed("reload-2", "13812345002")
            #expect(after.leader == "liu-jianguo" && after.staff == "zhou-min", "the new duty list: \(after.leader ?? "-") \(after.staff ?? "-")")
            let stored = try await h.hub.store.fetchCase(before.id)
            let kept = try #require(stored)
            #expect(kept.leader == "huang-lihua" && kept.staff == before.staff, "the earlier call-back keeps its assignment")
        }
        await h.hub.shutdown()
    }

    @Test("a broken routing.yaml is refused on reload: the old rules stay, and each error names file and line in the status, the metrics and the admin's banner")
    func brokenRoutingKeepsOldRules() async throws {
        let h = try await ReloadableHub()
        let running = h.hub.reloader.holder.status
        let routes = h.hub.reloader.holder.config.routing?.tree.routes.count
        try h.edit("routing.yaml", "routes:\n", "routes:\n  - name: 坏规则\n    mach: {category: land}\n")
        let status = await h.hub.reloader.reload(by: "test")
        let failure = try #require(status.failure, "the reload is refused")
        #expect(failure.errors.contains { $0.range(of: #"routing\.yaml:\d+:\d+"#, options: .regularExpression) != nil }, "\(failure.errors)")
        #expect(status.hash == running.hash && status.loadedAt == running.loadedAt, "the running configuration stays")
        #expect(h.hub.reloader.holder.config.routing?.tree.routes.count == routes)
        #expect(h.metrics.contains("minqing_config_last_reload_successful 0"))
        let written = try Data(contentsOf: h.hub.environment.dataDirectory.appendingPathComponent(HubReloader.statusFileName))
        #expect(String(decoding: written, as: UTF8.self).contains("routing.yaml"))
        try await h.test { client in
            let admin = try await consoleLogin(client, "admin")
            let page = String(buffer: try await client.execute(uri: "/console", method: .get, headers: [.cookie: admin]).body)
            #expect(page.contains("配置重新加载失败") && page.contains("routing.yaml:"), "the admin's banner says why")
            let clerk = try await consoleLogin(client, "wang-li")
            let clerkPage = String(buffer: try await client.execute(uri: "/console", method: .get, headers: [.cookie: clerk]).body)
            #expect(!clerkPage.contains("配置重新加载失败"))
            // Fixed and reloaded with the console's button: the banner goes.
            try h.edit("routing.yaml", "  - name: 坏规则\n    mach: {category: land}\n", "")
            let token = firstMatch(#"name="_csrf" value="([^"]+)""#, in: page) ?? ""
            var headers = formHeaders
            headers[.cookie] = admin
            let reloaded = try await client.execute(uri: "/console/admin/reload", method: .post, headers: headers, body: urlEncoded([("_csrf", token)]))
            #expect(reloaded.status == .ok && String(buffer: reloaded.body).contains("已重新加载配置"))
            let clean = String(buffer: try await client.execute(uri: "/console", method: .get, headers: [.cookie: admin]).body)
            #expect(!clean.contains("配置重新加载失败"))
            var clerkHeaders = formHeaders
            clerkHeaders[.cookie] = clerk
            let refused = try await client.execute(uri: "/console/admin/reload", method: .post, headers: clerkHeaders,
                                                   body: urlEncoded([("_csrf", firstMatch(#"name="_csrf" value="([^"]+)""#, in: clerkPage) ?? "")]))
            #expect(refused.status == .forbidden, "only an admin reloads")
        }
        await h.hub.shutdown()
    }

    @Test("a reload re-plans the scheduler from the new schedules: the old one stops, the new one starts, and no job written before fires again")
    func schedulerReplansWithoutRepeats() async throws {
        let h = try await ReloadableHub()
        let holder = h.hub.reloader.holder
        // A morning when the example's market-day alerts are due.
        let planner = try #require(SchedulerSetup.planner(for: holder.config))
        let start = Date(iso: "2026-11-22T07:05:00+08:00")
        let morning = try #require((0..<10).map { start.addingTimeInterval(Double($0) * 86_400) }
            .first { !planner.due(at: $0, cases: []).isEmpty })
        let clock = ManualClock(morning)
        let made = Mutex<[String]>([]), fired = Mutex<[String]>([])
        let (idles, idle) = AsyncStream.makeStream(of: Int.self)
        let scheduler = ReloadableScheduler(holder: holder) { config in
            let generation = made.withLock { $0.append(holder.status.hash); return $0.count }
            return SchedulerSetup.scheduler(
                for: config, store: h.hub.store, clock: clock, signal: ChangeSignal(),
                observer: { jobs in fired.withLock { $0 += jobs.map(\.key) } }, onIdle: { _ in idle.yield(generation) })
        }
        let running = Task { try await scheduler.run() }
        var passes = idles.makeAsyncIterator()
        #expect(await passes.next() == 1)
        let firstPass = fired.withLock { $0 }
        #expect(!firstPass.isEmpty, "the market-day alerts fired once")
        try h.edit("schedules.yaml", "rule: 每周一", "rule: 每周五")
        let status = await h.hub.reloader.reload(by: "test")
        #expect(status.failure == nil)
        scheduler.restart()
        #expect(await passes.next() == 2, "a new scheduler ran a pass")
        #expect(made.withLock { $0 } .last == status.hash, "planned from the reloaded configuration")
        #expect(fired.withLock { $0 } == firstPass, "nothing fired twice")
        running.cancel()
        _ = try? await running.value
        await h.hub.shutdown()
    }
}
