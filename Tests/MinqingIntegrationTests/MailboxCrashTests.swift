import Foundation
import MinqingTesting
import Testing

/// `minqing serve` polling a real Dovecot, killed with SIGKILL mid-poll and restarted.
@Suite("Mailbox crash durability", .serialized, .enabled(if: Peers.imapRunnable, Comment(rawValue: Peers.imapHint)))
struct MailboxCrashTests {
    static let count = 300

    func startHub(data: URL, server: DovecotServer) async throws -> (ChildProcess, String) {
        var env = ProcessInfo.processInfo.environment
        env["MINQING_API_TOKEN"] = HubProcess.token
        env["MINQING_MAILBOX_HOST"] = "127.0.0.1"
        env["MINQING_MAILBOX_PORT"] = "\(server.port)"
        env["MINQING_MAILBOX_TLS"] = "none"
        env["MINQING_MAILBOX_USER"] = server.user
        env["MINQING_MAILBOX_PASSWORD"] = server.password
        env["MINQING_MAILBOX_INTERVAL"] = "100ms"
        let hub = try ChildProcess(HubProcess.binary.path, [
            "serve", "--config", repoRoot.appendingPathComponent("Config/example").path, "--data", data.path,
            "--host", "127.0.0.1", "--port", "0",
        ], environment: env)
        let line = try await hub.waitForLine(startingWith: "民情通已启动")
        guard let range = line.range(of: #"http://127\.0\.0\.1:\d+"#, options: .regularExpression) else {
            throw TestFailure("no address in \(line)")
        }
        return (hub, String(line[range]))
    }

    func total(_ base: String) async throws -> Int {
        let (_, body) = try await get("\(base)/api/v1/cases?limit=1&channel=mailbox")
        return body["total"] as? Int ?? -1
    }

    /// Polls `condition` (an external process changes what it reads) until it holds or the deadline passes.
    func waitUntil(_ what: String, seconds: Double = 90, _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while try await !condition() {
            if ContinuousClock.now > deadline { throw TestFailure("timed out waiting until \(what)") }
            await Task.yield()
        }
    }

    @Test("kill -9 mid-poll and restart: every message is one case, none missing, none twice, and the processed folder holds exactly them")
    func killNineMidPoll() async throws {
        guard Peers.require(Peers.dovecot != nil && Peers.doveadm != nil, Peers.imapHint) else { return }
        guard FileManager.default.isExecutableFile(atPath: HubProcess.binary.path) else {
            Issue.record("找不到 minqing 可执行文件 \(HubProcess.binary.path)：请先运行 swift build（或设置 MINQING_BIN）")
            return
        }
        let server = try await DovecotServer.start()
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("minqing-mailcrash-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        do {
            for n in 1...Self.count { try server.deliver(Self.message(n)) }
            let (first, base) = try await startHub(data: data, server: server)
            // Kill the moment the first mail is registered (no further round trip in between), then check the kill
            // really came mid-poll: mail was still waiting in the inbox.
            try await waitUntil("some mail is registered") { try await total(base) >= 1 }
            await first.kill9()
            #expect(await first.waitForExit() == 128 + SIGKILL)
            let waiting = try server.files(in: "INBOX").count
            #expect(waiting > 0, "killed while the poller was still working (\(waiting) messages still in the inbox)")
        } catch {
            Issue.record(error)
            await server.stop()
            return
        }
        do {
            let (second, base) = try await startHub(data: data, server: server)
            try await waitUntil("the inbox is empty and every message is registered") {
                let stored = try await total(base)
                return try server.files(in: "INBOX").isEmpty && stored >= Self.count
            }
            let (_, list) = try await get("\(base)/api/v1/cases?limit=500&channel=mailbox")
            await second.stop()
            let refs = (list["items"] as? [[String: Any]] ?? []).compactMap { $0["source_ref"] as? String }
            #expect(list["total"] as? Int == Self.count)
            #expect(refs.count == Self.count)
            #expect(Set(refs) == Set((1...Self.count).map { "mid:crash-\($0)@qq.com" }), "none missing, none twice")
            #expect(try server.files(in: "已登记", encodedName: "&XfJ2e4uw-").count == Self.count)
            #expect(try server.files(in: "INBOX").isEmpty)
        } catch {
            Issue.record(error)
        }
        await server.stop()
    }

    static func message(_ n: Int) -> [UInt8] {
        Array([
            "From: =?UTF-8?B?546L5aSn5aiY?= <citizen\(n)@qq.com>", "To: minqing@qingshan.gov.cn",
            "Subject: =?UTF-8?B?5rCR5oOF5L+h566x?= \(n)", "Message-ID: <crash-\(n)@qq.com>", "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=UTF-8", "", "第\(n)封来信：村口的桥裂了，请派人看看。", "",
        ].joined(separator: "\r\n").utf8)
    }
}
