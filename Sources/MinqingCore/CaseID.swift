import Foundation

/// A case id citizens can quote on the phone: `PREFIX-YYYYMMDD-NNNN`, e.g. `MQ-20261122-0042`.
///
/// The date is the registration day in the office's time zone and `NNNN` is that day's sequence number,
/// starting at 1 (it widens beyond four digits on a day with more than 9,999 cases). The prefix is
/// configurable per office (letters and digits, 1–8 characters).
public struct CaseID: Hashable, Sendable, Comparable, CustomStringConvertible, Codable {
    public let prefix: String
    /// Registration day as `YYYYMMDD`.
    public let day: String
    public let sequence: Int

    public init(prefix: String, day: String, sequence: Int) {
        self.prefix = prefix
        self.day = day
        self.sequence = sequence
    }

    /// Parses `MQ-20261122-0042` (spaces around it allowed, a lower-case prefix too); returns nil for anything else.
    ///
    /// On the bytes, without Foundation: every case read from the ledger parses its id, so this is on the hot path.
    public init?(_ text: String) {
        var bytes = Substring(text).utf8[...]
        guard bytes.allSatisfy({ $0 < 0x80 }) else {
            // Only non-ASCII whitespace around an id (an ideographic space typed with it) can still make one valid.
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            guard trimmed != text, trimmed.utf8.allSatisfy({ $0 < 0x80 }) else { return nil }
            self.init(trimmed)
            return
        }
        while let first = bytes.first, first == 0x20 || first == 0x09 { bytes.removeFirst() }
        while let last = bytes.last, last == 0x20 || last == 0x09 { bytes.removeLast() }
        let parts = bytes.split(separator: UInt8(ascii: "-"), maxSplits: 3, omittingEmptySubsequences: false)
        func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
        func isAlphanumeric(_ b: UInt8) -> Bool { isDigit(b) || (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A }
        guard parts.count == 3,
              (1...8).contains(parts[0].count), parts[0].allSatisfy(isAlphanumeric),
              parts[1].count == 8, parts[1].allSatisfy(isDigit),
              (4...18).contains(parts[2].count), parts[2].allSatisfy(isDigit)
        else { return nil }
        let sequence = parts[2].reduce(0) { $0 * 10 + Int($1 - 0x30) }
        guard sequence > 0 else { return nil }
        let prefix = String(decoding: parts[0].map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 }, as: UTF8.self)
        self.init(prefix: prefix, day: String(decoding: parts[1], as: UTF8.self), sequence: sequence)
    }

    public var description: String {
        let number = String(sequence)
        return "\(prefix)-\(day)-\(String(repeating: "0", count: max(0, 4 - number.count)))\(number)"
    }

    public static func isValidPrefix(_ prefix: String) -> Bool {
        (1...8).contains(prefix.count) && prefix.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
    }

    /// The `YYYYMMDD` day of `date` in `timeZone`.
    public static func day(of date: Date, in timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d%02d%02d", c.year!, c.month!, c.day!)
    }

    public static func < (lhs: CaseID, rhs: CaseID) -> Bool {
        (lhs.day, lhs.sequence, lhs.prefix) < (rhs.day, rhs.sequence, rhs.prefix)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let id = CaseID(text) else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath,
                debugDescription: "案件编号「\(text)」格式不对，应为 MQ-20261122-0042 这样的形式"))
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension Character {
    var isASCIIDigitCharacter: Bool { isASCII && isNumber }
}
