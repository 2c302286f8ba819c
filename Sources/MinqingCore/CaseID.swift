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

    /// Parses `MQ-20261122-0042`; returns nil for anything else.
    public init?(_ text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3,
              CaseID.isValidPrefix(String(parts[0])),
              parts[1].count == 8, parts[1].allSatisfy(\.isASCIIDigitCharacter),
              parts[2].count >= 4, parts[2].allSatisfy(\.isASCIIDigitCharacter),
              let sequence = Int(parts[2]), sequence > 0
        else { return nil }
        self.init(prefix: String(parts[0]).uppercased(), day: String(parts[1]), sequence: sequence)
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
