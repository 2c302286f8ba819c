import CSV
import Foundation

/// One CSV record cut out of a byte stream: its bytes, where it starts, and the line it starts on.
public struct CSVRecordSlice: Sendable, Hashable {
    public var bytes: Data
    /// Byte offset of the record in the file.
    public var offset: Int64
    /// Byte offset just after the record (and its line break).
    public var end: Int64
    /// 1-based line number of the record's first line.
    public var line: Int
}

/// Finds record boundaries in CSV bytes for a follower that must know byte offsets: a record ends at a line break
/// outside double quotes (a quoted field may hold line breaks; `""` is an escaped quote and keeps the parity).
/// The fields themselves are parsed by CSV.swift (`CSVFields.parse`).
public struct CSVRecordScanner: Sendable {
    public init() {}

    /// Complete records in `buffer` (which starts at file offset `base`, on line `firstLine`); the bytes after the
    /// last complete record are left for the next read.
    public func records(in buffer: Data, base: Int64, firstLine: Int) -> (records: [CSVRecordSlice], consumed: Int, lines: Int) {
        var records: [CSVRecordSlice] = []
        var inQuotes = false
        var start = buffer.startIndex
        var line = firstLine
        var recordLine = firstLine
        var index = buffer.startIndex
        while index < buffer.endIndex {
            let byte = buffer[index]
            if byte == UInt8(ascii: "\"") {
                inQuotes.toggle()
            } else if byte == UInt8(ascii: "\n") {
                line += 1
                if !inQuotes {
                    var contentEnd = index
                    if contentEnd > start, buffer[contentEnd - 1] == UInt8(ascii: "\r") { contentEnd -= 1 }
                    let bytes = buffer[start..<contentEnd]
                    if !bytes.isEmpty {
                        records.append(CSVRecordSlice(
                            bytes: Data(bytes), offset: base + Int64(start - buffer.startIndex),
                            end: base + Int64(index + 1 - buffer.startIndex), line: recordLine))
                    }
                    start = index + 1
                    recordLine = line
                }
            }
            index += 1
        }
        return (records, start - buffer.startIndex, recordLine - firstLine)
    }
}

/// Field parsing by CSV.swift: RFC 4180 quoting, `""` escapes, commas and line breaks inside quotes.
public enum CSVFields {
    /// The fields of one record, or nil when the bytes are not UTF-8.
    public static func parse(_ record: Data) -> [String]? {
        guard let text = String(data: record, encoding: .utf8) else { return nil }
        guard let reader = try? CSVReader(string: text) else { return nil }
        return reader.next() ?? [""]
    }
}
