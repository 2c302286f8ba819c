/// Text a citizen wrote (subject, body, name, address, a reply quoting them), made inert before it is put into a
/// notification: every robot's markdown, Feishu's text tags, e-mail and any client's auto-linking show it as the
/// characters written and nothing more. Reasons and each vendor's dialect: docs/privacy.md.
///
/// - Markup characters become their full-width forms, which no dialect interprets: `* _ ~ \` # [ ] ( ) < > ! | @ \ &
///   { } $` (so `**…**`, headings, `[text](url)`, `![](…)`, code, `<@someone>`, `<at user_id=…>`, `<font …>`,
///   `@all`, DingTalk's `@13812345678` and HTML entities are all plain text), and a line starting with `-`, `+` or
///   `=` (a list item or a heading underline) starts with `－`, `＋`, `＝`.
/// - Links are defanged, shown but never clickable: `http://evil.example/phish` → `http[:]//evil[.]example/phish`;
///   every host-like word (`www.evil.example`, `evil.example/x`, `1.2.3.4`) gets `[.]` for its dots.
/// - Control, bidirectional and zero-width characters are dropped; line breaks become `\n` (or a space with
///   `singleLine`, for fields that fill one line of a template, such as the title).
///
/// The result never contains an ASCII `(`, so the `[.]` / `[:]` of a defanged link can never become a link either.
public enum CitizenText {
    public static func inert(_ text: String, singleLine: Bool = false) -> String {
        defang(escaped(text, singleLine: singleLine))
    }

    static let fullWidth: [Unicode.Scalar: Unicode.Scalar] = [
        "*": "＊", "_": "＿", "~": "～", "`": "｀", "#": "＃", "[": "［", "]": "］", "(": "（", ")": "）",
        "<": "＜", ">": "＞", "!": "！", "|": "｜", "@": "＠", "\\": "＼", "&": "＆", "{": "｛", "}": "｝", "$": "＄",
    ]
    static let lineStart: [Unicode.Scalar: Unicode.Scalar] = ["-": "－", "+": "＋", "=": "＝"]

    /// Invisible characters that change how text reads or is matched: C0/C1 controls, bidirectional controls,
    /// zero-width characters and joiners, word joiners, the BOM, soft hyphen, tag characters.
    static func isInvisible(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x00...0x08, 0x0B, 0x0C, 0x0E...0x1F, 0x7F...0x9F, 0xAD, 0x061C, 0x180E: true
        case 0x200B...0x200F, 0x202A...0x202E, 0x2060...0x206F, 0xFEFF, 0xFFF9...0xFFFB, 0xE0000...0xE007F: true
        default: false
        }
    }

    static func escaped(_ text: String, singleLine: Bool) -> String {
        var out = String.UnicodeScalarView()
        var atLineStart = true
        var previous: Unicode.Scalar?
        for s in text.unicodeScalars {
            defer { previous = s }
            if s == "\n" && previous == "\r" { continue }
            if s == "\n" || s == "\r" || s == "\u{2028}" || s == "\u{2029}" || s == "\u{85}" {
                out.append(singleLine ? " " : "\n")
                atLineStart = !singleLine
                continue
            }
            if s == "\t" {
                out.append(" ")
                continue
            }
            if isInvisible(s) { continue }
            if atLineStart, s == " " || s == "\u{3000}" {
                out.append(s)
                continue
            }
            if atLineStart, let w = lineStart[s] {
                out.append(w)
            } else {
                out.append(fullWidth[s] ?? s)
            }
            atLineStart = false
        }
        return String(out)
    }

    /// Every `://` → `[:]//`, and `[.]` for the dots of every host-like word.
    static func defang(_ text: String) -> String {
        let s = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        out.reserveCapacity(s.count + 8)
        var i = 0
        while i < s.count {
            guard isHostScalar(s[i]) else {
                if s[i] == ":", i + 2 < s.count, s[i + 1] == "/", s[i + 2] == "/" {
                    out.append(contentsOf: "[:]".unicodeScalars)
                } else {
                    out.append(s[i])
                }
                i += 1
                continue
            }
            var j = i
            while j < s.count, isHostScalar(s[j]) { j += 1 }
            let word = s[i..<j]
            if isHostLike(word) {
                for c in word { if c == "." { out.append(contentsOf: "[.]".unicodeScalars) } else { out.append(c) } }
            } else {
                out.append(contentsOf: word)
            }
            i = j
        }
        return String(out)
    }

    static func isLetter(_ s: Unicode.Scalar) -> Bool {
        (65...90).contains(s.value) || (97...122).contains(s.value)
    }

    static func isHostScalar(_ s: Unicode.Scalar) -> Bool {
        isLetter(s) || (48...57).contains(s.value) || s == "-" || s == "."
    }

    /// Labels joined by dots (leading and trailing dots aside) whose last label is a name (two or more characters, a letter among them), or a dotted
    /// IPv4 address.
    static func isHostLike(_ word: ArraySlice<Unicode.Scalar>) -> Bool {
        var core = word
        while core.first == "." || core.first == "-" { core = core.dropFirst() }
        while core.last == "." || core.last == "-" { core = core.dropLast() }  // `见 evil.example.` ends a sentence
        let labels = core.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, labels.allSatisfy({ !$0.isEmpty }) else { return false }
        let last = labels[labels.count - 1]
        if last.count >= 2, last.contains(where: isLetter) { return true }
        return labels.count == 4 && labels.allSatisfy { $0.count <= 3 && $0.allSatisfy { (48...57).contains($0.value) } }
    }
}
