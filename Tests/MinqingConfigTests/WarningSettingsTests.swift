import Foundation
import MinqingConfig
import MinqingCore
import Testing

@Suite("warnings.yaml")
struct WarningSettingsTests {
    @Test("the example township ships related-case settings and three warning rules to the leaders' group and the county")
    func exampleLoads() throws {
        let config = try ConfigLoader.load(from: repoRoot.appendingPathComponent("Config/example"), environment: ConfigLoaderTests.env)
        let w = try #require(config.warnings)
        #expect(w.related == RelatedSettings(window: 30 * 86_400, minScore: 0.25, maxLinks: 20))
        #expect(w.rules.map(\.kindName) == ["similar_in_village", "category_in_township", "group_complaint"])
        #expect(w.rules.allSatisfy { $0.notify == ["leaders-dingtalk", "county-webhook"] })
        #expect(w.rules[0].kind == .similarInVillage(minCases: 3, within: 24 * 3600, minScore: 0.2))
        #expect(w.groupWords == ["集体", "联名", "上访"])
        #expect(w.names["431028101201"] == "青山村")
        #expect(w.names["water"] == "水利")
        #expect(w.updateInterval == 3600)
    }

    @Test("mistakes are reported with file, line and key, in Chinese, saying what is accepted")
    func mistakes() throws {
        let scratch = try ScratchConfig(copying: ["directory.yaml", "minqing.yaml"])
        defer { scratch.remove() }
        try scratch.write("warnings.yaml", """
            related: {window: 10m, min_score: 2}
            notify: [leaders-dingtalk]
            update_interval: 30d
            rules:
              - name: 同村
                similar_in_village: {min_cases: 3, within: 24h}
              - name: 类别
                category_in_township: {category: moon, min_cases: 5, within: 2y}
              - name: 群体
                group_complaint: {words: [], min_phones: 2, within: 3d}
                notify: [nowhere]
              - name: 两种
                similar_in_village: {min_cases: 3, within: 24h}
                category_in_township: {category: water, min_cases: 5, within: 1d}
              - name: 同村
                similar_in_village: {min_cases: 3, within: 24h, colour: red}
              - name: 太少
                similar_in_village: {min_cases: 1, within: 24h}
            """)
        let error = #expect(throws: ConfigError.self) { try ConfigLoader.load(from: scratch.dir, environment: ConfigLoaderTests.env) }
        let lines = (error?.issues.map(\.description) ?? []).map { $0.components(separatedBy: "warnings.yaml:").last ?? $0 }
        #expect(lines.contains { $0.hasPrefix("1:19: related.window：比较窗口至少 1h") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("1:35: related.min_score：「2」不是相似度") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("18:37: rules[5].similar_in_village.min_cases：应在 2–10000 之间") }, "\(lines)")
        #expect(lines.contains { $0.contains("rules[1].category_in_township.category：未定义的类别「moon」") }, "\(lines)")
        #expect(lines.contains { $0.contains("rules[1].category_in_township.within：") }, "\(lines)")
        #expect(lines.contains { $0.contains("rules[2].group_complaint.words：至少写一个词") }, "\(lines)")
        #expect(lines.contains { $0.contains("rules[2].notify[0]：未定义的通知目标「nowhere」") }, "\(lines)")
        #expect(lines.contains { $0.contains("rules[3]：一条规则只能写一种") }, "\(lines)")
        #expect(lines.contains { $0.contains("colour") }, "\(lines)")
        #expect(lines.contains { $0.contains("规则名称「同村」重复") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("3:18: update_interval：更新间隔最长 7d") }, "\(lines)")
    }
}
