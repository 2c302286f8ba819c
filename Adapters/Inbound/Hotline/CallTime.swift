import Foundation
import MinqingCore

/// Times as telephony systems send them: ISO-8601 strings, local `YYYY-MM-DD HH:MM:SS`, epoch seconds or epoch
/// milliseconds (as numbers or digit strings). All go through `Checked`: finite, 1970–2199, never a trap.
public enum CallTime {
    /// Epoch values above this are milliseconds (1e11 s is the year 5138; 1e11 ms is 1973).
    static let millisecondThreshold = Checked.millisecondThreshold

    public static func parse(_ text: String, timeZone: TimeZone) -> Date? {
        try? checked(text, field: "time", timeZone: timeZone)
    }

    /// `text` as a time, or a `FieldError` naming `field` and the accepted forms.
    public static func checked(_ text: String, field: String, timeZone: TimeZone) throws(FieldError) -> Date {
        let s = text.trimmingCharacters(in: .whitespaces)
        let isDigits = !s.isEmpty && s.utf8.allSatisfy { ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: ".") }
        do {
            if isDigits { return try Checked.epoch(try Checked.double(s, field: field), field: field) }
            return try Checked.time(s, field: field, defaultTimeZone: timeZone)
        } catch {
            throw FieldError(field: field, reason: "「\(Checked.excerptForMessage(s))」不是有效时间，\(hint)")
        }
    }

    /// A JSON number as epoch seconds or milliseconds, or a `FieldError`.
    public static func checked(_ n: Double, field: String) throws(FieldError) -> Date {
        do { return try Checked.epoch(n, field: field) } catch {
            throw FieldError(field: field, reason: "\(error.reason)；\(hint)")
        }
    }

    public static func epoch(_ n: Double) -> Date? { try? Checked.epoch(n, field: "time") }

    static let hint = "应为 ISO-8601（如 2026-11-22T09:30:00+08:00）、2026-11-22 09:30:00、秒或毫秒时间戳（\(Checked.timeRangeText)）"
}
