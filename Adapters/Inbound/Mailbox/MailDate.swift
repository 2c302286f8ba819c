import Foundation

/// Parses the `Date` header: RFC 5322 (with obsolete forms) plus the ISO-like dates some Chinese systems write.
///
/// Accepted: `Tue, 5 Mar 2024 09:12:33 +0800 (CST)`, `5 Mar 24 9:12 GMT`, `Mar 5 2024 09:12:33 +0800`,
/// `2024-03-05 09:12:33 +0800`, `2024-03-05T09:12:33+08:00`, `2024/3/5 9:12:33`.
/// Zone names: UT, UTC, GMT, Z, the US zones of RFC 5322, and CST — which on Chinese mail means China Standard
/// Time, so it is read as +0800 (with a warning). A missing zone is taken as +0800 (with a warning).
enum MailDate {
    /// China Standard Time, the zone assumed when a Chinese sender omits one.
    static let chinaOffsetSeconds = 8 * 3600

    static func parse(_ text: String, log: inout WarningLog) -> Date? {
        let tokens = tokenize(text)
        var day: Int?, month: Int?, year: Int?
        var time: (hour: Int, minute: Int, second: Int)?
        var offset: Int?
        var numbers: [Int] = []

        for token in tokens {
            if let parsed = isoDateTime(token) {
                (year, month, day) = (parsed.year, parsed.month, parsed.day)
                if let parsedTime = parsed.time { time = parsedTime }
                if let parsedOffset = parsed.offset { offset = parsedOffset }
            } else if token.contains(":"), time == nil, let parsed = clock(token) {
                time = parsed
            } else if let zone = numericZone(token), offset == nil, time != nil || !numbers.isEmpty {
                offset = zone
            } else if let monthNumber = monthNames[String(token.prefix(3)).lowercased()], month == nil {
                month = monthNumber
            } else if let zone = namedZone(token.uppercased()), offset == nil {
                if token.uppercased() == "CST" { log.add("Date: zone CST read as China Standard Time (+0800)") }
                offset = zone
            } else if let number = Int(token) {
                numbers.append(number)
            }
        }
        // Remaining numbers: day and year in either order ("5 Mar 2024", "Mar 5 2024").
        for number in numbers {
            if day == nil, (1...31).contains(number) {
                day = number
            } else if year == nil {
                year = number
            }
        }
        guard var year, let month, let day else {
            log.add("Date: unreadable date \"\(text)\"")
            return nil
        }
        if year < 50 { year += 2000 } else if year < 1000 { year += 1900 }
        let clockTime = time ?? (0, 0, 0)
        guard (1...12).contains(month), (1...31).contains(day), (0...23).contains(clockTime.hour),
              (0...59).contains(clockTime.minute), (0...60).contains(clockTime.second), (1900...9999).contains(year) else {
            log.add("Date: unreadable date \"\(text)\"")
            return nil
        }
        if offset == nil { log.add("Date: no time zone; +0800 assumed") }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + clockTime.hour * 3600 + clockTime.minute * 60 + min(clockTime.second, 59)
            - (offset ?? chinaOffsetSeconds)
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    // MARK: Pieces

    private static let monthNames: [String: Int] = [
        "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
        "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
    ]

    /// Splits on blanks and commas, dropping (comments).
    private static func tokenize(_ text: String) -> [Substring] {
        var cleaned = ""
        var depth = 0
        for character in text {
            if character == "(" { depth += 1; continue }
            if character == ")" { depth = max(0, depth - 1); continue }
            if depth == 0 { cleaned.append(character) }
        }
        return cleaned.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" })
    }

    private static func clock(_ token: Substring) -> (hour: Int, minute: Int, second: Int)? {
        let parts = token.split(separator: ":", omittingEmptySubsequences: false)
        guard (2...3).contains(parts.count), let hour = Int(parts[0]), let minute = Int(parts[1]) else { return nil }
        let second = parts.count == 3 ? Int(parts[2].prefix { $0.isNumber }) : 0
        guard let second else { return nil }
        return (hour, minute, second)
    }

    /// `+0800`, `-0700`, `+08:00`, `+08`.
    private static func numericZone(_ token: Substring) -> Int? {
        guard let sign = token.first, sign == "+" || sign == "-" else { return nil }
        let digits = token.dropFirst().filter { $0 != ":" }
        guard digits.allSatisfy(\.isNumber), digits.count == 4 || digits.count == 2,
              let value = Int(digits) else { return nil }
        let hours = digits.count == 4 ? value / 100 : value
        let minutes = digits.count == 4 ? value % 100 : 0
        guard hours <= 14, minutes < 60 else { return nil }
        return (sign == "-" ? -1 : 1) * (hours * 3600 + minutes * 60)
    }

    private static func namedZone(_ name: String) -> Int? {
        switch name {
        case "UT", "UTC", "GMT", "Z": 0
        case "CST": chinaOffsetSeconds
        case "EST": -5 * 3600
        case "EDT": -4 * 3600
        case "CDT": -5 * 3600
        case "MST": -7 * 3600
        case "MDT": -6 * 3600
        case "PST": -8 * 3600
        case "PDT": -7 * 3600
        case "HKT": 8 * 3600
        case "JST", "KST": 9 * 3600
        default: nil
        }
    }

    /// `2024-03-05`, `2024/3/5`, `2024-03-05T09:12:33+08:00`, `2024-03-05T01:12:33Z`.
    private static func isoDateTime(
        _ token: Substring
    ) -> (year: Int, month: Int, day: Int, time: (hour: Int, minute: Int, second: Int)?, offset: Int?)? {
        var datePart = token
        var rest: Substring = ""
        if let t = token.firstIndex(where: { $0 == "T" || $0 == "t" }) {
            datePart = token[..<t]
            rest = token[token.index(after: t)...]
        }
        let pieces = datePart.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "-" || $0 == "/" })
        guard pieces.count == 3, pieces[0].count == 4, let year = Int(pieces[0]), let month = Int(pieces[1]),
              let day = Int(pieces[2]) else { return nil }
        guard !rest.isEmpty else { return (year, month, day, nil, nil) }
        var offset: Int?
        var clockPart = rest
        if rest.hasSuffix("Z") || rest.hasSuffix("z") {
            offset = 0
            clockPart = rest.dropLast()
        } else if let sign = rest.lastIndex(where: { $0 == "+" || $0 == "-" }) {
            offset = numericZone(rest[sign...])
            clockPart = rest[..<sign]
        }
        return (year, month, day, clock(clockPart), offset)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
