import Foundation
import MinqingCore

/// Field conversions shared by the letters API and the CSV import.
enum LetterFields {
    /// `2026-11-22`, `2026/11/22`, `2026年11月22日` (midnight, office time) or a full ISO-8601 time.
    static func date(_ text: String, timeZone: TimeZone) -> Date? {
        if let d = HubTime.parse(text, defaultTimeZone: timeZone) { return d }
        let pieces = text.split(whereSeparator: { !$0.isASCII || !$0.isNumber })
        guard pieces.count == 3, let year = try? Checked.int(pieces[0], field: "date", in: 1970...2199),
              let month = try? Checked.int(pieces[1], field: "date", in: 1...12),
              let day = try? Checked.int(pieces[2], field: "date", in: 1...31) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let components = DateComponents(year: year, month: month, day: day)
        guard components.isValidDate(in: calendar) else { return nil }
        return calendar.date(from: components)
    }

    static func base64(_ text: String) -> Data? {
        var s = text.filter { !$0.isWhitespace }
        if let comma = s.firstIndex(of: ","), s.hasPrefix("data:") { s = String(s[s.index(after: comma)...]) }
        while s.count % 4 != 0 { s += "=" }
        return Data(base64Encoded: s)
    }

    static func contentType(of filename: String) -> String {
        switch (filename as NSString).pathExtension.lowercased() {
        case "jpg", "jpeg": "image/jpeg"
        case "png": "image/png"
        case "pdf": "application/pdf"
        case "tif", "tiff": "image/tiff"
        default: "application/octet-stream"
        }
    }
}
