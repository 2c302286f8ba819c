/// HTML character references: numeric (`&#20013;`, `&#x4e2d;`) and the named ones mail actually uses.
enum HTMLEntities {
    /// Decodes the reference starting at `&` at `start`; returns the scalar and the index after the reference.
    /// The semicolon is optional for the legacy names browsers accept without it (`&nbsp`, `&amp`, …).
    static func reference(in bytes: [UInt8], at start: Int) -> (Unicode.Scalar, Int)? {
        var cursor = start + 1
        guard cursor < bytes.count else { return nil }
        if bytes[cursor] == UInt8(ascii: "#") {
            cursor += 1
            let isHex = cursor < bytes.count && (bytes[cursor] | 0x20) == UInt8(ascii: "x")
            if isHex { cursor += 1 }
            let digitsStart = cursor
            var value: UInt32 = 0
            while cursor < bytes.count, cursor - digitsStart < 8,
                  let digit = digitValue(bytes[cursor], hex: isHex) {
                value = value * (isHex ? 16 : 10) + digit
                cursor += 1
            }
            guard cursor > digitsStart else { return nil }
            if cursor < bytes.count, bytes[cursor] == UInt8(ascii: ";") { cursor += 1 }
            let scalar = Unicode.Scalar(value == 0 ? 0xFFFD : value) ?? "\u{FFFD}"
            return (scalar, cursor)
        }
        let nameStart = cursor
        while cursor < bytes.count, cursor - nameStart < 10, isAlphanumeric(bytes[cursor]) { cursor += 1 }
        guard cursor > nameStart else { return nil }
        let name = String(decoding: bytes[nameStart..<cursor], as: UTF8.self)
        if cursor < bytes.count, bytes[cursor] == UInt8(ascii: ";"), let value = named[name] {
            return (Unicode.Scalar(value)!, cursor + 1)
        }
        if legacyWithoutSemicolon.contains(name), let value = named[name] {
            return (Unicode.Scalar(value)!, cursor)
        }
        return nil
    }

    private static let legacyWithoutSemicolon: Set<String> = ["nbsp", "amp", "lt", "gt", "quot", "copy", "reg"]

    private static let named: [String: UInt32] = [
        "amp": 0x26, "lt": 0x3C, "gt": 0x3E, "quot": 0x22, "apos": 0x27, "nbsp": 0xA0,
        "ensp": 0x2002, "emsp": 0x2003, "thinsp": 0x2009, "zwnj": 0x200C, "zwj": 0x200D,
        "copy": 0xA9, "reg": 0xAE, "trade": 0x2122, "deg": 0xB0, "plusmn": 0xB1, "times": 0xD7, "divide": 0xF7,
        "middot": 0xB7, "sect": 0xA7, "para": 0xB6, "yen": 0xA5, "cent": 0xA2, "pound": 0xA3, "euro": 0x20AC,
        "laquo": 0xAB, "raquo": 0xBB, "lsquo": 0x2018, "rsquo": 0x2019, "ldquo": 0x201C, "rdquo": 0x201D,
        "sbquo": 0x201A, "bdquo": 0x201E, "hellip": 0x2026, "mdash": 0x2014, "ndash": 0x2013, "bull": 0x2022,
        "prime": 0x2032, "larr": 0x2190, "rarr": 0x2192, "uarr": 0x2191, "darr": 0x2193, "le": 0x2264,
        "ge": 0x2265, "ne": 0x2260, "asymp": 0x2248, "infin": 0x221E, "shy": 0xAD, "iexcl": 0xA1,
        "iquest": 0xBF, "frac12": 0xBD, "frac14": 0xBC, "frac34": 0xBE, "sup2": 0xB2, "sup3": 0xB3,
        "micro": 0xB5, "agrave": 0xE0, "aacute": 0xE1, "eacute": 0xE9, "egrave": 0xE8, "uuml": 0xFC,
        "ouml": 0xF6, "auml": 0xE4, "szlig": 0xDF, "ccedil": 0xE7,
    ]

    private static func digitValue(_ byte: UInt8, hex: Bool) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f") where hex: UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F") where hex: UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
