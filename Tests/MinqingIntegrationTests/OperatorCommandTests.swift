import Foundation
import MinqingTesting
import Testing

/// The operator commands, run as the built binary.
@Suite("Operator commands")
struct OperatorCommandTests {
    static let mailFixtures = repoRoot.appendingPathComponent("Tests/MailboxAdapterTests/Fixtures/mail")

    func binary() throws -> String {
        guard FileManager.default.isExecutableFile(atPath: HubProcess.binary.path) else {
            throw TestFailure("找不到 minqing 可执行文件 \(HubProcess.binary.path)：请先运行 swift build（或设置 MINQING_BIN）")
        }
        return HubProcess.binary.path
    }

    @Test("mail parse --json prints exactly the golden operator JSON of a fixture")
    func mailParse() async throws {
        for name in ["01-qq-gbk-land-dispute", "05-outlook-qp-related-inline-image"] {
            let child = try ChildProcess(try binary(), ["mail", "parse", Self.mailFixtures.appendingPathComponent("\(name).eml").path, "--json"])
            #expect(await child.waitForExitAndOutput().status == 0)
            let expected = try String(contentsOf: Self.mailFixtures.appendingPathComponent("\(name).expected.json"), encoding: .utf8)
            #expect(child.output == expected, "\(name)")
        }
        let missing = try await ChildProcess.run(try binary(), ["mail", "parse", "/nonexistent.eml"])
        #expect(missing.status == 1)
        #expect(missing.output.contains("读不到文件"))
    }

    @Test("import letters imports the good rows, lists each bad row with line, column and reason, and exits 2")
    func importLetters() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("minqing-import-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        let csv = repoRoot.appendingPathComponent("Tests/MailboxAdapterTests/Fixtures/letters/batch.csv").path
        let args = ["import", "letters", csv, "--config", repoRoot.appendingPathComponent("Config/example").path, "--data", data.path]
        var env = ProcessInfo.processInfo.environment
        env["MINQING_API_TOKEN"] = HubProcess.token
        let first = try ChildProcess(try binary(), args, environment: env)
        #expect(await first.waitForExitAndOutput().status == 2)
        #expect(first.output.contains("第 4 行 第 9 列（body）：来信内容不能为空"))
        #expect(first.output.contains("第 7 行 第 10 列（scans）：找不到扫描件「缺页.jpg」"))
        #expect(first.output.contains("导入完成：共 6 封，新登记 2 封，已登记过 0 封，有问题 4 封。"))
        let second = try ChildProcess(try binary(), args, environment: env)
        #expect(await second.waitForExitAndOutput().status == 2)
        #expect(second.output.contains("新登记 0 封，已登记过 2 封"))
    }

