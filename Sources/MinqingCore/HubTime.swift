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

    /// Parses ISO-8601 (`2026-11-22T09:30:00+08:00`, `…Z`, with or without fractional seconds) and
    /// `2026-11-22 09:30:00` / `2026-11-22T09:30:00` without offset, which are read in `timeZone`.
    /// Plain dates (`2026-11-22`) are the start of that day in `timeZone`.
    public static func parse(_ text: String, defaultTimeZone timeZone: TimeZone = shanghai) -> Date? {
        let s = text.trimmingCharacters(in: .whitespaces)
        guard !s.isEmpty else { return nil }
        if let d = try? Date(s, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) { return d }
        if let d = try? Date(s, strategy: Date.ISO8601FormatStyle()) { return d }
        // Local forms without an offset.
        let normalised = s.replacingOccurrences(of: "T", with: " ")
        let parts = normalised.split(separator: " ")
        guard let datePart = parts.first else { return nil }
        let ymd = datePart.split(separator: "-").compactMap { Int($0) }
        guard ymd.count == 3 else { return nil }
        var c = DateComponents(year: ymd[0], month: ymd[1], day: ymd[2], hour: 0, minute: 0, second: 0)
        if parts.count == 2 {
            let hms = parts[1].split(separator: ":").map { Double($0) }
            guard (2...3).contains(hms.count), hms.allSatisfy({ $0 != nil }) else { return nil }
            c.hour = Int(hms[0]!)
            c.minute = Int(hms[1]!)
            if hms.count == 3 {
                c.second = Int(hms[2]!)
                c.nanosecond = Int((hms[2]! - Double(Int(hms[2]!))) * 1e9)
            }
        } else if parts.count > 2 {
            return nil
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        guard let date = calendar.date(from: c),
              calendar.component(.day, from: date) == ymd[2]  // rejects 2026-02-30
        else { return nil }
        return date
    }
}
