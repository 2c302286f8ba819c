/// Why one row of a call file cannot be taken: the column (1-based) and field at fault, and what to do.
public struct RowError: Error, Sendable, Hashable, CustomStringConvertible {
    public var column: Int?
    public var field: String
    public var reason: String

    public init(column: Int?, field: String, reason: String) {
        self.column = column
        self.field = field
        self.reason = reason
    }

    public var description: String {
        (column.map { "第 \($0) 列" } ?? "") + "（\(field)）：\(reason)"
    }
}

/// Turns the fields of one CSV row into a call.
public protocol CallRowFormat: Sendable {
    /// Where the rows come from, as rejected rows name it (`asterisk`, `cloud:aliyun`).
    var origin: String { get }
    func call(from fields: [String], raw: Data) throws(RowError) -> CallRecord
}

import Foundation

/// A stable id for a row that carries none (FNV-1a, 64 bits, hex): the same line always gets the same id.
func rowFingerprint(_ data: Data) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in data {
        hash ^= UInt64(byte)
        hash = hash &* 0x0000_0100_0000_01b3
    }
    return String(hash, radix: 16)
}
