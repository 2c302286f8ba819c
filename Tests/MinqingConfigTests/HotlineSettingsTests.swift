import Foundation
import MinqingConfig
import MinqingCore
import Testing

@Suite("Hotline configuration")
struct HotlineSettingsTests {
    static let env = ["MINQING_API_TOKEN": "test-token-0123456789abcdef"]

    @Test("the example hotline section loads: duty list, 2 working hours, 24 h window, calendars, Asterisk and cloud mappings")
    func exampleHotline() throws {
        let config = try ConfigLoader.load(from: repoRoot.appendingPathComponent("Config/example"), environment: Self.env)
        let h = try #require(config.hotline)
        #expect(h.duty.leader == "huang-lihua" && h.duty.staff.count == 3 && h.duty.rotation == .daily)
        #expect(h.callbackWorkingHours == 2 && h.foldWindow == 24 * 3600)
        #expect(h.calendar.hasData(forYear: 2025) && h.calendar.hasData(forYear: 2026))
        #expect(h.asterisk?.follow == nil, "MINQING_CDR_FILE unset: nothing is followed")
        #expect(h.asterisk?.optionalColumns == ["uniqueid", "userfield"])
        #expect(h.cloudExports.first?.columns["caller"] == "主叫号码")
        #expect(h.workOrderReportTarget == "county-12345")
        let following = try ConfigLoader.load(from: repoRoot.appendingPathComponent("Config/example"),
                                              environment: Self.env.merging(["MINQING_CDR_FILE": "/var/log/asterisk/cdr-csv/Master.csv"]) { $1 })
        #expect(following.hotline?.asterisk?.follow == "/var/log/asterisk/cdr-csv/Master.csv")
    }

    @Test("an unknown duty person, an unknown optional column and a bad key are reported with file, line and key")
    func brokenHotline() throws {
        let scratch = try ScratchConfig()
        defer { scratch.remove() }
        let dir = scratch.dir
        let example = repoRoot.appendingPathComponent("Config/example")
        var main = try String(contentsOf: example.appendingPathComponent("minqing.yaml"), encoding: .utf8)
        main = main.replacingOccurrences(of: "leader: huang-lihua", with: "leader: nobody-here")
            .replacingOccurrences(of: "optional_columns: [uniqueid, userfield]", with: "optional_columns: [uniqueid, userfeld]")
            .replacingOccurrences(of: "fold_window_hours: 24", with: "fold_window_hour: 24")
        try scratch.write("minqing.yaml", main)
        let error = #expect(throws: ConfigError.self) { try ConfigLoader.load(from: dir, environment: Self.env) }
        let lines = error?.issues.map(\.description) ?? []
        #expect(lines.count == 3, "\(lines)")
        #expect(lines.contains { $0.contains("minqing.yaml:") && $0.contains("hotline.duty.leader：未定义的人员「nobody-here」") }, "\(lines)")
        #expect(lines.contains { $0.contains("hotline.asterisk.optional_columns：「userfeld」不是 Master.csv 的可选列") }, "\(lines)")
        #expect(lines.contains { $0.contains("hotline.callback.fold_window_hour：未知的配置项；是不是要写 fold_window_hours？") }, "\(lines)")
    }
}
