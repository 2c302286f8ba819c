/// Quoted-printable (RFC 2045 §6.7) and the Q encoding of RFC 2047 encoded-words.
///
/// Soft line breaks (`=` before CRLF or LF, even with trailing blanks) are removed, `=XX` escapes (either case)
/// become bytes, trailing blanks of each line are dropped, and malformed escapes are kept literally and counted.
enum QuotedPrintableDecoder {
    struct Result: Equatable {
        var bytes: [UInt8]
        /// `=` signs that started neither an escape nor a soft line break.
        var malformedEscapes: Int
    }

    /// - Parameter qEncoding: true for RFC 2047 Q: `_` is a space and there are no lines.
    static func decode(_ input: ArraySlice<UInt8>, qEncoding: Bool = false) -> Result {
        var output: [UInt8] = []
        output.reserveCapacity(input.count)
        var malformed = 0
        // Bytes before this index in `output` are protected from trailing-blank stripping.
        var protectedEnd = 0
        var index = input.startIndex
        let end = input.endIndex
        while index < end {
            let byte = input[index]
            switch byte {
            case UInt8(ascii: "="):
                if index + 2 < end, let high = hexValue(input[index + 1]), let low = hexValue(input[index + 2]) {
                    output.append(high << 4 | low)
                    protectedEnd = output.count
                    index += 3
                    continue
                }
                if !qEncoding, let next = softBreakEnd(input, after: index) {
                    index = next
                    continue
                }
                malformed += 1
                output.append(byte)
                protectedEnd = output.count
                index += 1
            case UInt8(ascii: "_") where qEncoding:
                output.append(UInt8(ascii: " "))
                protectedEnd = output.count
                index += 1
            case 0x0A where !qEncoding:
                stripTrailingBlanks(&output, protectedEnd: protectedEnd)
                output.append(byte)
                protectedEnd = output.count
                index += 1
            case 0x0D where !qEncoding:
                if index + 1 < end, input[index + 1] == 0x0A {
                    stripTrailingBlanks(&output, protectedEnd: protectedEnd)
                    output.append(0x0D)
                    output.append(0x0A)
                    protectedEnd = output.count
                    index += 2
                } else {
                    output.append(byte)
                    protectedEnd = output.count
                    index += 1
                }
            case UInt8(ascii: " "), 0x09:
                output.append(byte)
                index += 1
            default:
                output.append(byte)
                protectedEnd = output.count
                index += 1
            }
        }
        return Result(bytes: output, malformedEscapes: malformed)
    }

    /// If `=` at `index` is followed by optional blanks and a line break (or the end), the index after the break.
    private static func softBreakEnd(_ input: ArraySlice<UInt8>, after index: Int) -> Int? {
        var cursor = index + 1
        while cursor < input.endIndex, input[cursor] == 0x20 || input[cursor] == 0x09 { cursor += 1 }
        if cursor == input.endIndex { return cursor }
        if input[cursor] == 0x0A { return cursor + 1 }
        if input[cursor] == 0x0D {
            if cursor + 1 < input.endIndex, input[cursor + 1] == 0x0A { return cursor + 2 }
            return cursor + 1
        }
        return nil
    }

    private static func stripTrailingBlanks(_ output: inout [UInt8], protectedEnd: Int) {
        while output.count > protectedEnd, let last = output.last, last == 0x20 || last == 0x09 {
            output.removeLast()
        }
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}
