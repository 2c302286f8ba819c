import Foundation
import MinqingCore
import MinqingStore
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

    /// Mailbox cases in the ledger file, read while no hub runs (a hub's API could only be asked after it started,
    /// when a fast poller may already have registered everything).
    func registered(in data: URL) async throws -> Int {
        let path = data.appendingPathComponent("minqing.sqlite").path
        guard FileManager.default.fileExists(atPath: path) else { return 0 }
        var query = CaseQuery()
        query.channel = .mailbox
        query.limit = 1
        return try await SQLiteCaseStore(path: path).searchCases(query).total
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
        // Each round delivers a batch, starts the hub and kills it the moment the total of registered mail grows
        // (no further round trip in between). A round counts when the kill came mid-poll — mail still waiting in the
        // inbox; a poller faster than the test's look gets another batch, up to three rounds.
        var delivered = 0
        do {
            var killedMidPoll = false
            for _ in 1...3 where !killedMidPoll {
                for n in delivered + 1...delivered + Self.count { try server.deliver(Self.message(n)) }
                delivered += Self.count
                let before = try await registered(in: data)
                let (hub, base) = try await startHub(data: data, server: server)
                try await waitUntil("more mail is registered") { try await total(base) > before }
                await hub.kill9()
                #expect(await hub.waitForExit() == 128 + SIGKILL)
                killedMidPoll = try !server.files(in: "INBOX").isEmpty
            }
            #expect(killedMidPoll, "in three rounds the poller always finished before the kill")
        } catch {
            Issue.record(error)
            await server.stop()
            return
        }
        do {
            let (second, base) = try await startHub(data: data, server: server)
            try await waitUntil("the inbox is empty and every message is registered") {
                let stored = try await total(base)
                return try server.files(in: "INBOX").isEmpty && stored >= delivered
            }
            var refs: [String] = []
            var listed = 0
            while refs.count < delivered {
                let (_, page) = try await get("\(base)/api/v1/cases?limit=500&offset=\(refs.count)&channel=mailbox")
                listed = page["total"] as? Int ?? -1
                let items = (page["items"] as? [[String: Any]] ?? []).compactMap { $0["source_ref"] as? String }
                if items.isEmpty { break }
                refs += items
            }
            await second.stop()
            #expect(listed == delivered)
            #expect(refs.count == delivered)
            #expect(Set(refs) == Set((1...delivered).map { "mid:crash-\($0)@qq.com" }), "none missing, none twice")
            #expect(try server.files(in: "已登记", encodedName: "&XfJ2e4uw-").count == delivered)
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
