import Foundation
import MinqingTesting
import Testing

/// `minqing calendar rotate-feed` and `feed-url`, run as the built binary against a real data directory, and the
/// served feed at the printed address.
@Suite("Calendar feed commands")
struct FeedCommandTests {
    @Test("rotate-feed prints a new secret address, feed-url prints the current one, and a second rotation replaces it")
    func rotateAndShow() async throws {
        guard FileManager.default.isExecutableFile(atPath: HubProcess.binary.path) else {
            throw TestFailure("找不到 minqing 可执行文件 \(HubProcess.binary.path)：请先运行 swift build（或设置 MINQING_BIN）")
        }
        let bin = HubProcess.binary.path
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("minqing-feeds-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        var env = ProcessInfo.processInfo.environment
        env["MINQING_API_TOKEN"] = HubProcess.token
        let config = repoRoot.appendingPathComponent("Config/example").path
        let args = ["--config", config, "--data", data.path]
        func run(_ arguments: [String]) async throws -> (status: Int32, output: String) {
            let child = try ChildProcess(bin, arguments, environment: env)
            return await child.waitForExitAndOutput()
        }

        let none = try await run(["calendar", "feed-url", "liu-jianguo"] + args)
        #expect(none.status == 1)
        #expect(none.output.contains("rotate-feed"), "\(none.output)")

        let first = try await run(["calendar", "rotate-feed", "liu-jianguo"] + args)
        #expect(first.status == 0, "\(first.output)")
        let url = first.output.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(url.wholeMatch(of: /http:\/\/127\.0\.0\.1:8080\/calendar\/[0-9a-f]{64}\.ics/) != nil, "\(url)")
        let shown = try await run(["calendar", "feed-url", "liu-jianguo"] + args)
        #expect(shown.output.trimmingCharacters(in: .whitespacesAndNewlines) == url)

        let second = try await run(["calendar", "rotate-feed", "liu-jianguo"] + args)
        #expect(second.output.trimmingCharacters(in: .whitespacesAndNewlines) != url)

        let unknown = try await run(["calendar", "rotate-feed", "nobody"] + args)
        #expect(unknown.status == 2)
        #expect(unknown.output.contains("不在名录中"))
    }
}
