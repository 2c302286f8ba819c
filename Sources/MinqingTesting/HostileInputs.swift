import Foundation

/// Generated hostile inputs for property tests of decoders and parsers: the same sequence for the same seed on
/// every machine, so a failure names its seed and case number and reproduces.
///
/// The values mix the realistic (times, numbers, Chinese text) with what broke or could break a parser: non-finite
/// and huge numbers, negative values, 400-digit strings, invalid UTF-8, NUL and bidi controls, deep nesting and
/// many parts.
public struct HostileInputs {
    public var random: SplitMix

    public init(seed: UInt64) { random = SplitMix(seed: seed) }

    // MARK: Basics

    public mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &random) }
    public mutating func chance(_ percent: Int) -> Bool { int(0...99) < percent }
    public mutating func pick<T>(_ values: [T]) -> T { values[int(0...(values.count - 1))] }

    // MARK: Numbers

    /// Number-like texts that have broken or could break conversions.
    public static let numberCorpus: [String] = [
        "nan", "NaN", "-nan", "inf", "-inf", "infinity", "+Infinity", "1e20", "1e300", "-1e300", "1e-400", "1e999999",
        "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
        "18446744073709551616", String(repeating: "9", count: 400), String(repeating: "1", count: 64), "0x1p3", "0x10",
        "-0", "+0", "00", "0.", ".5", "1.", "1e", "e5", "1e+", "--1", "+-1", "1_000", "1,000", "１２", "٣", "½", "Ⅻ",
        "", " ", "\u{0}", "1\u{0}", "\u{202E}12", "12\u{2066}", "1 2", "\t7\n", "4.9e-324", "1.7976931348623157e308",
        "2e308", "100000000000", "99999999999", "1794790800", "1794790800000", "-1794790800",
    ]

    /// A number text: from the corpus, random digits, or a random decimal.
    public mutating func numberText() -> String {
        switch int(0...3) {
        case 0: return pick(Self.numberCorpus)
        case 1: return String((0..<int(1...30)).map { _ in Character(String(int(0...9))) })
        case 2: return "\(pick(["", "-", "+"]))\(int(0...100_000)).\(int(0...999))\(pick(["", "e\(int(-400...400))"]))"
        default: return text(maxLength: 12)
        }
    }

    /// Any bit pattern as a `Double` (NaNs with payloads, infinities, subnormals), or a corpus value.
    public mutating func double() -> Double {
        chance(50) ? Double(bitPattern: random.next())
            : pick([.nan, .infinity, -.infinity, 1e300, -1e300, 0, -0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude,
                    1e20, 9.3e18, -9.3e18, 1_794_790_800, 1_794_790_800_000, 0.5])
    }

    // MARK: Times

    public static let validTimes = [
        "2026-11-22T09:30:00+08:00", "2026-11-22T01:30:00Z", "2026-11-22 09:30:00", "2026-11-22T09:30", "2026-11-22",
        "2026-11-22T09:30:00.250+08:00", "2026-02-28 23:59:59", "1970-01-01T00:00:00Z",
    ]

    /// A time text: valid, or a valid one with a component replaced by a hostile number, or mutated bytes.
    public mutating func timeText() -> String {
        let base = pick(Self.validTimes)
        switch int(0...3) {
        case 0: return base
        case 1:
            // Replace one run of digits with a hostile number (`2026-11-01 nan:00`).
            var pieces = base.split(omittingEmptySubsequences: false, whereSeparator: { !$0.isNumber }).map(String.init)
            let separators = base.filter { !$0.isNumber }.map(String.init)
            pieces[int(0...(pieces.count - 1))] = numberText()
            var out = pieces[0]
            for (i, piece) in pieces.dropFirst().enumerated() { out += (i < separators.count ? separators[i] : "") + piece }
            return out
        case 2:
            var chars = Array(base)
            for _ in 0..<int(1...3) {
                let at = int(0...(chars.count - 1))
                chars[at] = pick(["\u{0}", "\u{202E}", "9", "-", ":", "T", " ", "１", "e", "."])
            }
            return String(chars)
        default:
            return "\(int(-99999...99999))-\(int(-99...99))-\(int(-99...99)) \(numberText()):\(numberText())"
        }
    }

    // MARK: Text and bytes

    /// Pieces of text parsers meet: Chinese, controls, bidi overrides, combining marks, emoji, separators.
    public static let textPieces = [
        "张秀英", "青山村", "宅基地边界纠纷", "路灯", "a", "Z", "0", "@", "\"", "'", "\\", ",", ";", ":", "=", "?", "%", "%zz",
        "%00", "%E4%B8", "+", "&", "<", ">", "\u{0}", "\u{1}", "\u{7F}", "\r", "\n", "\r\n", "\t", " ", "\u{202E}", "\u{202D}",
        "\u{2066}", "\u{2069}", "\u{200B}", "\u{200D}", "\u{FEFF}", "e\u{301}", "\u{301}", "👨‍👩‍👧", "🇨🇳", "\u{FFFD}",
        "=?", "?=", "=?UTF-8?B?", "=?GBK?Q?", "--", "\"\"",
    ]

    public mutating func text(maxLength: Int) -> String {
        var s = ""
        for _ in 0..<int(0...max(0, maxLength)) { s += pick(Self.textPieces) }
        return s
    }

    /// Byte sequences that are not valid UTF-8 (overlong, lone continuation, truncated, surrogates, 0xFF) or are
    /// GBK / Big5, mixed with ASCII.
    public static let bytePieces: [[UInt8]] = [
        [0xC0, 0x80], [0x80], [0xBF], [0xE4, 0xB8], [0xF0, 0x9F, 0x98], [0xED, 0xA0, 0x80], [0xFF], [0xFE], [0xF8, 0x88, 0x80, 0x80, 0x80],
        [0xD5, 0xC5], [0xC8, 0xFD], [0xB1, 0x69], [0x00], [0x0D], [0x0A], [0x0D, 0x0A], [0x20], [0x3D, 0x3F], [0x3F, 0x3D],
        Array("张".utf8), Array("abc".utf8), Array(":".utf8), Array(",".utf8), Array("\"".utf8),
    ]

    public mutating func bytes(maxLength: Int) -> [UInt8] {
        var out: [UInt8] = []
        while out.count < int(0...max(0, maxLength)) {
            if chance(30) { out.append(UInt8.random(in: 0...255, using: &random)) } else { out += pick(Self.bytePieces) }
        }
        return out
    }

    // MARK: Structured

    /// A JSON document: objects and arrays nested up to `depth`, with hostile scalars (huge numbers as raw text).
    public mutating func json(depth: Int) -> String {
        if depth <= 0 || chance(30) {
            switch int(0...4) {
            case 0: return pick(["1e300", "-1e300", String(repeating: "9", count: 400), "0", "-1", "1.5", "true", "null"])
            case 1: return Self.quoted(text(maxLength: 6))
            case 2: return Self.quoted(timeText())
            case 3: return Self.quoted(numberText())
            default: return String(int(-1_000_000...1_000_000))
            }
        }
        if chance(50) {
            return "[" + (0..<int(0...4)).map { _ in json(depth: depth - 1) }.joined(separator: ",") + "]"
        }
        return "{" + (0..<int(0...4)).map { _ in "\(Self.quoted(text(maxLength: 3))):\(json(depth: depth - 1))" }.joined(separator: ",") + "}"
    }

    /// `text` as a JSON string literal (escapes everything JSON requires; passes other characters through).
    public static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// A CSV line with `columns` cells: hostile text, times, numbers, stray or doubled quotes.
    public mutating func csvLine(columns: Int) -> String {
        (0..<columns).map { _ -> String in
            switch int(0...4) {
            case 0: return timeText()
            case 1: return numberText()
            case 2: return "\"" + text(maxLength: 4).replacingOccurrences(of: "\"", with: "\"\"") + "\""
            case 3: return pick(["ANSWERED", "NO ANSWER", "BUSY", "FAILED", "\"", "\"\"\"", "a\"b"])
            default: return text(maxLength: 4).replacingOccurrences(of: "\n", with: " ")
            }
        }.joined(separator: ",")
    }
}
