import Foundation
import MinqingCore

/// Times as telephony systems send them: ISO-8601 strings, local `YYYY-MM-DD HH:MM:SS`, epoch seconds or epoch
/// milliseconds (as numbers or digit strings).
public enum CallTime {
    /// Epoch values above this are milliseconds (1e11 s is the year 5138; 1e11 ms is 1973).
    static let millisecondThreshold = 100_000_000_000.0

    public static func parse(_ text: String, timeZone: TimeZone) -> Date? {
        let s = text.trimmingCharacters(in: .whitespaces)
        guard !s.isEmpty else { return nil }
        if let n = Double(s), s.allSatisfy({ $0.isNumber || $0 == "." }) { return epoch(n) }
        return HubTime.parse(s, defaultTimeZone: timeZone)
    }

    public static func epoch(_ n: Double) -> Date? {
        guard n > 0, n.isFinite else { return nil }
        let seconds = n >= millisecondThreshold ? n / 1000 : n
        // Past 9999-12-31 a time has no ISO-8601 form to answer with: refuse it (422) instead.
        guard seconds <= 253_402_300_799 else { return nil }
        return Date(timeIntervalSince1970: seconds)
    }

    static let hint = "应为 ISO-8601（如 2026-11-22T09:30:00+08:00）、2026-11-22 09:30:00、秒或毫秒时间戳"
}
