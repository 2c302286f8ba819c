import Foundation
import MinqingApp
import MinqingConfig
import MinqingCore
import MinqingTesting
import Synchronization
import Testing

/// The hub `minqing serve` runs, built in-process by the one composition root (`HubAssembly.build`): one message
/// walks from HTTP through the ledger and the dispatcher to the configured webhook and robot.
@Suite("The assembled hub", .serialized, .timeLimit(.minutes(5)))
struct HubAssemblyTests {
    static let token = "assembly-token-0123456789abcdef"

    /// The example township with its webhook and WeCom robot pointed at `receiver`, and no mailbox (no IMAP server
    /// here: the example's demo mailbox would only report itself unreachable).
    static func exampleConfig(_ receiver: LoopbackHTTPReceiver, _ more: [String: String] = [:]) throws -> HubConfig {
        var config = try ConfigLoader.load(from: repoRoot.appendingPathComponent("Config/example"), environment: [
            "MINQING_API_TOKEN": token,
            "MINQING_WEBHOOK_URL": receiver.url("/county"),
            "MINQING_WECOM_URL": receiver.url("/cgi-bin/webhook/send?key=test-key"),
        ].merging(more) { $1 })
        config.mailbox.accounts = []
        return config
    }

    @Test("the hub serve runs takes a message over HTTP and delivers its notifications to the example's webhook and WeCom robot")
    func messageReachesTargets() async throws {
        let receiver = try await LoopbackHTTPReceiver.start { _ in .json(#"{"errcode":0,"errmsg":"ok"}"#) }
        let config = try Self.exampleConfig(receiver)
        let data = try Peers.temporaryDirectory("assembly")
        let hub = try await HubAssembly.build(config: config, environment: HubEnvironment(dataDirectory: data, passwordCost: 4))
        #expect(hub.notifications.targets.map(\.target.name).sorted().contains("county-webhook"))

        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let running = Task { try await hub.run(host: "127.0.0.1", port: 0) { continuation.yield($0) } }
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next())

        let (status, body) = try await post(
            "http://127.0.0.1:\(port)/api/v1/messages", message("assembly-1"), token: Self.token)
        #expect(status == 201)
        let caseID = try #require(body["case_id"] as? String)

        await receiver.waitUntil { snapshot in
            snapshot.requests.contains { $0.uri == "/county" }
                && snapshot.requests.contains { $0.uri.hasPrefix("/cgi-bin/webhook/send") && $0.bodyText.contains(caseID) }
        }
        let requests = receiver.snapshot.requests
        let webhook = try #require(requests.first { $0.uri == "/county" })
        #expect(webhook.bodyText.contains(caseID))
        #expect(webhook.header("webhook-id") != nil)
        let robot = try #require(requests.first { $0.uri.hasPrefix("/cgi-bin/webhook/send") && $0.bodyText.contains(caseID) })
        #expect(robot.bodyText.contains("\"msgtype\":\"markdown\""))
        #expect(try await hub.store.fetchCase(#require(CaseID(caseID)))?.status.rawValue == "received")

        running.cancel()
        _ = try? await running.value
        await receiver.stop()
    }

    @Test("an unreachable PostgreSQL stops the hub with what to check, never printing the password")
    func postgresUnreachable() async throws {
        let closedPort = try FreePort.pick()
        let config = try ConfigLoader.load(from: repoRoot.appendingPathComponent("Config/example"), environment: [
            "MINQING_API_TOKEN": "assembly-token-0123456789abcdef",
            "MINQING_DATABASE_URL": "postgres://minqing:secret-pw@127.0.0.1:\(closedPort)/minqing",
        ])
        let data = try Peers.temporaryDirectory("assembly-pg")
        do {
            _ = try await HubAssembly.build(config: config, environment: HubEnvironment(dataDirectory: data, passwordCost: 4))
            Issue.record("the hub started without its database")
        } catch let error as HubAssemblyError {
            #expect(error.description.contains("MINQING_DATABASE_URL"))
            #expect(error.description.contains("127.0.0.1:\(closedPort)"))
            #expect(!error.description.contains("secret-pw"))
        }
        #expect(!FileManager.default.fileExists(atPath: data.appendingPathComponent("minqing.sqlite").path), "no SQLite ledger made instead")
    }

    @Test("two hubs on one PostgreSQL act as one: either takes a message, the other answers the same case, each notification goes out once, one runs the scheduler and the other takes over")
    func twoHubsOneDatabase() async throws {
        let server = try await PostgresServer.shared()
        let database = try await server.createDatabase()
        let receiver = try await LoopbackHTTPReceiver.start { _ in .json(#"{"errcode":0,"errmsg":"ok"}"#) }
        let config = try Self.exampleConfig(receiver, ["MINQING_DATABASE_URL": server.url(database: database)])
        var hubs: [Hub] = [], runs: [Task<Void, any Error>] = [], ports: [Int] = []
        for name in ["a", "b"] {
            let hub = try await HubAssembly.build(
                config: config, environment: HubEnvironment(dataDirectory: try Peers.temporaryDirectory("assembly-pg-\(name)"), passwordCost: 4))
            let (started, continuation) = AsyncStream.makeStream(of: Int.self)
            runs.append(Task { try await hub.run(host: "127.0.0.1", port: 0) { continuation.yield($0) } })
            var iterator = started.makeAsyncIterator()
            ports.append(try #require(await iterator.next()))
            hubs.append(hub)
        }
        #expect(hubs.allSatisfy { $0.store.storeDescription.hasPrefix("PostgreSQL") && !$0.store.storeDescription.contains("password") })

        let (created, first) = try await post("http://127.0.0.1:\(ports[0])/api/v1/messages", message("two-hubs-1"), token: Self.token)
        let (again, second) = try await post("http://127.0.0.1:\(ports[1])/api/v1/messages", message("two-hubs-1"), token: Self.token)
        #expect(created == 201 && again == 200, "the second instance recognises the message")
        let caseID = try #require(first["case_id"] as? String)
        #expect(second["case_id"] as? String == caseID)
        let stored = try await hubs[1].store.fetchCase(#require(CaseID(caseID)))
        #expect(stored?.subject.isEmpty == false, "the other instance reads the case")

        let schedulers = { hubs.filter { $0.leaders.held.contains("scheduler") }.count }
        for hub in hubs { await hub.leaders.wait { _ in schedulers() >= 1 } }
        #expect(schedulers() == 1, "exactly one instance runs the scheduler")
        await receiver.waitUntil { snapshot in
            snapshot.requests.contains { $0.uri == "/county" }
                && snapshot.requests.contains { $0.uri.hasPrefix("/cgi-bin/webhook/send") && $0.bodyText.contains(caseID) }
        }

        // The leader stops (as when its machine goes down): the other takes over the scheduler.
        let leader = try #require(hubs.firstIndex { $0.leaders.held.contains("scheduler") })
        let standby = 1 - leader
        runs[leader].cancel()
        _ = try? await runs[leader].value
        await hubs[standby].leaders.wait { $0.contains("scheduler") }
        #expect(hubs[standby].leaders.held.contains("scheduler"))

        runs[standby].cancel()
        _ = try? await runs[standby].value
        let requests = receiver.snapshot.requests
        #expect(requests.filter { $0.uri == "/county" && $0.bodyText.contains(caseID) }.count == 1, "the webhook got the case once")
        // Only the case's own messages count: by the time of day the test runs, the example's schedules may also send
        // the robot a market-day or digest message (18:00 and 17:30 in schedules.yaml).
        #expect(requests.filter { $0.uri.hasPrefix("/cgi-bin/webhook/send") && $0.bodyText.contains(caseID) }.count == 1, "the robot got it once")
        await receiver.stop()
    }
}
