import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import MinqingHTTP
import MinqingWeb
import Testing

@Suite("Metrics and readiness details: loopback or a metrics token")
struct MonitoringAccessTests {
    /// Headers of a request that reached the hub through its proxy on this machine from `address`.
    func from(_ address: String, token: String? = nil) -> HTTPFields {
        var h: HTTPFields = [HTTPField.Name("X-Forwarded-For")!: address]
        if let token { h[.authorization] = "Bearer \(token)" }
        return h
    }

    @Test("/metrics from another machine: 401 without a token, 403 with a token lacking metrics, 200 with the metrics token; /healthz stays public")
    func metricsFromOutside() async throws {
        try await TestHub().test { client in
            let anonymous = try await client.execute(uri: "/metrics", method: .get, headers: from("203.0.113.9"))
            #expect(anonymous.status == .unauthorized)
            #expect(String(buffer: anonymous.body).contains("运行指标只对本机开放"))
            let wrong = try await client.execute(uri: "/metrics", method: .get, headers: from("203.0.113.9", token: ExampleTokens.office))
            #expect(wrong.status == .forbidden && String(buffer: wrong.body).contains("metrics（运行指标）"))
            let ok = try await client.execute(uri: "/metrics", method: .get, headers: from("203.0.113.9", token: ExampleTokens.metrics))
            #expect(ok.status == .ok && String(buffer: ok.body).contains("minqing_"))
            #expect(try await client.execute(uri: "/healthz", method: .get, headers: from("203.0.113.9")).status == .ok)
            #expect(try await client.execute(uri: "/readyz", method: .get, headers: from("203.0.113.9")).status == .ok)
        }
    }

    @Test("a forged X-Forwarded-For naming 127.0.0.1 to the left does not make an outside caller local")
    func forgedLoopback() async throws {
        try await TestHub().test { client in
            let r = try await client.execute(uri: "/metrics", method: .get, headers: from("127.0.0.1, 203.0.113.9"))
            #expect(r.status == .unauthorized)
        }
    }

    @Test("/metrics over a real socket from the loopback interface needs no token")
    func metricsOnLoopback() async throws {
        let hub = try TestHub()
        let app = Application(router: try HubRouter.build(hub.deps).router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            // Its own request with a long timeout: the live test client gives up after 20 s, which a loaded
            // 2-core machine running the whole suite has exceeded.
            let port = try #require(client.port)
            var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/metrics")!)
            request.timeoutInterval = 120
            let (_, response) = try await URLSession.shared.data(for: request)
            #expect((response as? HTTPURLResponse)?.statusCode == 200)
        }
    }

    @Test("/readyz tells what is not ready only to this machine or the metrics token; others learn only how many")
    func readinessDetails() async throws {
        let hub = try TestHub()
        var deps = hub.deps
        deps.readinessChecks = [ReadinessCheck(name: "mailbox office") {
            throw Problem.unavailable("imap.qiye.163.com:993 连接被拒绝")
        }]
        try await Application(router: try HubRouter.build(deps).router).test(.router) { client in
            let outside = try await client.execute(uri: "/readyz", method: .get, headers: from("203.0.113.9"))
            #expect(outside.status == .serviceUnavailable)
            #expect(!String(buffer: outside.body).contains("imap.qiye.163.com"))
            #expect(String(buffer: outside.body).contains("有 1 个组件未就绪"))
            let monitor = try await client.execute(uri: "/readyz", method: .get, headers: from("203.0.113.9", token: ExampleTokens.metrics))
            #expect(String(buffer: monitor.body).contains("imap.qiye.163.com"))
            let local = try await client.execute(uri: "/readyz", method: .get)
            #expect(String(buffer: local.body).contains("imap.qiye.163.com"))
        }
    }
}
