/// Counts malformed UTF-8 sequences without building a string, to compare lossy decodings cheaply.
enum UTF8Errors {
    /// The number of bytes that start no well-formed sequence (overlong forms and surrogates included).
    static func count(_ bytes: ArraySlice<UInt8>) -> Int {
        var errors = 0
        var index = bytes.startIndex
        let end = bytes.endIndex
        while index < end {
            let lead = bytes[index]
            let length: Int
            var secondRange: ClosedRange<UInt8> = 0x80...0xBF
            switch lead {
            case 0x00...0x7F: length = 1
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; secondRange = 0xA0...0xBF
            case 0xED: length = 3; secondRange = 0x80...0x9F
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xF0: length = 4; secondRange = 0x90...0xBF
            case 0xF4: length = 4; secondRange = 0x80...0x8F
            case 0xF1...0xF3: length = 4
            default: length = 0
            }
            var valid = length > 0 && index + length <= end
            if valid, length > 1 {
                valid = secondRange.contains(bytes[index + 1])
                var offset = 2
                while valid, offset < length {
                    valid = (0x80...0xBF).contains(bytes[index + offset])
                    offset += 1
                }
            }
            if valid {
                index += length
            } else {
                errors += 1
                index += 1
            }
        }
        return errors
    }
}
