/// Splits a multipart body at its boundary delimiters (RFC 2046 §5.1.1), in one linear pass.
///
/// A delimiter is a line starting `--boundary`, optionally followed by `--` (the close) and blanks; the line break
/// before it belongs to the delimiter. Preamble and epilogue are dropped. A missing close delimiter ends the last
/// part at the end of the body.
enum MultipartSplitter {
    struct Result: Equatable {
        /// The byte ranges of the body parts (headers included), in order.
        var parts: [Range<Int>] = []
        /// True when at least one delimiter line was found.
        var foundDelimiter = false
        /// True when the close delimiter was found.
        var closed = false
    }

    static func split(_ bytes: [UInt8], in range: Range<Int>, boundary: [UInt8]) -> Result {
        var result = Result()
        guard !boundary.isEmpty else { return result }
        var partStart: Int?
        var lineStart = range.lowerBound
        let end = range.upperBound
        bytes.withUnsafeBufferPointer { buffer in
            while lineStart < end {
                var newline = lineStart
                while newline < end, buffer[newline] != 0x0A { newline += 1 }
                if let isClose = delimiter(buffer, boundary, lineStart, newline) {
                    if let start = partStart {
                        result.parts.append(start..<max(start, lineBreakStart(buffer, before: lineStart)))
                    }
                    result.foundDelimiter = true
                    if isClose {
                        result.closed = true
                        partStart = nil
                        return
                    }
                    partStart = min(newline + 1, end)
                }
                lineStart = newline + 1
            }
        }
        if let start = partStart { result.parts.append(start..<end) }
        return result
    }

    /// nil when the line is not a delimiter; otherwise whether it is the close delimiter.
    private static func delimiter(
        _ buffer: UnsafeBufferPointer<UInt8>, _ boundary: [UInt8], _ start: Int, _ lineEnd: Int
    ) -> Bool? {
        let dash = UInt8(ascii: "-")
        guard lineEnd - start >= boundary.count + 2, buffer[start] == dash, buffer[start + 1] == dash else {
            return nil
        }
        for offset in 0..<boundary.count where buffer[start + 2 + offset] != boundary[offset] { return nil }
        var cursor = start + 2 + boundary.count
        var isClose = false
        if cursor + 1 < lineEnd, buffer[cursor] == dash, buffer[cursor + 1] == dash {
            isClose = true
            cursor += 2
        }
        while cursor < lineEnd {
            let byte = buffer[cursor]
            guard byte == 0x20 || byte == 0x09 || byte == 0x0D else { return nil }
            cursor += 1
        }
        return isClose
    }

    /// The start of the CRLF or LF that ends the line before `lineStart`.
    private static func lineBreakStart(_ buffer: UnsafeBufferPointer<UInt8>, before lineStart: Int) -> Int {
        var index = lineStart
        if index > 0, buffer[index - 1] == 0x0A { index -= 1 }
        if index > 0, buffer[index - 1] == 0x0D { index -= 1 }
        return index
    }
}
