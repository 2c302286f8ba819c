import Foundation
import MinqingTesting
import Testing

/// `notify test`, `outbox list` and `outbox replay`, run as the built binary against a loopback receiver.
@Suite("Notification commands")
struct NotifyCommandTests {
    func environment(_ extra: [String: String]) -> [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["MINQING_API_TOKEN"] = HubProcess.token
        return env.merging(extra) { $1 }
    }

    @Test("notify test sends one test message and shows the answer; a refusing receiver exits 1 with the reason")
    func notifyTest() async throws {
        let receiver = try await LoopbackHTTPReceiver.start { request in
            request.uri.hasPrefix("/gone") ? .json("{}", status: 410) : .json(#"{"errcode":0,"errmsg":"ok"}"#)
        }
        let config = repoRoot.appendingPathComponent("Config/example").path
        let ok = try ChildProcess(HubProcess.binary.path, ["notify", "test", "--config", config, "--target", "office-wecom"],
                                  environment: environment(["MINQING_WECOM_URL": receiver.url("/wecom")]))
        #expect(await ok.waitForExitAndOutput().status == 0, "\(ok.output)")
        #expect(ok.output.contains("发送成功"))
        let sent = try #require(receiver.snapshot.requests.first)
        #expect(sent.bodyText.contains("民情通通知测试"))
        let gone = try ChildProcess(HubProcess.binary.path, ["notify", "test", "--config", config, "--target", "county-webhook"],
                                    environment: environment(["MINQING_WEBHOOK_URL": receiver.url("/gone")]))
        #expect(await gone.waitForExitAndOutput().status == 1)
        #expect(gone.output.contains("发送失败") && gone.output.contains("410"))
        let unset = try ChildProcess(HubProcess.binary.path, ["notify", "test", "--config", config, "--target", "cadres-feishu"],
                                     environment: environment([:]))
        #expect(await unset.waitForExitAndOutput().status == 1)
        #expect(unset.output.contains("没有地址"))
        await receiver.stop()
    }

    @Test("outbox list shows a dead-lettered notification with its reason; replay sends it again after the receiver is fixed")
    func listAndReplay() async throws {
        let healthy = Healthy()
        let receiver = try await LoopbackHTTPReceiver.start { _ in
            healthy.isUp ? .json(#"{"ok":true}"#) : .json(#"{"error":"bad request"}"#, status: 400)
        }
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("minqing-outbox-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        let env = ["MINQING_WEBHOOK_URL": receiver.url("/county")]
        let hub = try await HubProcess(data: data, environment: env)
        let (status, body) = try await post("\(hub.base)/api/v1/messages", message("outbox-cli-1"))
        #expect(status == 201)
        await receiver.waitUntil { $0.requests.count == 1 }
        hub.terminate()

        let config = repoRoot.appendingPathComponent("Config/example").path
        let list = try ChildProcess(HubProcess.binary.path, ["outbox", "list", "--state", "dead", "--attempts", "--config", config, "--data", data.path],
                                    environment: environment(env))
        #expect(await list.waitForExitAndOutput().status == 0)
        #expect(list.output.contains("共 1 条") && list.output.contains("county-webhook") && list.output.contains("发送失败"), "\(list.output)")
        #expect(list.output.contains("HTTP 400") && list.output.contains(body["case_id"] as? String ?? "?"), "\(list.output)")
        let id = try #require(list.output.split(separator: "\n").dropFirst().first?.split(separator: " ").first.map(String.init))

        healthy.isUp = true
        let replay = try ChildProcess(HubProcess.binary.path, ["outbox", "replay", id, "--config", config, "--data", data.path],
                                      environment: environment(env))
        #expect(await replay.waitForExitAndOutput().status == 0)
        #expect(replay.output.contains("已安排重发 1 条"))
        let again = try await HubProcess(data: data, environment: env)
        await receiver.waitUntil { $0.requests.count == 2 }
        again.terminate()
        #expect(Set(receiver.snapshot.requests.compactMap { $0.header("webhook-id") }).count == 1, "the same id again")
        let twice = try ChildProcess(HubProcess.binary.path, ["outbox", "replay", id, "--config", config, "--data", data.path],
                                     environment: environment(env))
        #expect(await twice.waitForExitAndOutput().status == 1)
        #expect(twice.output.contains("已送达") && twice.output.contains("无需重发"))
        await receiver.stop()
    }

    @Test("outbox targets shows a target a 410 disabled and how to lift it; outbox enable lifts it and the restarted hub sends to it again")
    func targetsAndEnable() async throws {
        let healthy = Healthy()
        let receiver = try await LoopbackHTTPReceiver.start { _ in healthy.isUp ? .json(#"{"ok":true}"#) : .json("{}", status: 410) }
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("minqing-targets-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        let env = ["MINQING_WEBHOOK_URL": receiver.url("/county")]
        let config = repoRoot.appendingPathComponent("Config/example").path
        func command(_ arguments: String...) async throws -> (status: Int32, output: String) {
            let p = try ChildProcess(HubProcess.binary.path, arguments + ["--config", config, "--data", data.path], environment: environment(env))
            let status = await p.waitForExitAndOutput().status
            return (status, p.output)
        }
        let hub = try await HubProcess(data: data, environment: env)
        #expect(try await post("\(hub.base)/api/v1/messages", message("targets-cli-1")).0 == 201)
        await receiver.waitUntil { $0.requests.count == 1 }
        hub.terminate()

        let before = try await command("outbox", "targets")
        #expect(before.status == 0)
        let line = before.output.split(separator: "\n").first { $0.hasPrefix("county-webhook ") }.map(String.init) ?? before.output
        #expect(line.contains("已停用") && line.contains("410") && line.contains("minqing outbox enable county-webhook"), "\(line)")
        #expect(before.output.contains("cadres-feishu  feishu  未配置"), "\(before.output)")

        let enable = try await command("outbox", "enable", "county-webhook")
        #expect(enable.status == 0 && enable.output.contains("已重新启用通知目标「county-webhook」"), "\(enable.output)")
        let after = try await command("outbox", "targets")
        #expect(after.output.contains("county-webhook  webhook  正常"), "\(after.output)")
        let twice = try await command("outbox", "enable", "county-webhook")
        #expect(twice.status == 0 && twice.output.contains("未被停用"), "\(twice.output)")
        let unknown = try await command("outbox", "enable", "no-such-target")
        #expect(unknown.status != 0 && unknown.output.contains("配置中没有通知目标「no-such-target」"), "\(unknown.output)")

        healthy.isUp = true
        let again = try await HubProcess(data: data, environment: env)
        #expect(try await post("\(again.base)/api/v1/messages", message("targets-cli-2")).0 == 201)
        await receiver.waitUntil { $0.requests.count == 2 }
        again.terminate()
        await receiver.stop()
    }

    final class Healthy: @unchecked Sendable {
        private let lock = NSLock()
        private var up = false
        var isUp: Bool {
            get { lock.withLock { up } }
            set { lock.withLock { up = newValue } }
        }
    }
}
