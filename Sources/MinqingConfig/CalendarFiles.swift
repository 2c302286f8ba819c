import Foundation
import MinqingRouting

/// Reads the holiday schedules `cn-<year>.yaml` of a folder (schema in `CalendarYear`), strictly.
enum CalendarFiles {
    /// Every year in `folder`; nil (with an issue at `shownAs`) when the folder cannot be read.
    static func read(folder: URL, diagnostics: ConfigDiagnostics, shownAs node: ConfigNode) -> [CalendarYear]? {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else {
            node.report("找不到节假日目录 \(ConfigLoader.displayPath(folder))：应含 cn-2026.yaml 这样的文件")
            return nil
        }
        var years: [CalendarYear] = []
        for name in names.sorted() where name.hasPrefix("cn-") && name.hasSuffix(".yaml") {
            let url = folder.appendingPathComponent(name)
            let shown = ConfigLoader.displayPath(url)
            guard let data = FileManager.default.contents(atPath: url.path), let text = String(data: data, encoding: .utf8) else {
                diagnostics.report(shown, nil, "", "无法读取（应为 UTF-8 文本）")
                continue
            }
            guard let root = diagnostics.document(text, file: shown), let year = readYear(root) else { continue }
            for problem in year.validationProblems() { root.report(problem) }
            years.append(year)
        }
        return years
    }

    private static func readYear(_ n: ConfigNode) -> CalendarYear? {
        guard let m = n.mapping else { return nil }
        let year = m.required("year")?.int
        let source = m.optional("source")?.string ?? ""
        var holidays: [Holiday] = []
        for item in m.required("holidays")?.items ?? [] {
            guard let h = item.mapping else { continue }
            let name = h.required("name")?.string
            let from = h.required("from").flatMap(day)
            let to = h.required("to").flatMap(day)
            h.finish()
            if let name, let from, let to { holidays.append(Holiday(name: name, from: from, to: to)) }
        }
        var workdays: [MakeUpWorkday] = []
        for item in m.required("workdays")?.items ?? [] {
            guard let w = item.mapping else { continue }
            let date = w.required("date").flatMap(day)
            let note = w.optional("note")?.string ?? ""
            w.finish()
            if let date { workdays.append(MakeUpWorkday(date: date, note: note)) }
        }
        m.finish()
        return year.map { CalendarYear(year: $0, source: source, holidays: holidays, makeUpWorkdays: workdays) }
    }

    private static func day(_ n: ConfigNode) -> CivilDay? {
        guard let text = n.string else { return nil }
        guard let d = CivilDay(iso8601: text) else { n.report("「\(text)」不是日期（应为 2026-10-01）"); return nil }
        return d
    }
}
