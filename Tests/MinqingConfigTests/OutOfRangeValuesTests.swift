import Foundation
import Testing

@testable import MinqingConfig

/// Numbers the hub computes with are bounded where they are read: each of these once trapped or stalled the running
/// hub (a connection count multiplied past `Int.max` at the dispatcher's start; a deadline of
/// 9223372036854775807 working days walking the calendar for ever inside intake's single writer; a reminder that far
/// before a deadline trapping the scheduler). Now `check-config`, a start and a reload refuse them with the line.
@Suite("Configuration values out of range")
struct OutOfRangeValuesTests {
    static let huge = "9223372036854775807"

    /// The example's files with `edits` (file → [(text, replacement)]) applied.
    func example(_ edits: [String: [(String, String)]]) throws -> ScratchConfig {
        let names = ["directory.yaml", "minqing.yaml", "routing.yaml", "schedules.yaml", "warnings.yaml"]
        let scratch = try ScratchConfig(copying: names)
        for (name, replacements) in edits {
            var text = try String(contentsOf: scratch.dir.appendingPathComponent(name), encoding: .utf8)
            for (from, to) in replacements {
                #expect(text.contains(from), "\(name) has \(from)")
                text = text.replacingOccurrences(of: from, with: to)
            }
            try scratch.write(name, text)
        }
        return scratch
    }

    @Test("a huge connection count, deadline, reminder, escalation delay or hotline call-back time is refused with its line")
    func hugeValuesAreRefused() throws {
        let scratch = try example([
            "minqing.yaml": [
                ("name: county-webhook", "name: county-webhook\n    concurrency: \(Self.huge)"),
                ("deadline_working_hours: 2 ", "deadline_working_hours: \(Self.huge) "),
                ("fold_window_hours: 24 ", "fold_window_hours: 0 "),
            ],
            "routing.yaml": [("deadline: {working_days: 10}", "deadline: {working_days: \(Self.huge)}"),
                             ("deadline: {hours: 2}", "deadline: {hours: 8785}")],
            "schedules.yaml": [("remind_before: {working_days: 1}", "remind_before: {working_days: 251}")],
        ])
        defer { scratch.remove() }
        let error = #expect(throws: ConfigError.self) { try ConfigLoader.load(from: scratch.dir, environment: ConfigLoaderTests.env) }
        let lines = error?.issues.map(\.description) ?? []
        #expect(lines.count == 6, "\(lines)")
        #expect(lines.contains { $0.contains("minqing.yaml:") && $0.contains("concurrency") && $0.contains("1–100") }, "\(lines)")
        #expect(lines.contains { $0.contains("回拨时限应在 1–2000 个工作小时之间") }, "\(lines)")
        #expect(lines.contains { $0.contains("合并窗口应在 1–8784 小时之间") }, "\(lines)")
        #expect(lines.contains { $0.contains("routing.yaml:") && $0.contains("working_days 最多 250") }, "\(lines)")
        #expect(lines.contains { $0.contains("routing.yaml:") && $0.contains("hours 最多 8784") }, "\(lines)")
        #expect(lines.contains { $0.contains("schedules.yaml:") && $0.contains("working_days 最多 250") }, "\(lines)")
    }

    @Test("the longest allowed values load")
    func longestValuesLoad() throws {
        let scratch = try example([
            "minqing.yaml": [("name: county-webhook", "name: county-webhook\n    concurrency: 100")],
            "routing.yaml": [("deadline: {working_days: 10}", "deadline: {working_days: 250}"), ("deadline: {hours: 2}", "deadline: {hours: 8784}")],
        ])
        defer { scratch.remove() }
        let config = try ConfigLoader.load(from: scratch.dir, environment: ConfigLoaderTests.env)
        #expect(config.targets.first { $0.name == "county-webhook" }?.concurrency == 100)
    }
}
