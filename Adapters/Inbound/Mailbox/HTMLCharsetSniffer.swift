/// Finds `<meta charset=…>` or `content="text/html; charset=…"` near the top of an unlabelled HTML part.
enum HTMLCharsetSniffer {
    static func declaredCharset(in bytes: [UInt8]) -> String? {
        let head = bytes.prefix(4096).map { (0x41...0x5A).contains($0) ? $0 + 32 : $0 }
        let needle = Array("charset=".utf8)
        guard head.count >= needle.count else { return nil }
        for start in 0...(head.count - needle.count) where head[start..<(start + needle.count)].elementsEqual(needle) {
            var cursor = start + needle.count
            while cursor < head.count, head[cursor] == UInt8(ascii: "\"") || head[cursor] == UInt8(ascii: "'") {
                cursor += 1
            }
            let valueStart = cursor
            while cursor < head.count, isLabelByte(head[cursor]) { cursor += 1 }
            if cursor > valueStart { return String(decoding: head[valueStart..<cursor], as: UTF8.self) }
        }
        return nil
    }

    private static func isLabelByte(_ byte: UInt8) -> Bool {
        (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte) || byte == UInt8(ascii: "-")
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ":") || byte == UInt8(ascii: ".")
    }
}
