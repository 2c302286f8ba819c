import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import MinqingTesting
import Testing

/// Reloading the configuration of a real `minqing serve` process: SIGHUP, and `minqing reload` (which finds the
/// process through `DATA/minqing.pid`). `/metrics` from loopback shows the running configuration's hash.
@Suite("Configuration reload of a running serve", .serialized, .timeLimit(.minutes(3)))
struct ConfigReloadProcessTests {
    static func text(_ url: String) async throws -> String {
        let (data, _) = try await session.data(for: URLRequest(url: URL(string: url)!))
        return String(decoding: data, as: UTF8.self)
    }

    /// One metric's value as `/metrics` shows it to loopback.
    static func metric(_ name: String, _ hub: HubProcess) async throws -> String? {
        try await text(hub.base + "/metrics").split(separator: "\n").first { $0.hasPrefix(name + " ") }
            .map { String($0.dropFirst(name.count + 1)) }
    }

    /// Waits (bounded) until the configuration hash metric differs from `hash`: the hub reloads on its own thread.
    static func waitForHash(other hash: String, _ hub: HubProcess) async throws -> String {
        for _ in 0..<600 {
            if let now = try await metric("minqing_config_hash", hub), now != hash { return now }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestFailure("the hub did not reload within a minute")
    }

    @Test("SIGHUP makes serve load an edited schedules.yaml; minqing reload of a broken routing.yaml keeps the old config and prints each error with file and line")
    func sighupAndReloadCommand() async throws {
        let root = try Peers.temporaryDirectory("reload")
        try FileManager.default.copyItem(at: repoRoot.appendingPathComponent("Config"), to: root.appendingPathComponent("Config"))
        let config = root.appendingPathComponent("Config/example")
        let data = root.appendingPathComponent("data")
        let hub = try await HubProcess(data: data, config: config)
        defer { hub.terminate() }
        let hash = try #require(try await Self.metric("minqing_config_hash", hub))
        #expect(FileManager.default.fileExists(atPath: data.appendingPathComponent("minqing.pid").path))

        let schedules = config.appendingPathComponent("schedules.yaml")
        let text = try String(contentsOf: schedules, encoding: .utf8)
        try text.replacingOccurrences(of: "rule: 每周一", with: "rule: 每周五").write(to: schedules, atomically: true, encoding: .utf8)
        #expect(kill(hub.process.processIdentifier, SIGHUP) == 0)
        let newHash = try await Self.waitForHash(other: hash, hub)
        #expect(try await Self.metric("minqing_config_last_reload_successful", hub) == "1.0")

        let routing = config.appendingPathComponent("routing.yaml")
        try (try String(contentsOf: routing, encoding: .utf8) + "\nunknown_setting: 1\n").write(to: routing, atomically: true, encoding: .utf8)
        let (status, output) = try await ChildProcess.run(HubProcess.binary.path, ["reload", "--data", data.path])
        #expect(status == 1, "\(output)")
        #expect(output.range(of: #"routing\.yaml:\d+:\d+"#, options: .regularExpression) != nil, "\(output)")
        #expect(try await Self.metric("minqing_config_hash", hub) == newHash, "the running configuration stays")
        #expect(try await Self.metric("minqing_config_last_reload_successful", hub) == "0.0")
        #expect(try await Self.text(hub.base + "/readyz").contains("routing.yaml:"), "/readyz details say why")
        #expect(hub.process.isRunning)
    }
}
