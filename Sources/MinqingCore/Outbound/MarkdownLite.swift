/// The small markdown dialect notification templates are written in, turned into plain text or HTML.
enum MarkdownLite {
    static func plain(_ markdown: String) -> String {
        lines(markdown).map { line in
            render(
                line.hasPrefix("> ") ? String(line.dropFirst(2)) : line,
                bold: { $0 }, link: { text, url in text == url ? url : "\(text)（\(url)）" }, text: { $0 })
        }.joined(separator: "\n")
    }

    static func html(_ markdown: String) -> String {
        lines(markdown).map { line in
            let quoted = line.hasPrefix("> ")
            let body = render(
                quoted ? String(line.dropFirst(2)) : line,
                bold: { "<strong>\($0)</strong>" },
                link: { text, url in "<a href=\"\(escape(url))\">\(text)</a>" },
                text: escape)
            return quoted ? "<blockquote>\(body)</blockquote>" : body + "<br>"
        }.joined(separator: "\n")
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for ch in text {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(ch)
            }
        }
        return out
    }

    private static func lines(_ markdown: String) -> [String] {
        markdown.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            var s = String(line)
            if s.hasSuffix("\r") { s.removeLast() }
            return s
        }
    }

    /// Walks one line: `**…**` spans and `[text](url)` links (a label holds no bracket, so a defanged `[.]` before a
    /// template's link stays text); everything else goes through `text`.
    private static func render(
        _ line: String, bold: (String) -> String, link: (String, String) -> String, text: (String) -> String
    ) -> String {
        var out = ""
        var rest = Substring(line)
        while !rest.isEmpty {
            if rest.hasPrefix("**"), let close = rest.dropFirst(2).range(of: "**") {
                out += bold(text(String(rest[rest.index(rest.startIndex, offsetBy: 2)..<close.lowerBound])))
                rest = rest[close.upperBound...]
            } else if rest.hasPrefix("["), let mid = rest.range(of: "]("), let end = rest[mid.upperBound...].firstIndex(of: ")"),
                      !rest[rest.index(after: rest.startIndex)..<mid.lowerBound].contains(where: { $0 == "[" || $0 == "]" }) {
                let label = String(rest[rest.index(after: rest.startIndex)..<mid.lowerBound])
                out += link(text(label), String(rest[mid.upperBound..<end]))
                rest = rest[rest.index(after: end)...]
            } else {
                out += text(String(rest.first!))
                rest = rest.dropFirst()
            }
        }
        return out
    }
}
