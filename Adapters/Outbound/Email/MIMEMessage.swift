import Foundation

/// Builds an RFC 5322 / MIME e-mail: UTF-8 throughout, RFC 2047 encoded subject and display names, a text part and
/// an HTML alternative (both base64), CRLF line endings.
struct MIMEMessage {
    var from: (name: String?, address: String)
    var to: [(name: String?, address: String)]
    var subject: String
    var messageID: String
    var date: Date
    var text: String
    var html: String
    var extraHeaders: [(String, String)] = []

    func render(boundary: String) -> [UInt8] {
        var lines: [String] = []
        lines.append("From: \(Self.mailbox(from.name, from.address))")
        lines.append("To: " + to.map { Self.mailbox($0.name, $0.address) }.joined(separator: ",\r\n "))
        lines.append("Subject: \(Self.encodedWords(subject, leading: "Subject: ".count))")
        lines.append("Date: \(Self.rfc5322Date(date))")
        lines.append("Message-ID: <\(messageID)>")
        lines.append("MIME-Version: 1.0")
        for (name, value) in extraHeaders { lines.append("\(name): \(value)") }
        lines.append("Content-Type: multipart/alternative; boundary=\"\(boundary)\"")
        lines.append("")
        lines.append("--\(boundary)")
        lines.append("Content-Type: text/plain; charset=utf-8")
        lines.append("Content-Transfer-Encoding: base64")
        lines.append("")
        lines += Self.base64Lines(Array(text.utf8))
        lines.append("--\(boundary)")
        lines.append("Content-Type: text/html; charset=utf-8")
        lines.append("Content-Transfer-Encoding: base64")
        lines.append("")
        lines += Self.base64Lines(Array(html.utf8))
        lines.append("--\(boundary)--")
        lines.append("")
        return Array(lines.joined(separator: "\r\n").utf8)
    }

    /// `"=?UTF-8?B?…?=" <addr>` for a non-ASCII name, `"Name" <addr>` for ASCII, `addr` without a name.
    static func mailbox(_ name: String?, _ address: String) -> String {
        guard let name, !name.isEmpty else { return address }
        if name.allSatisfy({ $0.isASCII && $0 != "\"" && $0 != "\\" }) { return "\"\(name)\" <\(address)>" }
        return "\(encodedWords(name, leading: 0)) <\(address)>"
    }

    /// RFC 2047 B-encoding in UTF-8: plain ASCII text is left as it is; otherwise encoded words of at most 75
    /// characters, split only between whole characters, folded onto continuation lines.
    static func encodedWords(_ text: String, leading: Int) -> String {
        if text.allSatisfy({ $0.isASCII && !$0.isNewline }) && text.count + leading <= 998 { return text }
        // 45 bytes of UTF-8 → 60 base64 characters + "=?UTF-8?B?" + "?=" = 72 ≤ 75.
        var words: [[UInt8]] = []
        var chunk: [UInt8] = []
        for ch in text where !ch.isNewline {
            let bytes = Array(String(ch).utf8)
            if chunk.count + bytes.count > 45 {
                words.append(chunk)
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append(chunk) }
        return words.map { "=?UTF-8?B?\(Data($0).base64EncodedString())?=" }.joined(separator: "\r\n ")
    }

    static func base64Lines(_ bytes: [UInt8]) -> [String] {
        let encoded = Data(bytes).base64EncodedString()
        var lines: [String] = []
        var index = encoded.startIndex
        while index < encoded.endIndex {
            let end = encoded.index(index, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex
            lines.append(String(encoded[index..<end]))
            index = end
        }
        return lines
    }

    static func rfc5322Date(_ date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "Asia/Shanghai")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return f.string(from: date)
    }
}
