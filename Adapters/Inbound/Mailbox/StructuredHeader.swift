import Foundation

/// A `value; name=param; …` header such as Content-Type or Content-Disposition, with parameters decoded.
///
/// Handles quoted strings, RFC 2231 extended values (`filename*=UTF-8''%E4%B8%AD.pdf`) and continuations
/// (`filename*0*=`, `filename*1*=`, which take precedence over a plain `filename=`), the common non-standard
/// `filename="=?GBK?B?…?="`, and raw 8-bit (UTF-8 or GBK) parameter values.
struct StructuredHeader: Sendable, Equatable {
    /// The lower-cased main value, e.g. `multipart/mixed` or `attachment`.
    var value: String
    /// Decoded parameters keyed by lower-cased name (without RFC 2231 `*` suffixes).
    var parameters: [String: String]

    init(value: String, parameters: [String: String] = [:]) {
        self.value = value
        self.parameters = parameters
    }

    static func parse(_ raw: ArraySlice<UInt8>, context: String, log: inout WarningLog) -> StructuredHeader {
        let bytes = Array(raw)
        var index = 0
        while index < bytes.count, bytes[index] != UInt8(ascii: ";"), !isBlank(bytes[index]),
              bytes[index] != UInt8(ascii: "(") {
            index += 1
        }
        let value = String(decoding: bytes[0..<index], as: UTF8.self).lowercased()
        let rawParameters = RawParameter.scan(bytes, from: index)
        return StructuredHeader(value: value, parameters: assemble(rawParameters, context: context, log: &log))
    }

    // MARK: Assembling RFC 2231 pieces

    private static func assemble(_ raw: [RawParameter], context: String, log: inout WarningLog) -> [String: String] {
        var plain: [String: [UInt8]] = [:]
        var sections: [String: [(index: Int, extended: Bool, value: [UInt8])]] = [:]
        for parameter in raw {
            let pieces = parameter.name.split(separator: "*", omittingEmptySubsequences: false)
            if pieces.count == 1 {
                if plain[parameter.name] == nil { plain[parameter.name] = parameter.value }
                continue
            }
            let base = String(pieces[0])
            let extended = parameter.name.hasSuffix("*")
            let number = pieces.count >= 2 ? Int(pieces[1]) : nil
            // `name*` alone is a single extended section 0.
            let sectionIndex = number ?? 0
            guard number != nil || (pieces.count == 2 && pieces[1].isEmpty) else { continue }
            sections[base, default: []].append((sectionIndex, extended, parameter.value))
        }

        var result: [String: String] = [:]
        for (name, value) in plain {
            let label = "\(context) \(name)"
            result[name] = EncodedWords.decode(value[...], context: label, log: &log)
        }
        for (name, parts) in sections {
            let ordered = parts.sorted { $0.index < $1.index }
            var charset: String?
            var bytes: [UInt8] = []
            for (position, part) in ordered.enumerated() {
                guard part.extended else {
                    bytes.append(contentsOf: part.value)
                    continue
                }
                var encoded = part.value[...]
                if position == 0, let split = splitCharsetPrefix(part.value) {
                    charset = split.charset
                    encoded = split.rest
                }
                bytes.append(contentsOf: percentDecoded(encoded))
            }
            let label = "\(context) \(name)"
            if charset == nil, bytes.contains(where: { $0 == UInt8(ascii: "=") }) {
                result[name] = EncodedWords.decode(bytes[...], context: label, log: &log)
            } else {
                result[name] = TextDecoder.decode(bytes[...], label: charset, context: label, log: &log)
            }
        }
        return result
    }

    /// `UTF-8'zh-cn'rest` → ("UTF-8", rest). Empty charset means unlabelled.
    private static func splitCharsetPrefix(_ value: [UInt8]) -> (charset: String?, rest: ArraySlice<UInt8>)? {
        let apostrophe = UInt8(ascii: "'")
        guard let first = value.firstIndex(of: apostrophe),
              let second = value[(first + 1)...].firstIndex(of: apostrophe) else { return nil }
        let charset = String(decoding: value[..<first], as: UTF8.self)
        return (charset.isEmpty ? nil : charset, value[(second + 1)...])
    }

    private static func percentDecoded(_ value: ArraySlice<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(value.count)
        var index = value.startIndex
        while index < value.endIndex {
            if value[index] == UInt8(ascii: "%"), index + 2 < value.endIndex,
               let high = QuotedPrintableDecoder.hexValue(value[index + 1]),
               let low = QuotedPrintableDecoder.hexValue(value[index + 2]) {
                output.append(high << 4 | low)
                index += 3
            } else {
                output.append(value[index])
                index += 1
            }
        }
        return output
    }

    static func isBlank(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A
    }
}
