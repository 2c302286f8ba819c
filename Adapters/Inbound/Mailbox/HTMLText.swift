/// Converts HTML mail to readable plain text without an HTML library.
///
/// - `script`, `style`, `title` and `template` content, comments, doctype and processing instructions are dropped;
/// - `<br>` and block elements (`p`, `div`, `li`, `tr`, headings, tables, lists, `blockquote`, `hr`, …) become line
///   breaks; table cells are separated by a space;
/// - white space collapses as a browser would, except inside `<pre>`;
/// - character references are decoded (named, `&#20013;`, `&#x4e2d;`); `&nbsp;` becomes a plain space;
/// - trailing blanks are trimmed per line, runs of blank lines collapse to one.
/// Linear in the input; unterminated constructs run to the end of the input instead of failing.
enum HTMLText {
    static func plainText(fromHTML html: String) -> String {
        var converter = Converter(input: Array(html.utf8))
        converter.run()
        return tidy(converter.output)
    }

    private static let droppedElements: Set<String> = ["script", "style", "title", "template"]
    private static let blockElements: Set<String> = [
        "p", "div", "li", "tr", "table", "tbody", "thead", "tfoot", "ul", "ol", "dl", "dt", "dd", "blockquote",
        "pre", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "header", "footer", "nav", "aside",
        "address", "center", "form", "fieldset", "figure", "figcaption", "main", "body", "html",
    ]
    private static let cellElements: Set<String> = ["td", "th"]

    private struct Converter {
        let input: [UInt8]
        var output: [UInt8] = []
        var index = 0
        var preDepth = 0

        init(input: [UInt8]) {
            self.input = input
            output.reserveCapacity(input.count / 2)
        }

        mutating func run() {
            while index < input.count {
                let byte = input[index]
                switch byte {
                case UInt8(ascii: "<"):
                    handleMarkup()
                case UInt8(ascii: "&"):
                    handleReference()
                case 0x20, 0x09, 0x0A, 0x0D, 0x0C:
                    if preDepth > 0 {
                        if byte != 0x0D { output.append(byte) }
                    } else if let last = output.last, last != 0x20, last != 0x0A {
                        output.append(0x20)
                    }
                    index += 1
                default:
                    output.append(byte)
                    index += 1
                }
            }
        }

        // MARK: Markup

        private mutating func handleMarkup() {
            let next = index + 1 < input.count ? input[index + 1] : 0
            if next == UInt8(ascii: "!") {
                if input[index...].starts(with: Self.commentOpen) {
                    index = find(Self.commentClose, from: index + 4).map { $0 + 3 } ?? input.count
                } else {
                    index = (find([UInt8(ascii: ">")], from: index) ?? input.count - 1) + 1
                }
                return
            }
            if next == UInt8(ascii: "?") {
                index = (find([UInt8(ascii: ">")], from: index) ?? input.count - 1) + 1
                return
            }
            let isClosing = next == UInt8(ascii: "/")
            let nameStart = index + (isClosing ? 2 : 1)
            var nameEnd = nameStart
            while nameEnd < input.count, isNameByte(input[nameEnd]) { nameEnd += 1 }
            guard nameEnd > nameStart, isLetter(input[nameStart]) else {
                output.append(UInt8(ascii: "<"))  // a literal "<", as in "a < b"
                index += 1
                return
            }
            let name = String(decoding: input[nameStart..<nameEnd], as: UTF8.self).lowercased()
            index = tagEnd(from: nameEnd)

            if !isClosing, HTMLText.droppedElements.contains(name) {
                index = skipElementContent(named: name)
                return
            }
            if name == "br" {
                output.append(0x0A)
            } else if name == "pre" {
                lineBreak()
                preDepth = max(0, preDepth + (isClosing ? -1 : 1))
            } else if HTMLText.blockElements.contains(name) {
                lineBreak()
            } else if HTMLText.cellElements.contains(name), !isClosing {
                if let last = output.last, last != 0x20, last != 0x0A, last != 0x09 { output.append(0x20) }
            }
        }

        /// The index after the `>` closing a tag, honouring quoted attribute values.
        private func tagEnd(from start: Int) -> Int {
            var cursor = start
            var quote: UInt8?
            while cursor < input.count {
                let byte = input[cursor]
                if let open = quote {
                    if byte == open { quote = nil }
                } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                    quote = byte
                } else if byte == UInt8(ascii: ">") {
                    return cursor + 1
                }
                cursor += 1
            }
            return input.count
        }

        /// Skips to after `</name>` (case-insensitive), or to the end.
        private func skipElementContent(named name: String) -> Int {
            let closing = Array("</\(name)".utf8)
            var cursor = index
            while let found = find([UInt8(ascii: "<"), UInt8(ascii: "/")], from: cursor) {
                let candidateEnd = found + closing.count
                if candidateEnd <= input.count,
                   zip(input[found..<candidateEnd], closing).allSatisfy({ lowercase($0) == $1 }) {
                    return tagEnd(from: candidateEnd)
                }
                cursor = found + 2
            }
            return input.count
        }

        private mutating func lineBreak() {
            if let last = output.last, last != 0x0A { output.append(0x0A) }
        }

        // MARK: Character references

        private mutating func handleReference() {
            if let (scalar, end) = HTMLEntities.reference(in: input, at: index) {
                // U+00A0 stays distinct here so that it does not absorb following white space; `tidy` makes it a space.
                output.append(contentsOf: String(Character(scalar)).utf8)
                index = end
            } else {
                output.append(UInt8(ascii: "&"))
                index += 1
            }
        }

        // MARK: Byte helpers

        private static let commentOpen = Array("<!--".utf8)
        private static let commentClose = Array("-->".utf8)

        private func find(_ needle: [UInt8], from start: Int) -> Int? {
            guard !needle.isEmpty, start < input.count else { return nil }
            var cursor = start
            let first = needle[0]
            while cursor + needle.count <= input.count {
                if input[cursor] == first, input[cursor..<(cursor + needle.count)].elementsEqual(needle) { return cursor }
                cursor += 1
            }
            return nil
        }

        private func isLetter(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(lowercase(byte))
        }

        private func isNameByte(_ byte: UInt8) -> Bool {
            isLetter(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-")
                || byte == UInt8(ascii: ":")
        }

        private func lowercase(_ byte: UInt8) -> UInt8 {
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
        }
    }

    /// Turns U+00A0 into a space, trims trailing blanks per line, collapses runs of blank lines, trims the ends.
    /// Works on UTF-8 bytes (C2 A0 is always U+00A0) so a 10 MB page stays cheap.
    private static func tidy(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var blankLines = 0
        var lineStart = 0
        var index = 0
        func endLine() {
            while output.count > lineStart, output[output.count - 1] == 0x20 || output[output.count - 1] == 0x09 {
                output.removeLast()
            }
            if output.count == lineStart {
                blankLines += 1
                if blankLines > 1 || lineStart == 0 { return }  // no leading or repeated blank lines
            } else {
                blankLines = 0
            }
            output.append(0x0A)
            lineStart = output.count
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0A {
                endLine()
            } else if byte == 0xC2, index + 1 < bytes.count, bytes[index + 1] == 0xA0 {
                output.append(0x20)
                index += 1
            } else {
                output.append(byte)
            }
            index += 1
        }
        endLine()
        while output.last == 0x0A { output.removeLast() }
        return String(decoding: output, as: UTF8.self)
    }
}
