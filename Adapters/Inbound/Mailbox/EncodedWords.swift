import Foundation

/// RFC 2047 decoding of unstructured header text (Subject, display names, non-standard quoted filenames).
///
/// Real-world behaviour:
/// - adjacent encoded-words of one charset are JOINED before charset decoding, so a GBK or UTF-8 character split
///   across two words survives; adjacent B-words are joined as base64 text, which also repairs words split in the
///   middle of a base64 quantum;
/// - whitespace between adjacent encoded-words is dropped, whitespace next to plain text is kept;
/// - encoded-words glued to text or to each other (`Re:=?GBK?B?…?=`) are recognised;
/// - text outside encoded-words may be raw 8-bit (UTF-8 or GBK) and is decoded by ``TextDecoder``, with the
///   charset the message declares for its text (`rawCharset`) when there is one, before any guess;
/// - tabs and stray line breaks become spaces; the result is trimmed.
enum EncodedWords {
    private enum Token {
        case text(Range<Int>)
        case word(charset: Charset, label: String, isBase64: Bool, payload: Range<Int>)
    }

    static func decode(
        _ raw: ArraySlice<UInt8>, context: String, rawCharset: String? = nil, log: inout WarningLog
    ) -> String {
        let bytes = Array(raw)
        let tokens = tokenize(bytes)
        var output = ""
        var group = WordGroup()

        for (position, token) in tokens.enumerated() {
            switch token {
            case .word(let charset, let label, let isBase64, let payload):
                if group.charset != charset { output += group.flush(context: context, log: &log) }
                group.add(charset: charset, label: label, isBase64: isBase64, payload: bytes[payload],
                          context: context, log: &log)
            case .text(let range):
                let isBetweenWords = position > 0 && position + 1 < tokens.count
                    && isWord(tokens[position - 1]) && isWord(tokens[position + 1])
                if isBetweenWords && bytes[range].allSatisfy(isLinearWhitespace) { continue }
                output += group.flush(context: context, log: &log)
                output += TextDecoder.decode(bytes[range], label: rawCharset, context: context, log: &log)
            }
        }
        output += group.flush(context: context, log: &log)
        return cleaned(output)
    }

    private static func isWord(_ token: Token) -> Bool {
        if case .word = token { return true }
        return false
    }

    // MARK: Tokenizing

    private static func tokenize(_ bytes: [UInt8]) -> [Token] {
        var tokens: [Token] = []
        var textStart = 0
        var index = 0
        while index + 1 < bytes.count {
            if bytes[index] == UInt8(ascii: "="), bytes[index + 1] == UInt8(ascii: "?"),
               let word = parseWord(bytes, at: index) {
                if textStart < index { tokens.append(.text(textStart..<index)) }
                tokens.append(word.token)
                index = word.end
                textStart = index
            } else {
                index += 1
            }
        }
        if textStart < bytes.count { tokens.append(.text(textStart..<bytes.count)) }
        return tokens
    }

    /// Parses `=?charset?B|Q?payload?=` starting at `start`.
    private static func parseWord(_ bytes: [UInt8], at start: Int) -> (token: Token, end: Int)? {
        let question = UInt8(ascii: "?")
        var cursor = start + 2
        let charsetStart = cursor
        while cursor < bytes.count, bytes[cursor] != question {
            guard cursor - charsetStart < 64, bytes[cursor] > 0x20, bytes[cursor] < 0x7F else { return nil }
            cursor += 1
        }
        guard cursor > charsetStart, cursor + 2 < bytes.count, bytes[cursor + 2] == question else { return nil }
        let isBase64: Bool
        switch bytes[cursor + 1] {
        case UInt8(ascii: "B"), UInt8(ascii: "b"): isBase64 = true
        case UInt8(ascii: "Q"), UInt8(ascii: "q"): isBase64 = false
        default: return nil
        }
        let label = String(decoding: bytes[charsetStart..<cursor], as: UTF8.self)
        let payloadStart = cursor + 3
        var end = payloadStart
        while end + 1 < bytes.count {
            if bytes[end] == question {
                guard bytes[end + 1] == UInt8(ascii: "=") else { return nil }
                let token = Token.word(charset: Charset(label: label), label: label, isBase64: isBase64,
                                       payload: payloadStart..<end)
                return (token, end + 2)
            }
            if isLinearWhitespace(bytes[end]) { return nil }
            end += 1
        }
        return nil
    }

    // MARK: Joining

    /// Consecutive encoded-words of one charset, accumulated as bytes (base64 text pending until needed).
    private struct WordGroup {
        var charset: Charset?
        var label = ""
        var bytes: [UInt8] = []
        var pendingBase64: [UInt8] = []

        mutating func add(
            charset: Charset, label: String, isBase64: Bool, payload: ArraySlice<UInt8>,
            context: String, log: inout WarningLog
        ) {
            if self.charset == nil {
                self.charset = charset
                self.label = label
            }
            if isBase64 {
                pendingBase64.append(contentsOf: payload)
            } else {
                decodePendingBase64(context: context, log: &log)
                let result = QuotedPrintableDecoder.decode(payload, qEncoding: true)
                if result.malformedEscapes > 0 { log.add("\(context): malformed Q encoded-word") }
                bytes.append(contentsOf: result.bytes)
            }
        }

        mutating func flush(context: String, log: inout WarningLog) -> String {
            guard charset != nil else { return "" }
            decodePendingBase64(context: context, log: &log)
            let text = TextDecoder.decode(bytes[...], label: label, context: context, log: &log)
            self = WordGroup()
            return text
        }

        private mutating func decodePendingBase64(context: String, log: inout WarningLog) {
            guard !pendingBase64.isEmpty else { return }
            let result = Base64Decoder.decode(pendingBase64[...])
            if result.invalidCharacters > 0 || result.truncated {
                log.add("\(context): malformed base64 in encoded-word")
            }
            bytes.append(contentsOf: result.bytes)
            pendingBase64.removeAll()
        }
    }

    // MARK: Helpers

    private static func isLinearWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A
    }

    private static func cleaned(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\t", "\r", "\n": scalars.append(" ")
            case "\u{0}"..."\u{1F}", "\u{7F}": continue
            default: scalars.append(scalar)
            }
        }
        return String(scalars).trimmingCharacters(in: .whitespaces)
    }
}
