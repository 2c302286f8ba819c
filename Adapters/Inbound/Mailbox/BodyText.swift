/// Assembles the `text` of a ``ParsedMail`` from its body parts.
enum BodyText {
    /// The text parts, each without leading blank lines and trailing white space, separated by one blank line.
    static func joined(_ parts: [String]) -> String {
        parts.map(trimmed).filter { !$0.isEmpty }.joined(separator: "\n\n")
    }

    /// Drops leading blank lines and trailing white space, keeping the indentation of the first line.
    static func trimmed(_ text: String) -> String {
        let scalars = text.unicodeScalars
        var start = scalars.startIndex
        var cursor = scalars.startIndex
        while cursor < scalars.endIndex, scalars[cursor].properties.isWhitespace {
            if scalars[cursor] == "\n" { start = scalars.index(after: cursor) }
            cursor = scalars.index(after: cursor)
        }
        if cursor == scalars.endIndex { return "" }
        var end = scalars.endIndex
        while end > start, scalars[scalars.index(before: end)].properties.isWhitespace {
            end = scalars.index(before: end)
        }
        return String(scalars[start..<end])
    }
}
