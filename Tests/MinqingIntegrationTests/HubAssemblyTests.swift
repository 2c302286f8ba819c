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
    @Test("the hub serve runs takes a message over HTTP and delivers its notifications to the example's webhook and WeCom robot")
    func messageReachesTargets() async throws {
        let receiver = try await LoopbackHTTPReceiver.start { _ in .json(#"{"errcode":0,"errmsg":"ok"}"#) }
        let token = "assembly-token-0123456789abcdef"
        var config = try ConfigLoader.load(from: repoRoot.appendingPathComponent("Config/example"), environment: [
            "MINQING_API_TOKEN": token,
            "MINQING_WEBHOOK_URL": receiver.url("/county"),
            "MINQING_WECOM_URL": receiver.url("/cgi-bin/webhook/send?key=test-key"),
        ])
        // No IMAP server in this test: the example's demo mailbox would only report itself unreachable.
        config.mailbox.accounts = []
        let data = try Peers.temporaryDirectory("assembly")
        let hub = try await HubAssembly.build(config: config, environment: HubEnvironment(dataDirectory: data, passwordCost: 4))
        #expect(hub.notifications.targets.map(\.target.name).sorted().contains("county-webhook"))

        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let running = Task { try await hub.run(host: "127.0.0.1", port: 0) { continuation.yield($0) } }
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next())

        let (status, body) = try await post(
            "http://127.0.0.1:\(port)/api/v1/messages", message("assembly-1"), token: token)
        #expect(status == 201)
        let caseID = try #require(body["case_id"] as? String)

        await receiver.waitUntil { snapshot in
            snapshot.requests.contains { $0.uri == "/county" } && snapshot.requests.contains { $0.uri.hasPrefix("/cgi-bin/webhook/send") }
        }
        let requests = receiver.snapshot.requests
        let webhook = try #require(requests.first { $0.uri == "/county" })
        #expect(webhook.bodyText.contains(caseID))
        #expect(webhook.header("webhook-id") != nil)
        let robot = try #require(requests.first { $0.uri.hasPrefix("/cgi-bin/webhook/send") })
        #expect(robot.bodyText.contains("\"msgtype\":\"markdown\""))
        #expect(try await hub.store.fetchCase(#require(CaseID(caseID)))?.status.rawValue == "received")

        running.cancel()
        _ = try? await running.value
        await receiver.stop()
    }

    @Test("a configured PostgreSQL URL is refused with a reason while serve cannot use it, instead of quietly running on SQLite")
    func postgresNotYetWired() async throws {
        let config = try ConfigLoader.load(from: repoRoot.appendingPathComponent("Config/example"), environment: [
            "MINQING_API_TOKEN": "assembly-token-0123456789abcdef",
            "MINQING_DATABASE_URL": "postgres://minqing:secret-pw@127.0.0.1:5432/minqing",
        ])
        let data = try Peers.temporaryDirectory("assembly-pg")
        do {
            _ = try await HubAssembly.build(config: config, environment: HubEnvironment(dataDirectory: data, passwordCost: 4))
            Issue.record("the hub started on SQLite although a database URL was configured")
        } catch let error as HubAssemblyError {
            #expect(error.description.contains("MINQING_DATABASE_URL"))
            #expect(!error.description.contains("secret-pw"))
        }
    }
}
