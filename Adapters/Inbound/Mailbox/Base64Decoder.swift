/// Tolerant base64 (RFC 2045 §6.8) as mail needs it.
///
/// Line breaks and other whitespace are skipped; missing padding is accepted; `=` ends the current quantum, so
/// concatenated padded chunks decode as a whole; any other character outside the alphabet is skipped and counted.
/// Never fails: the result holds every byte that could be recovered.
enum Base64Decoder {
    struct Result: Equatable {
        var bytes: [UInt8]
        /// Characters outside the base64 alphabet (whitespace excepted) that were skipped.
        var invalidCharacters: Int
        /// True when a quantum ended after a single character (six bits that form no byte).
        var truncated: Bool
        /// True when the input ended inside a quantum without padding (what a cut-off message looks like).
        var unpaddedEnd: Bool
    }

    private static let invalid: UInt8 = 0xFF
    private static let whitespace: UInt8 = 0xFE
    private static let padding: UInt8 = 0xFD

    private static let table: [UInt8] = {
        var table = [UInt8](repeating: invalid, count: 256)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        for (value, character) in alphabet.enumerated() { table[Int(character)] = UInt8(value) }
        for character in [UInt8(ascii: " "), 0x09, 0x0A, 0x0D, 0x0B, 0x0C] { table[Int(character)] = whitespace }
        table[Int(UInt8(ascii: "="))] = padding
        return table
    }()

    static func decode(_ input: ArraySlice<UInt8>) -> Result {
        var output: [UInt8] = []
        output.reserveCapacity(input.count / 4 * 3 + 3)
        var invalidCount = 0
        var truncated = false
        var quantum: UInt32 = 0
        var filled = 0
        table.withUnsafeBufferPointer { table in
            input.withUnsafeBufferPointer { input in
                for character in input {
                    let value = table[Int(character)]
                    if value < 64 {
                        quantum = quantum << 6 | UInt32(value)
                        filled += 1
                        if filled == 4 {
                            output.append(UInt8(truncatingIfNeeded: quantum >> 16))
                            output.append(UInt8(truncatingIfNeeded: quantum >> 8))
                            output.append(UInt8(truncatingIfNeeded: quantum))
                            quantum = 0
                            filled = 0
                        }
                    } else if value == padding {
                        if flush(&quantum, &filled, into: &output) { truncated = true }
                    } else if value == invalid {
                        invalidCount += 1
                    }
                }
            }
        }
        let unpaddedEnd = filled != 0
        if flush(&quantum, &filled, into: &output) { truncated = true }
        return Result(bytes: output, invalidCharacters: invalidCount, truncated: truncated, unpaddedEnd: unpaddedEnd)
    }

    /// Emits the bytes of a partial quantum; returns true when one lone character had to be dropped.
    private static func flush(_ quantum: inout UInt32, _ filled: inout Int, into output: inout [UInt8]) -> Bool {
        defer {
            quantum = 0
            filled = 0
        }
        switch filled {
        case 2:
            output.append(UInt8(truncatingIfNeeded: quantum >> 4))
        case 3:
            output.append(UInt8(truncatingIfNeeded: quantum >> 10))
            output.append(UInt8(truncatingIfNeeded: quantum >> 2))
        case 1:
            return true
        default:
            break
        }
        return false
    }
}
