/// The holiday schedule of one year (国务院办公厅关于某年部分节假日安排的通知), as shipped in
/// `Config/calendars/cn-<year>.yaml`.
///
/// File schema (all keys required except `source` and `note`; dates are `YYYY-MM-DD`; unknown keys are errors):
///
/// ```yaml
/// year: 2026                  # the year the notice is for; also decides which file "covers" a date
/// source: "国务院办公厅关于2026年部分节假日安排的通知（2025-11-04）"   # where the data comes from
/// holidays:                   # days off, inclusive ranges; weekend days inside a range belong to it
///   - name: 元旦              # Chinese name as in the notice
///     from: 2026-01-01
///     to: 2026-01-03
/// workdays:                   # 调休上班: weekend days that are working days (may be an empty list)
///   - date: 2026-01-04
///     note: 元旦调休          # optional free text
/// ```
///
/// Note for YAML readers: unquoted `2026-01-01` is a YAML 1.1 timestamp; read it as a string and convert with
/// `CivilDay(iso8601:)`. A notice may list a day of the neighbouring year (e.g. a make-up Saturday on 12-31 of the
/// previous year); that is allowed, but coverage is decided by `year` only (see `WorkCalendar.coveredYears`).
public struct CalendarYear: Hashable, Sendable {
    public let year: Int
    public let source: String
    public let holidays: [Holiday]
    public let makeUpWorkdays: [MakeUpWorkday]

    public init(year: Int, source: String = "", holidays: [Holiday], makeUpWorkdays: [MakeUpWorkday]) {
        self.year = year
        self.source = source
        self.holidays = holidays
        self.makeUpWorkdays = makeUpWorkdays
    }

    /// Problems a person should fix in the data, in Chinese; empty when the year is consistent.
    ///
    /// Checks: names present, ranges not reversed, dates within the year or its neighbours, holidays not
    /// overlapping, make-up workdays on weekends, not inside a holiday and not repeated.
    public func validationProblems() -> [String] {
        var problems: [String] = []
        let plausible = (year - 1)...(year + 1)
        for holiday in holidays {
            if holiday.name.allSatisfy(\.isWhitespace) {
                problems.append("\(year)年：\(holiday.from)起的假期缺少名称")
            }
            if holiday.to < holiday.from {
                problems.append("\(year)年：假期“\(holiday.name)”的结束日\(holiday.to)早于开始日\(holiday.from)")
            }
            for day in [holiday.from, holiday.to] where !plausible.contains(day.year) {
                problems.append("\(year)年：假期“\(holiday.name)”的日期\(day)不在\(year)年前后")
            }
        }
        let sorted = holidays.sorted { $0.from < $1.from }
        for (earlier, later) in zip(sorted, sorted.dropFirst()) where later.from <= earlier.to {
            problems.append("\(year)年：假期“\(earlier.name)”和“\(later.name)”的日期重叠")
        }
        var seen: Set<CivilDay> = []
        for workday in makeUpWorkdays {
            let day = workday.date
            if !seen.insert(day).inserted {
                problems.append("\(year)年：调休上班日\(day)重复")
            }
            if !plausible.contains(day.year) {
                problems.append("\(year)年：调休上班日\(day)不在\(year)年前后")
            }
            if !day.isWeekend {
                problems.append("\(year)年：调休上班日\(day)是\(day.weekday.chineseName)，本来就是工作日")
            }
            if let holiday = holidays.first(where: { $0.contains(day) }) {
                problems.append("\(year)年：调休上班日\(day)落在假期“\(holiday.name)”之内")
            }
        }
        return problems
    }
}
