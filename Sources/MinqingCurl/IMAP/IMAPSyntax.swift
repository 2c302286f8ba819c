/// Pure IMAP text helpers: folder-name encoding, quoting, and parsing of response lines.
enum IMAPSyntax {
    /// RFC 3501 §5.1.3 modified UTF-7: printable ASCII stays (with "&" as "&-"), everything else
    /// becomes "&" + base64 of UTF-16BE with "," for "/" and no padding + "-". "已处理" → "&XfJSIJZk-".
    static func encodeFolderName(_ name: String) -> String {
        var output = ""
        var pending: [UInt16] = []
        func flush() {
            guard !pending.isEmpty else { return }
            var bytes: [UInt8] = []
            for unit in pending { bytes += [UInt8(unit >> 8), UInt8(unit & 0xFF)] }
            output += "&" + modifiedBase64(bytes) + "-"
            pending.removeAll()
        }
        for scalar in name.unicodeScalars {
            if scalar.value >= 0x20, scalar.value <= 0x7E {
                flush()
                output += scalar == "&" ? "&-" : String(scalar)
            } else {
                pending.append(contentsOf: String(scalar).utf16)
            }
        }
        flush()
        return output
    }

    private static func modifiedBase64(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,")
        var output = ""
        var index = 0
        while index < bytes.count {
            let chunk = Array(bytes[index..<min(index + 3, bytes.count)])
            let value = chunk.enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (16 - 8 * UInt32($1.offset)) }
            let characters = chunk.count + 1
            for position in 0..<characters {
                output.append(alphabet[Int((value >> (18 - 6 * UInt32(position))) & 0x3F)])
            }
            index += 3
        }
        return output
    }

    /// An IMAP quoted string.
    static func quoted(_ text: String) -> String {
        "\"" + text.replacingAll("\\", with: "\\\\").replacingAll("\"", with: "\\\"") + "\""
    }

    /// Percent-encodes a path segment of an IMAP URL (curl decodes it again before use).
    static func urlSegment(_ text: String) -> String {
        var output = ""
        for byte in text.utf8 {
            let unreserved = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A)
                || (byte >= 0x61 && byte <= 0x7A) || byte == 0x2D || byte == 0x2E || byte == 0x5F || byte == 0x7E
            if unreserved {
                output.append(Character(Unicode.Scalar(byte)))
            } else {
                let hex = Array("0123456789ABCDEF")
                output += "%" + String(hex[Int(byte >> 4)]) + String(hex[Int(byte & 0x0F)])
            }
        }
        return output
    }

    /// IMAP flags are atoms ("\Seen", "$Forwarded"): no spaces, parentheses, quotes or controls.
    static func isValidFlag(_ flag: String) -> Bool {
        !flag.isEmpty && !flag.contains { $0 == " " || $0 == "(" || $0 == ")" || $0 == "\"" || $0 == "{"
            || $0 == "%" || $0 == "*" } && !flag.hasControlCharacters
    }

    // MARK: Response parsing

    /// Splits response text (a custom command's body, or header lines) into lines without CR/LF.
    static func lines(_ bytes: [UInt8]) -> [String] {
        String(decoding: bytes, as: UTF8.self).split(whereSeparator: { $0 == "\n" || $0 == "\r\n" })
            .map { line in line.hasSuffix("\r") ? String(line.dropLast()) : String(line) }
    }

    /// Reads the response to SELECT/EXAMINE: `* OK [UIDVALIDITY n]`, `* OK [UIDNEXT n]`, `* n EXISTS`.
    static func folderStatus(from lines: [String]) -> (uidValidity: UInt32?, uidNext: UInt32?, exists: Int?) {
        var uidValidity: UInt32?
        var uidNext: UInt32?
        var exists: Int?
        for line in lines where line.hasPrefix("* ") {
            let words = line.split(separator: " ")
            if let code = bracketedCode(line) {
                let parts = code.split(separator: " ")
                if parts.count == 2, parts[0].uppercased() == "UIDVALIDITY" { uidValidity = UInt32(parts[1]) }
                if parts.count == 2, parts[0].uppercased() == "UIDNEXT" { uidNext = UInt32(parts[1]) }
            } else if words.count >= 3, words[2].uppercased() == "EXISTS" {
                exists = Int(words[1])
            }
        }
        return (uidValidity, uidNext, exists)
    }

    /// Collects the numbers of every `* SEARCH n n n` line.
    static func searchResults(from lines: [String]) -> [UInt32] {
        var uids: [UInt32] = []
        for line in lines {
            let words = line.split(separator: " ")
            guard words.count >= 2, words[0] == "*", words[1].uppercased() == "SEARCH" else { continue }
            uids += words.dropFirst(2).compactMap { UInt32($0) }
        }
        return uids
    }

    /// "* OK [UIDNEXT 4] Predicted" → "UIDNEXT 4".
    static func bracketedCode(_ line: String) -> Substring? {
        guard let open = line.firstIndex(of: "["), let close = line[open...].firstIndex(of: "]") else { return nil }
        return line[line.index(after: open)..<close]
    }
}

extension String {
    fileprivate func replacingAll(_ target: Character, with replacement: String) -> String {
        var output = ""
        for character in self { if character == target { output += replacement } else { output.append(character) } }
        return output
    }
}
