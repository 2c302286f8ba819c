import Foundation

/// GB18030 decoding that never fails: malformed byte sequences become U+FFFD.
///
/// Foundation's decoder rejects a whole buffer for one bad byte. This walks the byte structure of GB18030
/// (1, 2 or 4 bytes per character), replaces every malformed byte by the GB18030 encoding of U+FFFD, and decodes
/// the repaired buffer in one call. Unassigned four-byte codes count as malformed, so Foundation accepts the result;
/// a chunked fallback remains as a safety net.
enum GB18030Lossy {
    /// U+FFFD in GB18030.
    private static let replacement: [UInt8] = [0x84, 0x31, 0xA4, 0x37]

    static func decode(_ bytes: ArraySlice<UInt8>) -> String {
        decodeCounting(bytes).text
    }

    /// The decoded text and the number of malformed bytes replaced.
    static func decodeCounting(_ bytes: ArraySlice<UInt8>) -> (text: String, replacements: Int) {
        var replacements = 0
        var repaired: [UInt8] = []
        repaired.reserveCapacity(bytes.count + 16)
        var index = bytes.startIndex
        let end = bytes.endIndex
        while index < end {
            switch sequenceLength(bytes, at: index) {
            case 0:
                replacements += 1
                repaired.append(contentsOf: replacement)
                index += 1
            case 1:
                repaired.append(bytes[index])
                index += 1
            case let length:
                repaired.append(contentsOf: bytes[index..<index + length])
                index += length
            }
        }
        if let text = String(data: Data(repaired), encoding: Charset.gb18030Encoding) { return (text, replacements) }
        return (decodeInChunks(repaired), replacements)
    }

    /// Safety net should Foundation refuse a well-formed buffer: decode in chunks, a failing chunk piece by piece.
    private static func decodeInChunks(_ repaired: [UInt8]) -> String {
        var text = ""
        var chunkStart = 0
        while chunkStart < repaired.count {
            var chunkEnd = chunkStart
            var pieces: [Range<Int>] = []
            while chunkEnd < repaired.count, pieces.count < 512 {
                let length = max(1, sequenceLength(repaired[...], at: chunkEnd))
                let next = min(chunkEnd + length, repaired.count)
                pieces.append(chunkEnd..<next)
                chunkEnd = next
            }
            if let piece = String(data: Data(repaired[chunkStart..<chunkEnd]), encoding: Charset.gb18030Encoding) {
                text += piece
            } else {
                for range in pieces {
                    text += String(data: Data(repaired[range]), encoding: Charset.gb18030Encoding) ?? "\u{FFFD}"
                }
            }
            chunkStart = chunkEnd
        }
        return text
    }

    /// The length of the well-formed GB18030 sequence at `index`, or 0 when the byte there starts none.
    private static func sequenceLength(_ bytes: ArraySlice<UInt8>, at index: Int) -> Int {
        let first = bytes[index]
        if first <= 0x80 { return 1 }  // ASCII; 0x80 is the euro sign in code page 936
        guard first != 0xFF, index + 1 < bytes.endIndex else { return 0 }
        let second = bytes[index + 1]
        if (0x40...0x7E).contains(second) || (0x80...0xFE).contains(second) { return 2 }
        guard (0x30...0x39).contains(second), index + 3 < bytes.endIndex else { return 0 }
        let third = bytes[index + 2], fourth = bytes[index + 3]
        guard (0x81...0xFE).contains(third), (0x30...0x39).contains(fourth) else { return 0 }
        // Four-byte codes are assigned from 81 30 81 30 to 84 31 A4 39 (rest of the BMP) and from
        // 90 30 81 30 to E3 32 9A 35 (U+10000…U+10FFFF); Foundation rejects everything else.
        let linear = fourByteIndex(first, second, third, fourth)
        if (0x81...0x84).contains(first) { return linear <= fourByteIndex(0x84, 0x31, 0xA4, 0x39) ? 4 : 0 }
        if (0x90...0xE3).contains(first) { return linear <= fourByteIndex(0xE3, 0x32, 0x9A, 0x35) ? 4 : 0 }
        return 0
    }

    private static func fourByteIndex(_ b1: UInt8, _ b2: UInt8, _ b3: UInt8, _ b4: UInt8) -> Int {
        ((Int(b1) - 0x81) * 10 + Int(b2) - 0x30) * 1260 + (Int(b3) - 0x81) * 10 + Int(b4) - 0x30
    }
}
