import Foundation

/// Reading and writing timestamps the way the hub's API does: ISO-8601 with an offset.
public enum HubTime {
    /// The office default: 中国标准时间.
    public static let shanghai = TimeZone(identifier: "Asia/Shanghai")!

    /// `2026-11-22T09:30:00+08:00` (fractional seconds kept when present).
    public static func iso(_ date: Date, in timeZone: TimeZone = shanghai) -> String {
        let whole = date.timeIntervalSince1970.rounded(.down) == date.timeIntervalSince1970
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: !whole, timeZone: timeZone)
            .year().month().day().time(includingFractionalSeconds: !whole).timeZone(separator: .colon)
        return date.formatted(style)
    }

    /// `2026-11-23 09:00` in `timeZone`: how pages and notifications show a time to people.
    public static func minutes(_ date: Date, in timeZone: TimeZone = shanghai) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0)
    }

    /// Parses ISO-8601 (`2026-11-22T09:30:00+08:00`, `…Z`, with or without fractional seconds) and
    /// `2026-11-22 09:30:00` / `2026-11-22T09:30:00` / `2026-11-22 09:30` without offset, which are read in `timeZone`.
    /// Plain dates (`2026-11-22`) are the start of that day in `timeZone`. Nil for anything else, including times
    /// outside `Checked.earliestTime..<Checked.latestTime`; `Checked.time(_:field:defaultTimeZone:)` says why.
    public static func parse(_ text: String, defaultTimeZone timeZone: TimeZone = shanghai) -> Date? {
        try? Checked.time(text, field: "time", defaultTimeZone: timeZone)
    }

    /// The parse without the range check; nil when the text is not one of the accepted forms.
    static func read(_ text: String, timeZone: TimeZone) -> Date? {
        let s = text.trimmingEdges(.whitespaces)
        guard !s.isEmpty, s.utf8.count <= Checked.maxNumberLength, s.allSatisfy(\.isASCII) else { return nil }
        if let d = try? Date(s, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) { return d }
        if let d = try? Date(s, strategy: Date.ISO8601FormatStyle()) { return d }
        // Local forms without an offset.
        let normalised = s.replacingOccurrences(of: "T", with: " ")
        let parts = normalised.split(separator: " ")
        guard let datePart = parts.first, parts.count <= 2 else { return nil }
        let ymd = datePart.split(separator: "-", omittingEmptySubsequences: false)
        guard ymd.count == 3, ymd[0].count == 4, (1...2).contains(ymd[1].count), (1...2).contains(ymd[2].count),
              let year = digits(ymd[0], 1...9999), let month = digits(ymd[1], 1...12), let day = digits(ymd[2], 1...31)
        else { return nil }
        var c = DateComponents(year: year, month: month, day: day, hour: 0, minute: 0, second: 0)
        if parts.count == 2 {
            let hms = parts[1].split(separator: ":", omittingEmptySubsequences: false)
            guard (2...3).contains(hms.count), (1...2).contains(hms[0].count), hms[1].count == 2,
                  let hour = digits(hms[0], 0...23), let minute = digits(hms[1], 0...59) else { return nil }
            c.hour = hour
            c.minute = minute
            if hms.count == 3 {
                // Seconds: two digits, optionally a fraction of at most nine digits (nanoseconds).
                let sec = hms[2].split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
                guard sec[0].count == 2, let second = digits(sec[0], 0...59) else { return nil }
                c.second = second
                if sec.count == 2 {
                    guard (1...9).contains(sec[1].count), let fraction = digits(sec[1], 0...999_999_999) else { return nil }
                    var nanos = fraction
                    for _ in sec[1].count..<9 { nanos *= 10 }
                    c.nanosecond = nanos
                }
            }
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        guard let date = calendar.date(from: c),
              calendar.component(.day, from: date) == day  // rejects 2026-02-30
        else { return nil }
        return date
    }

    /// ASCII digits only (no sign, no blanks), inside `range`.
    private static func digits(_ text: Substring, _ range: ClosedRange<Int>) -> Int? {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
              let n = Int(text), range.contains(n) else { return nil }
        return n
    }
}

extension Checked {
    /// The time forms the hub reads, for messages.
    public static let timeForms = "ISO-8601（如 2026-11-22T09:30:00+08:00）、2026-11-22 09:30:00 或 2026-11-22"

    /// A time in one of the forms of `HubTime.parse`, inside the accepted range.
    public static func time(_ text: String, field: String, defaultTimeZone timeZone: TimeZone = HubTime.shanghai) throws(FieldError) -> Date {
        guard let date = HubTime.read(text, timeZone: timeZone) else {
            throw FieldError(field: field, reason: "「\(excerpt(text))」不是有效时间，应为 \(timeForms)")
        }
        guard date >= earliestTime, date < latestTime else {
            throw FieldError(field: field, reason: "「\(excerpt(text))」超出范围，时间应在 \(timeRangeText) 之间")
        }
        return date
    }
}
