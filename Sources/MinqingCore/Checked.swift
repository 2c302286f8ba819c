import Foundation

/// A value from outside (JSON, query string, form, CSV, CDR file, mail header, config) that is not accepted:
/// which field, and — in Chinese, for the person who sent it — what is accepted instead.
///
/// HTTP routes turn it into a 400 problem+json (`MinqingHTTP` makes it an `HTTPResponseError`); readers of files
/// turn it into a row error; nothing turns it into a trap.
public struct FieldError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The field as the sender wrote it (`ring_time`, `start_date`, `limit`, `hotline.cdr.poll`).
    public var field: String
    /// What was wrong and what is accepted, e.g. 「1e300」不是有效时间，应为 …
    public var reason: String

    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }

    public var description: String { "\(field)：\(reason)" }
}

/// The one checked conversion for numbers and times that come from outside the hub.
///
/// Every function is total: it returns a value that is finite and inside the stated range, or throws a
/// `FieldError`; none of them traps on any input (non-finite, huge, negative, 400 digits, invalid text).
/// The accepted forms are listed in docs/parsing.md.
public enum Checked {
    // MARK: Limits

    /// Times the hub accepts from outside: 1970-01-01T00:00:00Z up to (not including) 2200-01-01T00:00:00Z.
    /// Earlier or later instants are typing errors (or attacks); both ends are far from any real case.
    public static let earliestTime = Date(timeIntervalSince1970: 0)
    public static let latestTime = Date(timeIntervalSince1970: 7_258_118_400)  // 2200-01-01T00:00:00Z
    /// The longest text we try to read as a number or a time; longer text is refused before any parsing.
    public static let maxNumberLength = 64

    /// Human-readable range of accepted times, for messages.
    public static let timeRangeText = "1970-01-01 至 2199-12-31"

    // MARK: Integers

    /// Decimal integer text (optional sign, digits, optional `_` separators when `underscores`), inside `range`.
    public static func int(
        _ text: some StringProtocol, field: String, in range: ClosedRange<Int> = Int.min...Int.max,
        underscores: Bool = false
    ) throws(FieldError) -> Int {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let digits = underscores ? trimmed.replacingOccurrences(of: "_", with: "") : trimmed
        guard digits.utf8.count <= maxNumberLength, let n = Int(digits) else {
            throw FieldError(field: field, reason: "「\(excerpt(text))」不是整数，应为 \(describe(range)) 之间的整数")
        }
        guard range.contains(n) else {
            throw FieldError(field: field, reason: "\(n) 超出范围，应为 \(describe(range)) 之间的整数")
        }
        return n
    }

    /// A whole number given as a `Double` (a JSON number), inside `range`; fractions are refused unless `rounding`.
    public static func int(
        _ value: Double, field: String, in range: ClosedRange<Int>, rounding: FloatingPointRoundingRule? = nil
    ) throws(FieldError) -> Int {
        let v = rounding.map { value.rounded($0) } ?? value
        guard v.isFinite, v == v.rounded(), v >= Double(range.lowerBound), v <= Double(range.upperBound),
              let n = Int(exactly: v), range.contains(n) else {
            throw FieldError(field: field, reason: "\(numberText(value)) 不可用，应为 \(describe(range)) 之间的整数")
        }
        return n
    }

    // MARK: Floating point

    /// Decimal number text (`12`, `-3.5`, `1e3`), finite and inside `range`. `nan`, `inf`, hex floats are refused.
    public static func double(
        _ text: some StringProtocol, field: String, in range: ClosedRange<Double> = -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude
    ) throws(FieldError) -> Double {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard t.utf8.count <= maxNumberLength, isDecimal(t), let n = Double(t) else {
            throw FieldError(field: field, reason: "「\(excerpt(text))」不是数字，应为 \(describe(range)) 之间的十进制数")
        }
        return try finite(n, field: field, in: range)
    }

    /// `value` when finite and inside `range`.
    public static func finite(
        _ value: Double, field: String, in range: ClosedRange<Double> = -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude
    ) throws(FieldError) -> Double {
        guard value.isFinite, range.contains(value) else {
            throw FieldError(field: field, reason: "\(numberText(value)) 不可用，应为 \(describe(range)) 之间的有限数")
        }
        return value
    }

    // MARK: Times

    /// Epoch values at or above this are milliseconds (1e11 s is the year 5138; 1e11 ms is 1973).
    public static let millisecondThreshold = 100_000_000_000.0

