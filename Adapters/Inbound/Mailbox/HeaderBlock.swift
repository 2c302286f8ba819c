/// The header section of a message or MIME entity, and where its body starts.
///
/// Lines end in CRLF or bare LF. Folded lines are unfolded by removing the line break only (RFC 5322 §2.2.3).
/// A leading mbox `From ` line is skipped. A line that is neither a field nor a continuation ends the header
/// section early (with a warning), so a part that lacks the blank separator line still has a body.
struct HeaderBlock: Sendable {
    private(set) var fields: [HeaderField] = []
    /// Index in the parsed buffer of the first body byte.
    private(set) var bodyStart: Int

    /// The first field named `name` (lower-case).
    func value(_ name: String) -> ArraySlice<UInt8>? {
        fields.first { $0.name == name }?.value
    }

    /// All fields named `name` (lower-case), in order.
    func values(_ name: String) -> [ArraySlice<UInt8>] {
        fields.filter { $0.name == name }.map(\.value)
    }

    /// The first field named `name`, decoded as text with RFC 2047 encoded-words resolved; raw 8-bit bytes are
    /// read in `rawCharset` (the charset the message declares for its text) before any guess.
    func text(_ name: String, rawCharset: String? = nil, log: inout WarningLog) -> String? {
        value(name).map { EncodedWords.decode($0, context: displayName(name), rawCharset: rawCharset, log: &log) }
    }

    /// The first field named `name` as trimmed ASCII-ish text (structured values such as encodings and ids).
    func plain(_ name: String) -> String? {
        value(name).map { String(decoding: $0, as: UTF8.self) }
    }

    static func parse(_ bytes: [UInt8], in range: Range<Int>, log: inout WarningLog) -> HeaderBlock {
        var block = HeaderBlock(bodyStart: range.upperBound)
        var current: (name: String, value: [UInt8])?
        var lineStart = range.lowerBound
        let end = range.upperBound
        var isFirstLine = true

        func finish() {
            if let field = current {
                block.fields.append(HeaderField(name: field.name, value: trimmed(field.value)))
                current = nil
            }
        }

        while lineStart < end {
            let newline = bytes[lineStart..<end].firstIndex(of: 0x0A) ?? end
            var contentEnd = newline
            if contentEnd > lineStart, bytes[contentEnd - 1] == 0x0D { contentEnd -= 1 }
            let nextLine = newline < end ? newline + 1 : end
            defer { isFirstLine = false }

            if contentEnd == lineStart {  // the blank line
                finish()
                block.bodyStart = nextLine
                return block
            }
            let first = bytes[lineStart]
            if first == 0x20 || first == 0x09 {
                if current != nil {
                    current!.value.append(contentsOf: bytes[lineStart..<contentEnd])
                }
                lineStart = nextLine
                continue
            }
            if isFirstLine, bytes[lineStart..<contentEnd].starts(with: Self.mboxFrom) {
                lineStart = nextLine
                continue
            }
            if let colon = fieldNameEnd(bytes, from: lineStart, to: contentEnd) {
                finish()
                var nameEnd = colon
                while nameEnd > lineStart, bytes[nameEnd - 1] == 0x20 || bytes[nameEnd - 1] == 0x09 { nameEnd -= 1 }
                let name = String(decoding: bytes[lineStart..<nameEnd], as: UTF8.self).lowercased()
                current = (name, Array(bytes[(colon + 1)..<contentEnd]))
                lineStart = nextLine
                continue
            }
            finish()
            if !block.fields.isEmpty {
                log.add("header section ended by a line that is not a header field")
            }
            block.bodyStart = lineStart
            return block
        }
        finish()
        block.bodyStart = end
        return block
    }

    private static let mboxFrom = Array("From ".utf8)

    /// The index of the colon ending a field name (printable ASCII, optional blanks before the colon).
    private static func fieldNameEnd(_ bytes: [UInt8], from start: Int, to end: Int) -> Int? {
        var index = start
        while index < end {
            let byte = bytes[index]
            if byte == UInt8(ascii: ":") { return index > start ? index : nil }
            if byte == 0x20 || byte == 0x09 {
                var cursor = index
                while cursor < end, bytes[cursor] == 0x20 || bytes[cursor] == 0x09 { cursor += 1 }
                return cursor < end && bytes[cursor] == UInt8(ascii: ":") && index > start ? cursor : nil
            }
            guard byte > 0x20, byte < 0x7F else { return nil }
            index += 1
        }
        return nil
    }

    private static func trimmed(_ value: [UInt8]) -> ArraySlice<UInt8> {
        var lower = value.startIndex, upper = value.endIndex
        while lower < upper, isBlank(value[lower]) { lower += 1 }
        while upper > lower, isBlank(value[upper - 1]) { upper -= 1 }
        return value[lower..<upper]
    }

    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A
    }

    private func displayName(_ name: String) -> String {
        name.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: "-")
    }
}
