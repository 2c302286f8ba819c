import Foundation
import Testing
@testable import MinqingRouting

/// Config/calendars/cn-<year>.yaml must say the same as docs/domain/holidays.md#the-years-shipped (transcribed in `Fixtures`). …
/// the config reader's job; this test reads the files' simple shape line by line, enough to compare the data.
@Suite("Shipped calendar files")
struct CalendarFilesTests {
    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Config/calendars")

    @Test("cn-2025.yaml and cn-2026.yaml hold exactly the State Council's schedules", arguments: [
        (2025, Fixtures.year2025), (2026, Fixtures.year2026),
    ])
    func filesMatchFacts(year: Int, expected: CalendarYear) throws {
        let text = try String(contentsOf: Self.folder.appendingPathComponent("cn-\(year).yaml"), encoding: .utf8)
        let parsed = try #require(Self.read(text))
        #expect(parsed == expected)
        #expect(parsed.validationProblems().isEmpty)
    }

    /// Reads `year`, `source`, `holidays` (name/from/to) and `workdays` (date/note) from the files' fixed layout.
    static func read(_ text: String) -> CalendarYear? {
        var year: Int?
        var source = ""
        var holidays: [Holiday] = []
        var workdays: [MakeUpWorkday] = []
        var name = "", from: CivilDay?
        var date: CivilDay?
        func value(_ line: Substring) -> String {
            var value = line.split(separator: ":", maxSplits: 1).last.map(String.init) ?? ""
            if let comment = value.range(of: " #") { value = String(value[..<comment.lowerBound]) }
            return value.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        for raw in text.split(separator: "\n") {
            let line = raw.drop { $0 == " " || $0 == "-" }
            if raw.hasPrefix("#") { continue }
            if line.hasPrefix("year:") { year = Int(value(line)) }
            if line.hasPrefix("source:") { source = value(line) }
            if line.hasPrefix("name:") { name = value(line) }
            if line.hasPrefix("from:") { from = CivilDay(iso8601: value(line)) }
            if line.hasPrefix("to:"), let start = from, let end = CivilDay(iso8601: value(line)) {
                holidays.append(Holiday(name: name, from: start, to: end))
            }
            if line.hasPrefix("date:") { date = CivilDay(iso8601: value(line)) }
            if line.hasPrefix("note:"), let day = date { workdays.append(MakeUpWorkday(date: day, note: value(line))) }
        }
        guard let year else { return nil }
        return CalendarYear(year: year, source: source, holidays: holidays, makeUpWorkdays: workdays)
    }
}