    /// Seconds since 1970 as a `Date` inside the accepted time range.
    public static func epochSeconds(_ seconds: Double, field: String) throws(FieldError) -> Date {
        guard seconds.isFinite, seconds >= earliestTime.timeIntervalSince1970, seconds < latestTime.timeIntervalSince1970 else {
            throw FieldError(field: field, reason: "时间戳 \(numberText(seconds)) 超出范围，应在 \(timeRangeText) 之间（秒或毫秒）")
        }
        return Date(timeIntervalSince1970: seconds)
    }

    /// Epoch seconds or, from 1e11 up, epoch milliseconds (what telephony systems send), inside the accepted range.
    public static func epoch(_ n: Double, field: String) throws(FieldError) -> Date {
        guard n.isFinite, n > 0 else {
            throw FieldError(field: field, reason: "时间戳 \(numberText(n)) 不可用，应为正的秒或毫秒时间戳")
        }
        return try epochSeconds(n >= millisecondThreshold ? n / 1000 : n, field: field)
    }

    /// A `Date` inside the accepted range (for times parsed by other means, e.g. ISO-8601 with a five-digit year).
    public static func time(_ date: Date, field: String) throws(FieldError) -> Date {
        try epochSeconds(date.timeIntervalSince1970, field: field)
    }

    // MARK: Text

    /// `text` when it has at most `maxCharacters` characters.
    public static func text(_ text: String, field: String, maxCharacters: Int) throws(FieldError) -> String {
        // Count UTF-8 first: cheap, and an upper bound of the character count.
        guard text.utf8.count > maxCharacters, text.count > maxCharacters else { return text }
        throw FieldError(field: field, reason: "太长（\(text.count) 个字符），最多 \(maxCharacters) 个字符，请缩短后重试")
    }

    // MARK: Arithmetic

    /// `a * b`, or a `FieldError` instead of an overflow trap.
    public static func multiply(_ a: Int, _ b: Int, field: String, accepted: String) throws(FieldError) -> Int {
        let (r, overflow) = a.multipliedReportingOverflow(by: b)
        guard !overflow else { throw FieldError(field: field, reason: "数值太大，\(accepted)") }
        return r
    }

    /// `a + b`, or a `FieldError` instead of an overflow trap.
    public static func add(_ a: Int, _ b: Int, field: String, accepted: String) throws(FieldError) -> Int {
        let (r, overflow) = a.addingReportingOverflow(b)
        guard !overflow else { throw FieldError(field: field, reason: "数值太大，\(accepted)") }
        return r
    }

    /// `value` moved into `range` (for paging parameters that are clamped rather than refused).
    public static func clamp(_ value: Int, to range: ClosedRange<Int>) -> Int {
        min(max(value, range.lowerBound), range.upperBound)
    }

    // MARK: Pieces

    /// Optional sign, digits, optional fraction, optional exponent — what people mean by a number.
    static func isDecimal(_ t: String) -> Bool {
        var bytes = Substring(t).utf8[...]
        if let first = bytes.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        var digits = 0, dots = 0, sawExponent = false, exponentDigits = 0
        var previous: UInt8 = 0
        for b in bytes {
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if sawExponent { exponentDigits += 1 } else { digits += 1 }
            case UInt8(ascii: "."):
                guard !sawExponent, dots == 0 else { return false }
                dots += 1
            case UInt8(ascii: "e"), UInt8(ascii: "E"):
                guard !sawExponent, digits > 0 else { return false }
                sawExponent = true
            case UInt8(ascii: "+"), UInt8(ascii: "-"):
                guard previous == UInt8(ascii: "e") || previous == UInt8(ascii: "E") else { return false }
            default:
                return false
            }
            previous = b
        }
        return digits > 0 && (!sawExponent || exponentDigits > 0)
    }

    /// At most 40 characters of `text`, for messages (a 400-digit value is not echoed whole).
    public static func excerptForMessage(_ text: some StringProtocol) -> String { excerpt(text) }

    static func excerpt(_ text: some StringProtocol) -> String {
        let s = String(text)
        return s.count <= 40 ? s : String(s.prefix(40)) + "…"
    }

    static func numberText(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-∞" : "∞" }
        return "\(value)"
    }

    static func describe(_ range: ClosedRange<Int>) -> String {
        let low = range.lowerBound == Int.min ? "-∞" : String(range.lowerBound)
        let high = range.upperBound == Int.max ? "∞" : String(range.upperBound)
        return "\(low) 到 \(high)"
    }

    static func describe(_ range: ClosedRange<Double>) -> String {
        let low = range.lowerBound <= -Double.greatestFiniteMagnitude ? "-∞" : numberText(range.lowerBound)
        let high = range.upperBound >= Double.greatestFiniteMagnitude ? "∞" : numberText(range.upperBound)
        return "\(low) 到 \(high)"
    }
}
