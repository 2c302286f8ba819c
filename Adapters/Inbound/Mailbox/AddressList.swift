import Foundation

/// Parses address headers (From, To, Cc) as real clients write them.
///
/// Splits on top-level commas only (never inside quotes, comments or angle brackets), flattens groups
/// (`村委会: a@x, b@y;`), and decodes display names that are encoded-words, quoted strings (possibly holding
/// encoded-words or commas), or raw 8-bit GBK/UTF-8. An address without angle brackets may carry its name in a
/// trailing comment: `zhangsan@163.com (张三)`.
enum AddressList {
    /// The mailboxes of `raw`; raw 8-bit display names are read in `rawCharset` before any guess.
    static func parse(
        _ raw: ArraySlice<UInt8>, context: String, rawCharset: String? = nil, log: inout WarningLog
    ) -> [MailAddress] {
        let bytes = Array(raw)
        var addresses: [MailAddress] = []
        for segment in splitTopLevel(bytes) {
            if let address = mailbox(bytes[segment], context: context, rawCharset: rawCharset, log: &log) {
                addresses.append(address)
            }
        }
        return addresses
    }

    /// Ranges of the comma-separated mailboxes, with group names and group terminators removed.
    private static func splitTopLevel(_ bytes: [UInt8]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = 0
        var index = 0
        var inAngle = false
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                var ignored: [UInt8] = []
                index = StructuredHeader.RawParameter.readQuoted(bytes, from: index + 1, into: &ignored)
                continue
            case UInt8(ascii: "("):
                index = StructuredHeader.RawParameter.skipComment(bytes, from: index)
                continue
            case UInt8(ascii: "<"):
                inAngle = true
            case UInt8(ascii: ">"):
                inAngle = false
            case UInt8(ascii: ","), UInt8(ascii: ";"):
                if !inAngle {
                    ranges.append(start..<index)
                    start = index + 1
                }
            case UInt8(ascii: ":"):
                if !inAngle { start = index + 1 }  // "group name:" — drop the group name
            default:
                break
            }
            index += 1
        }
        if start < bytes.count { ranges.append(start..<bytes.count) }
        return ranges
    }

    /// The whole header as display text (encoded-words and raw 8-bit decoded, quotes and empty `<>` removed),
    /// for a sender who wrote a name but no address; nil when nothing readable is left.
    static func displayText(_ raw: ArraySlice<UInt8>, context: String, rawCharset: String? = nil, log: inout WarningLog) -> String? {
        let text = EncodedWords.decode(raw, context: context, rawCharset: rawCharset, log: &log)
            .replacingOccurrences(of: "\"", with: "").replacingOccurrences(of: "<>", with: "")
            .trimmingCharacters(in: .whitespaces)
        return text.isEmpty ? nil : String(text.prefix(200))
    }

    private static func mailbox(
        _ segment: ArraySlice<UInt8>, context: String, rawCharset: String?, log: inout WarningLog
    ) -> MailAddress? {
        let bytes = Array(segment)
        var phrase: [UInt8] = []  // everything before "<", quotes removed
        var quoted: [UInt8]?  // the first quoted string
        var comment: [UInt8]?  // the first comment
        var angle: [UInt8]?  // the first <…>
        var unquoted: [UInt8] = []  // text outside quotes, comments and angle brackets
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                var content: [UInt8] = []
                index = StructuredHeader.RawParameter.readQuoted(bytes, from: index + 1, into: &content)
                if angle == nil { phrase.append(contentsOf: content) }
                if quoted == nil { quoted = content }
                unquoted.append(0x20)
                continue
            case UInt8(ascii: "("):
                let end = StructuredHeader.RawParameter.skipComment(bytes, from: index)
                if comment == nil { comment = Array(bytes[(index + 1)..<max(index + 1, end - 1)]) }
                unquoted.append(0x20)
                index = end
                continue
            case UInt8(ascii: "<") where angle == nil:
                let close = bytes[index...].firstIndex(of: UInt8(ascii: ">")) ?? bytes.count
                angle = Array(bytes[(index + 1)..<close])
                unquoted.append(0x20)
                index = min(close + 1, bytes.count)
                continue
            default:
                if angle == nil { phrase.append(byte) }
                unquoted.append(byte)
            }
            index += 1
        }

        var address: String
        var name: String?
        if let angle {
            address = cleanAddress(angle)
            name = displayName(phrase, context: context, rawCharset: rawCharset, log: &log)
        } else {
            // No angle brackets: the token holding "@" is the address; a comment, a quoted string, or the other
            // tokens (some clients write `张三 zhangsan@163.com`) give the name.
            let tokens = unquoted.split(whereSeparator: StructuredHeader.isBlank)
            let addressToken = tokens.last { $0.contains(UInt8(ascii: "@")) }
            address = addressToken.map { cleanAddress(Array($0)) } ?? ""
            let others = tokens.filter { $0.startIndex != addressToken?.startIndex }
            let otherText = Array(others.joined(separator: [0x20]))
            if address.isEmpty, let only = others.last, quoted == nil, comment == nil, others.count == 1 {
                address = cleanAddress(Array(only))  // reported below as "not an address"
            } else if let source = comment ?? quoted ?? (otherText.isEmpty ? nil : otherText) {
                name = displayName(source, context: context, rawCharset: rawCharset, log: &log)
            }
        }
        if name == nil, angle != nil, let comment { name = displayName(comment, context: context, rawCharset: rawCharset, log: &log) }
        guard !address.isEmpty else {
            if let name { log.add("\(context): \"\(name)\" has no address; skipped") }
            return nil
        }
        guard address.contains("@") else {
            log.add("\(context): \"\(address)\" is not an address; skipped")
            return nil
        }
        return MailAddress(name: name, address: address)
    }

    private static func displayName(_ bytes: [UInt8], context: String, rawCharset: String?, log: inout WarningLog) -> String? {
        var name = EncodedWords.decode(bytes[...], context: context, rawCharset: rawCharset, log: &log)
        // Some clients wrap the name in single quotes: '张三' <a@b>
        if name.count >= 2, name.hasPrefix("'"), name.hasSuffix("'") { name = String(name.dropFirst().dropLast()) }
        name = name.trimmingCharacters(in: .whitespaces)
        return name.isEmpty ? nil : name
    }

    /// The address without blanks, route prefixes (`@a,@b:`) or `mailto:`.
    private static func cleanAddress(_ bytes: [UInt8]) -> String {
        var text = String(decoding: bytes, as: UTF8.self).filter { !$0.isWhitespace }
        if let colon = text.lastIndex(of: ":"), text.hasPrefix("@") || text.lowercased().hasPrefix("mailto:") {
            text = String(text[text.index(after: colon)...])
        }
        return text
    }
}
