import Foundation
import MinqingCore
import MinqingTesting
import Synchronization
import Testing

/// Three `minqing serve` processes of the example township on one PostgreSQL database (each with its own `--data`
/// and port), as a county would run them behind a load balancer (docs/postgres.md).
@Suite("Three hubs on one PostgreSQL", .serialized, .timeLimit(.minutes(10)))
struct ScaleOutTests {
    /// The live instances' base URLs; a client takes the next one for each message, like a round-robin balancer.
    final class Balancer: Sendable {
        private let state = Mutex<(bases: [Int: String], next: Int)>(([:], 0))
        func set(_ slot: Int, _ base: String?) { state.withLock { $0.bases[slot] = base } }
        func next(after failed: String? = nil) -> String? {
            state.withLock { s in
                let live = s.bases.keys.sorted().compactMap { s.bases[$0] }.filter { $0 != failed }
                guard !live.isEmpty else { return nil }
                s.next += 1
                return live[s.next % live.count]
            }
        }
        var all: [String] { state.withLock { s in s.bases.keys.sorted().compactMap { s.bases[$0] } } }
    }

    /// What client 0 did to the instances, seen by every client.
    final class Progress: Sendable {
        let killed = Atomic<Bool>(false)
        let killedAt = Mutex<Date?>(nil)
        let restarted = Mutex<HubProcess?>(nil)
        let successor = Mutex<Int?>(nil)
        /// 5xx answers that are not the hub's 503 saying the message was not taken.
        let unexplained = Mutex<[String]>([])
    }

