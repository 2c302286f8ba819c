import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import MinqingTesting
import Testing

/// A hub whose mail server is down keeps serving; only `/readyz`, the logs and the metrics say so.
@Suite("Mailbox readiness")
struct MailboxReadinessTests {
    func text(_ url: String) async throws -> (Int, String) {
        let (data, response) = try await session.data(from: URL(string: url)!)
        return ((response as! HTTPURLResponse).statusCode, String(decoding: data, as: UTF8.self))
    }

    @Test("an unreachable mail server shows in /readyz and metrics; the hub keeps taking messages and stops cleanly")
    func unreachableServer() async throws {
        guard FileManager.default.isExecutableFile(atPath: HubProcess.binary.path) else {
            Issue.record("找不到 minqing 可执行文件 \(HubProcess.binary.path)：请先运行 swift build（或设置 MINQING_BIN）")
            return
        }
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("minqing-ready-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        var env = ProcessInfo.processInfo.environment
        env["MINQING_API_TOKEN"] = HubProcess.token
        env["MINQING_MAILBOX_PORT"] = "\(try FreePort.pick())"  // nothing listens there
        env["MINQING_MAILBOX_TLS"] = "none"
        let hub = try ChildProcess(HubProcess.binary.path, [
            "serve", "--config", repoRoot.appendingPathComponent("Config/example").path, "--data", data.path,
            "--host", "127.0.0.1", "--port", "0",
        ], environment: env)
        let line = try await hub.waitForLine(startingWith: "民情通已启动")
        let base = String(line[line.range(of: #"http://127\.0\.0\.1:\d+"#, options: .regularExpression)!])

        // The first poll fails at once (connection refused); wait for /readyz to say so.
        let deadline = ContinuousClock.now + .seconds(30)
        var ready = (0, "")
        repeat {
            ready = try await text("\(base)/readyz")
            await Task.yield()
        } while ready.0 != 503 && ContinuousClock.now < deadline
        #expect(ready.0 == 503)
        #expect(ready.1.contains("民情信箱 office") && ready.1.contains("连不上邮箱服务器") && ready.1.contains("自动重试"), "\(ready.1)")
        #expect(try await text("\(base)/healthz").0 == 200)
        let metrics = try await text("\(base)/metrics").1
        #expect(metrics.contains(#"minqing_mailbox_up{mailbox="office"} 0"#), "\(metrics)")
        #expect(metrics.contains(#"minqing_mailbox_poll_failures_total{mailbox="office",kind="connection"}"#)
            || metrics.contains(#"minqing_mailbox_poll_failures_total{kind="connection",mailbox="office"}"#), "\(metrics)")
        let (status, _) = try await post("\(base)/api/v1/messages", message("ready-1"))
        #expect(status == 201)
        await hub.stop()
        #expect(await hub.waitForExit() == 0)
    }
}
