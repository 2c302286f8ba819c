import Foundation

extension StructuredHeader {
    /// One `name=value` as written, before RFC 2231 assembly and charset decoding.
    struct RawParameter: Equatable {
        /// Lower-cased, including any RFC 2231 `*N*` suffix.
        var name: String
        /// Unquoted, quoted-pairs resolved, still in the sender's charset.
        var value: [UInt8]

        /// Scans `; name=value` pairs starting at `start`. Separators may be missing; `(comments)` are skipped.
        static func scan(_ bytes: [UInt8], from start: Int) -> [RawParameter] {
            var parameters: [RawParameter] = []
            var index = start
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: ";") || StructuredHeader.isBlank(byte) {
                    index += 1
                    continue
                }
                if byte == UInt8(ascii: "(") {
                    index = skipComment(bytes, from: index)
                    continue
                }
                let nameStart = index
                while index < bytes.count, bytes[index] != UInt8(ascii: "="), bytes[index] != UInt8(ascii: ";") {
                    index += 1
                }
                let name = String(decoding: bytes[nameStart..<index], as: UTF8.self)
                    .trimmingCharacters(in: .whitespaces).lowercased()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "=") else { continue }
                index += 1
                while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 }
                var value: [UInt8] = []
                if index < bytes.count, bytes[index] == UInt8(ascii: "\"") {
                    index = readQuoted(bytes, from: index + 1, into: &value)
                } else {
                    let valueStart = index
                    while index < bytes.count, bytes[index] != UInt8(ascii: ";") { index += 1 }
                    var valueEnd = index
                    while valueEnd > valueStart, StructuredHeader.isBlank(bytes[valueEnd - 1]) { valueEnd -= 1 }
                    value = Array(bytes[valueStart..<valueEnd])
                }
                if !name.isEmpty { parameters.append(RawParameter(name: name, value: value)) }
            }
            return parameters
        }

        /// Reads a quoted string body up to the closing quote (or the end); returns the index after it.
        ///
        /// Raw 8-bit text is read in two-byte steps (lead ≥ 0x81, trail 0x40–0xFE) so that a GBK or Big5 trail
        /// byte 0x5C (許 is B3 5C in Big5) is not taken for a backslash escape. A quote (0x22) is never a trail.
        static func readQuoted(_ bytes: [UInt8], from start: Int, into value: inout [UInt8]) -> Int {
            var index = start
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") { return index + 1 }
                if byte >= 0x81, index + 1 < bytes.count, (0x40...0xFE).contains(bytes[index + 1]),
                   bytes[index + 1] != 0x7F {
                    value.append(byte)
                    value.append(bytes[index + 1])
                    index += 2
                    continue
                }
                if byte == UInt8(ascii: "\\"), index + 1 < bytes.count {
                    value.append(bytes[index + 1])
                    index += 2
                    continue
                }
                value.append(byte)
                index += 1
            }
            return index
        }

        /// Skips a (possibly nested) comment starting at `(`; returns the index after it.
        static func skipComment(_ bytes: [UInt8], from start: Int) -> Int {
            var depth = 0
            var index = start
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "\\"): index += 1
                case UInt8(ascii: "("): depth += 1
                case UInt8(ascii: ")"):
                    depth -= 1
                    if depth == 0 { return index + 1 }
                default: break
                }
                index += 1
            }
            return index
        }
    }
}