    @Test("under 64 clients one instance is killed with SIGKILL and restarted: nothing acknowledged is lost, no id is given twice, every case's webhook arrives, the shared robot stays within 20 a minute, the scheduler moves")
    func killOneOfThree() async throws {
        let server = try await PostgresServer.shared()
        let database = try await server.createDatabase()
        let robotTimes = Mutex<[Date]>([])
        let receiver = try await LoopbackHTTPReceiver.start { request in
            if request.uri.hasPrefix("/cgi-bin/webhook/send") { robotTimes.withLock { $0.append(Date()) } }
            return .json(#"{"errcode":0,"errmsg":"ok"}"#)
        }
        let environment = [
            "MINQING_DATABASE_URL": server.url(database: database),
            "MINQING_WEBHOOK_URL": receiver.url("/county"),
            "MINQING_WECOM_URL": receiver.url("/cgi-bin/webhook/send?key=scale-out"),
            "MINQING_DINGTALK_URL": receiver.url("/robot/send?access_token=scale-out"),
        ]
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("minqing-scale-\(UUID().uuidString)")
        func data(_ i: Int) -> URL { root.appendingPathComponent("hub-\(i)") }
        // The example township, with a market tomorrow whose evening-before alert falls due 100–160 s from now: after
        // the scheduler's instance is killed (at 300 acknowledgements), so a survivor must send it — once.
        let config = root.appendingPathComponent("config")
        let alertAt = try Self.marketAlert(config: config, after: 100)
        // The first instance alone takes the scheduler at once; it is the one killed.
        let logs = (0..<3).map { _ in HubLog() }
        let restartedLog = HubLog()
        var started: [HubProcess] = [try await HubProcess(data: data(0), config: config, environment: environment, log: logs[0])]
        await logs[0].wait(Self.tookScheduler)
        for i in 1..<3 { started.append(try await HubProcess(data: data(i), config: config, environment: environment, log: logs[i])) }
        let hubs = started
        let balancer = Balancer()
        for (i, hub) in hubs.enumerated() { balancer.set(i, hub.base) }
        defer { for hub in hubs { hub.terminate() } }
        let leaderIndex = 0
        // A standby's /readyz (from this machine, so with details) names the shared store and leads nothing.
        let (standbyStatus, standby) = try await get("\(hubs[1].base)/readyz")
        #expect(standbyStatus == 200 && (standby["store"] as? String)?.hasPrefix("PostgreSQL") == true)
        #expect(standby["leader"] as? String == "", "the standby runs no scheduler, poller or follower")
        let acked = Acknowledged()
        let total = 900, killAt = 300, restartAt = 600
        let progress = Progress()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for client in 0..<64 {
                group.addTask {
                    var n = 0
                    while acked.count < total {
                        let ref = "scale-\(client)-\(n)"
                        n += 1
                        // A message whose instance died is posted again elsewhere: it must get the same case.
                        var base = balancer.next()
                        var tries = 0
                        while let target = base {
                            tries += 1
                            // A 5xx is no acknowledgement: like a balancer, post the same message elsewhere.
                            if let (status, body) = try? await post("\(target)/api/v1/messages", message(ref)) {
                                if status < 500 {
                                    guard status == 201 || status == 200, let id = body["case_id"] as? String else {
                                        throw TestFailure("unexpected answer \(status) \(body)")
                                    }
                                    acked.record(ref, id)
                                    break
                                }
                                // Any 5xx must be the hub's own answer (FailureMiddleware), saying the message was not taken.
                                if status != 503 || !((body["detail"] as? String)?.contains("未被接收") ?? false) {
                                    progress.unexplained.withLock { $0.append("\(status) \(body)") }
                                }
                            }
                            guard tries < 20 else { throw TestFailure("\(ref): no instance answered") }
                            base = balancer.next(after: target)
                        }
                        if client == 0, acked.count >= killAt, !progress.killed.load(ordering: .acquiring) {
                            progress.killed.store(true, ordering: .releasing)
                            balancer.set(leaderIndex, nil)
                            hubs[leaderIndex].kill9()
                            progress.killedAt.withLock { $0 = Date() }
                        }
                        if client == 0, acked.count >= restartAt, progress.killed.load(ordering: .acquiring),
                           progress.restarted.withLock({ $0 == nil }) {
                            // Restarted once a survivor has taken the scheduler (a standby asks every 5 s), so the
                            // restarted instance must stand by.
                            let successor = await Self.firstToTakeScheduler(logs[1], logs[2])
                            progress.successor.withLock { $0 = successor }
                            let again = try await HubProcess(data: data(leaderIndex), config: config, environment: environment, log: restartedLog)
                            progress.restarted.withLock { $0 = again }
                            balancer.set(leaderIndex, again.base)
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let back = try #require(progress.restarted.withLock { $0 })
        defer { back.terminate() }
        #expect(hubs[leaderIndex].process.terminationReason == .uncaughtSignal)

        let answered = acked.all
        #expect(answered.count >= total)
        #expect(Set(answered.values).count == answered.count, "no case id given to two messages")
        #expect(progress.successor.withLock { $0 } != nil, "a survivor took the scheduler")
        let (restartedStatus, restartedReady) = try await get("\(back.base)/readyz")
        #expect(restartedStatus == 200 && restartedReady["leader"] as? String == "", "the restarted instance stands by while another leads")

        // Every acknowledged message reads back from every instance with its id; a sample re-posted elsewhere answers it.
        for (index, (ref, id)) in answered.sorted(by: { $0.key < $1.key }).enumerated() where index % 7 == 0 {
            for base in balancer.all {
                let (status, stored) = try await get("\(base)/api/v1/cases/\(id)")
                #expect(status == 200 && stored["source_ref"] as? String == ref, "\(ref) → \(id) on \(base)")
            }
            let (status, body) = try await post("\(balancer.all[index % 3])/api/v1/messages", message(ref))
            #expect(status == 200 && body["case_id"] as? String == id, "re-post of \(ref)")
        }
        let (listed, list) = try await get("\(balancer.all[0])/api/v1/cases?limit=1")
        #expect(listed == 200 && list["total"] as? Int == answered.count, "the ledger holds exactly the acknowledged cases")

        // Every case's webhook arrives (the killed instance's claimed rows come back after its restart).
        let ids = Set(answered.values)
        await receiver.waitUntil { snapshot in
            let seen = Set(snapshot.requests.filter { $0.uri == "/county" }.compactMap { Self.caseID(in: $0.bodyText) })
            return ids.isSubset(of: seen)
        }
        let times = robotTimes.withLock { $0 }.sorted()
        #expect(!times.isEmpty)
        // The robot counts arrivals; slots are kept a period plus a margin apart, and a late send is planned again
        // (RateLimit.lateSendTolerance), so no minute of arrivals holds more than 20.
        for (i, start) in times.enumerated() {
            let inMinute = times[i...].prefix { $0 < start.addingTimeInterval(60) }.count
            #expect(inMinute <= 20, "\(inMinute) robot messages in the minute from \(start)")
        }
        #expect(progress.unexplained.withLock { $0 }.isEmpty, "every 5xx is a 503 saying the message was not taken")
        // What made an instance refuse a request, for whoever reads the test's output.
        for line in logs.flatMap({ $0.all }).filter({ $0.contains("answered 503") || $0.contains("intake commit failed") }).prefix(5) {
            print("hub refused a request: \(line)")
        }

        // The market alert fell due after the kill: a survivor sent it, and no instance (the restarted one included)
        // sent it again. Each instance has run scheduler passes since: the restarted one stands by, the leader's
        // next pass finds the job's key stored.
        let marketAlerts: @Sendable (LoopbackHTTPReceiver.Snapshot) -> [String] = { snapshot in
            snapshot.requests.filter { $0.uri.hasPrefix("/robot/send") && $0.bodyText.contains("赶集日接访") }.map(\.bodyText)
        }
        await receiver.waitUntil { !marketAlerts($0).isEmpty }
        #expect(Date() >= alertAt, "not before its time")
        let sent = marketAlerts(receiver.snapshot)
        #expect(sent.count == 1, "the market alert went out once: \(sent)")
        #expect(sent.first?.contains("青山集") == true)
        let writers = (logs + [restartedLog]).filter { log in log.all.contains { $0.contains("scheduled notifications written") && $0.contains("market:qingshan-market:") } }
        #expect(writers.count == 1, "one instance wrote the alert's job")
        if let killedAt = progress.killedAt.withLock({ $0 }), killedAt < alertAt {
            #expect(!logs[leaderIndex].all.contains { $0.contains("market:qingshan-market:") }, "not the killed one: it fell due after the kill")
        }
        await receiver.stop()
        try? FileManager.default.removeItem(at: root)
    }

    /// A copy of the example configuration at `config` in which 青山集 is tomorrow (Shanghai) and its evening-before
    /// alert is due at the first whole minute at least `seconds` from now; 柳塘集 is on no day near. Returns when the
    /// alert is due.
    static func marketAlert(config: URL, after seconds: TimeInterval) throws -> Date {
        // The example's calendars are a sibling directory (`calendars: ../calendars`).
        try FileManager.default.createDirectory(at: config.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: repoRoot.appendingPathComponent("Config/example"), to: config)
        try FileManager.default.copyItem(at: repoRoot.appendingPathComponent("Config/calendars"),
                                         to: config.deletingLastPathComponent().appendingPathComponent("calendars"))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = HubTime.shanghai
        let soon = Date().addingTimeInterval(seconds)
        let due = calendar.date(byAdding: .minute, value: 1, to: calendar.dateInterval(of: .minute, for: soon)!.start)!
        let market = calendar.date(byAdding: .day, value: 1, to: due)!
        let day = calendar.component(.day, from: market)
        let far = (day + 9) % 28 + 1  // ten days away, on no day of the planner's window
        let time = String(format: "%02d:%02d", calendar.component(.hour, from: due), calendar.component(.minute, from: due))
        try edit(config.appendingPathComponent("directory.yaml"), ["rule: 农历逢三、六、九": "rule: 公历每月\(day)日",
                                                                   "rule: 农历逢一、四、七": "rule: 公历每月\(far)日"])
        try edit(config.appendingPathComponent("schedules.yaml"), [#"market_evening: "18:00""#: "market_evening: \"\(time)\""])
        return due
    }

    static func edit(_ file: URL, _ replacements: [String: String]) throws {
        var text = try String(contentsOf: file, encoding: .utf8)
        for (old, new) in replacements {
            guard text.contains(old) else { throw TestFailure("\(file.lastPathComponent) no longer holds \(old)") }
            text = text.replacingOccurrences(of: old, with: new)
        }
        try text.write(to: file, atomically: true, encoding: .utf8)
    }


    /// The log line of an instance taking the scheduler.
    static let tookScheduler: @Sendable (String) -> Bool = { $0.contains("took leadership") && $0.contains("leader.name=scheduler") }

    /// Which of two instances' logs first says it took the scheduler (1 or 2).
    static func firstToTakeScheduler(_ first: HubLog, _ second: HubLog) async -> Int? {
        await withTaskGroup(of: Int?.self) { group in
            for (i, log) in [(1, first), (2, second)] { group.addTask { await log.wait(Self.tookScheduler).isEmpty ? nil : i } }
            defer { group.cancelAll() }
            return await group.next() ?? nil
        }
    }

    static func caseID(in text: String) -> String? {
        text.range(of: #"[A-Z]+-\d{8}-\d{4,}"#, options: .regularExpression).map { String(text[$0]) }
    }
}