    /// The environment without any of the secrets `serve` needs: read-only commands must run in it.
    static var withoutSecrets: [String: String] {
        ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("MINQING_") }
    }

    @Test("routes test prints the decision and its reasons from the example routing rules, and rejects unknown keys; it needs no secrets")
    func routesTest() async throws {
        let env = Self.withoutSecrets
        let config = repoRoot.appendingPathComponent("Config/example").path
        let child = try ChildProcess(try binary(), [
            "routes", "test", "--config", config, "category=土地", "village=龙泉村", "body=宅基地界址纠纷",
            "at=2026-11-02T10:00",
        ], environment: env)
        #expect(await child.waitForExitAndOutput().status == 0)
        #expect(child.output.contains("责任领导：孙伟（sun-wei）"), "\(child.output)")
        #expect(child.output.contains("承办人员：李海涛（li-haitao）"), "\(child.output)")
        #expect(child.output.contains("办理期限：2026-11-23T17:30:00+08:00"), "\(child.output)")
        #expect(child.output.contains("1. 匹配规则「土地纠纷 › 土地纠纷（龙泉村，国土所）」（类别为土地，村（社区）为龙泉村）"), "\(child.output)")
        let bad = try ChildProcess(try binary(), ["routes", "test", "--config", config, "colour=red"], environment: env)
        #expect(await bad.waitForExitAndOutput().status == 2)
        #expect(bad.output.contains("无法识别「colour=red」"), "\(bad.output)")
    }

    @Test("calendar --json lists workdays, holidays and make-up days, and warns loudly about a year without data; it needs no secrets")
    func calendarJSON() async throws {
        let env = Self.withoutSecrets
        let config = repoRoot.appendingPathComponent("Config/example").path
        let child = try ChildProcess(try binary(), ["calendar", "--config", config, "--from", "2026-10-07", "--to", "2026-10-11", "--json"],
                                     environment: env)
        #expect(await child.waitForExitAndOutput().status == 0)
        let rows = try JSONSerialization.jsonObject(with: Data(child.output.utf8)) as? [[String: Any]] ?? []
        #expect(rows.map { $0["date"] as? String } == ["2026-10-07", "2026-10-08", "2026-10-09", "2026-10-10", "2026-10-11"])
        #expect(rows.map { $0["workday"] as? Bool } == [false, true, true, true, false])  // 10-10 Sat 调休上班
        #expect(rows[0]["holiday"] as? String == "国庆节")
        #expect(rows[3]["make_up_workday"] as? Bool == true)
        let missing = try ChildProcess(try binary(), ["calendar", "--config", config, "--from", "2027-01-01", "--to", "2027-01-01"],
                                       environment: env)
        #expect(await missing.waitForExitAndOutput().status == 0)
        #expect(missing.output.contains("2027年的节假日安排未配置"), "\(missing.output)")
    }

    @Test("check-config passes without secrets set and names each unset variable serve will need")
    func checkConfigWithoutSecrets() async throws {
        let config = repoRoot.appendingPathComponent("Config/example").path
        let child = try ChildProcess(try binary(), ["check-config", config], environment: Self.withoutSecrets)
        #expect(await child.waitForExitAndOutput().status == 0)
        #expect(child.output.contains("配置无误"), "\(child.output)")
        #expect(child.output.contains("环境变量 MINQING_API_TOKEN 未设置"), "\(child.output)")
    }

    @Test("check-config builds every target whose address is set and names each one that cannot be built, as serve and a reload would")
    func checkConfigBuildsTargets() async throws {
        let config = repoRoot.appendingPathComponent("Config/example").path
        var env = Self.withoutSecrets
        env["MINQING_WEBHOOK_URL"] = "http://127.0.0.1:9/county"
        env["MINQING_WEBHOOK_SECRET"] = "whsec_这不是base64"  // the prefix, then no base64
        env["MINQING_COUNTY_HUB_URL"] = "http://127.0.0.1:9"  // without MINQING_COUNTY_HUB_TOKEN
        let child = try ChildProcess(try binary(), ["check-config", config], environment: env)
        #expect(await child.waitForExitAndOutput().status == 1)
        #expect(child.output.contains("配置有 2 处错误"), "\(child.output)")
        #expect(child.output.contains("通知配置有误：通知目标「county-webhook」"), "\(child.output)")
        #expect(child.output.contains("通知目标「county-hub」（上级民情通）缺少 secret"), "\(child.output)")
        #expect(!child.output.contains("配置无误"))
    }

    @Test("markets days --json prints the market days of a table phrase, 闰六月 2025 included; a bad phrase is explained")
    func marketDays() async throws {
        let child = try ChildProcess(try binary(), ["markets", "days", "--rule", "农历逢三、六、九", "--from", "2025-07-20", "--to", "2025-08-02", "--json"])
        #expect(await child.waitForExitAndOutput().status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(child.output.utf8)) as? [String: Any]
        let days = (object?["days"] as? [[String: Any]] ?? []).map { $0["date"] as? String }
        // 六月廿六, 六月廿九, then 闰六月初一 = 07-25: 初三 07-27, 初六 07-30, 初九 08-02
        #expect(days == ["2025-07-20", "2025-07-23", "2025-07-27", "2025-07-30", "2025-08-02"])
        #expect(object?["rule"] as? String == "农历逢三、六、九")
        let bad = try await ChildProcess.run(try binary(), ["markets", "days", "--rule", "偶尔", "--from", "2025-07-20", "--to", "2025-08-02"])
        #expect(bad.status == 2)
        #expect(bad.output.contains("无法识别的集日规则“偶尔”"))
    }
}
