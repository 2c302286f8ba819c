/// The written forms of a digit that `Masking` recognises (docs/privacy.md, "What counts as a number").
enum NumberForms {
    /// Chinese numerals read digit by digit, as people write a phone or ID number out: 〇/零 … 九, 幺 (1, as read out
    /// on the phone) and the financial capitals 壹 … 玖. Place words (十 百 千 万 亿, 廿, 两) make a quantity, never a
    /// number read digit by digit, so they are not digits and they end a number.
    static let chineseDigits: [Unicode.Scalar: UInt8] = [
        "〇": 0, "零": 0, "一": 1, "幺": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
        "壹": 1, "贰": 2, "貳": 2, "叁": 3, "參": 3, "肆": 4, "伍": 5, "陆": 6, "陸": 6, "柒": 7, "捌": 8, "玖": 9,
    ]

    /// The digit a scalar writes: ASCII, full-width `０`–`９` and every other Unicode decimal digit (mathematical,
    /// Arabic-Indic …), circled `①`–`⑨` and `⓪`, and the Chinese numerals above.
    static func digit(_ s: Unicode.Scalar) -> UInt8? {
        if s.isASCII { return (48...57).contains(s.value) ? UInt8(s.value - 48) : nil }
        if let d = chineseDigits[s] { return d }
        let p = s.properties
        guard p.numericType == .decimal || p.numericType == .digit, let v = p.numericValue, v >= 0, v <= 9,
              v == v.rounded()
        else { return nil }
        return UInt8(v)
    }

    /// `X` of an ID number's check character: ASCII or full-width, either case.
    static func isCheckX(_ s: Unicode.Scalar) -> Bool {
        s == "X" || s == "x" || s == "Ｘ" || s == "ｘ"
    }

    /// What people put between the groups of one number: spaces of every width, dashes, dots, brackets around an
    /// area code, `+`, `/`, and invisible characters (zero-width space and joiner, BOM, variation selector, the
    /// keycap mark of `1️⃣`). A comma or a line break ends a number: lists of numbers stay apart.
    static func isSeparator(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x20, 0x09, 0xA0, 0x3000, 0x2000...0x200D, 0x202F, 0x205F, 0x2060, 0xFEFF, 0xFE0F, 0x20E3: true
        case 0x2D, 0xFF0D, 0x2010...0x2015, 0x2212, 0xFE58, 0xFE63: true  // - － ‐ ‑ ‒ – — ― − ﹘ ﹣
        case 0x2E, 0xFF0E, 0xB7, 0x30FB, 0xFF65: true  // . ． · ・ ･
        case 0x28, 0x29, 0xFF08, 0xFF09, 0x5B, 0x5D: true  // ( ) （ ） [ ]
        case 0x2B, 0xFF0B, 0x2F, 0xFF0F: true  // + ＋ / ／
        default: false
        }
    }

    /// The digits a text writes, in ASCII, in any of the forms above, with a check `X` upper-cased; everything else
    /// dropped.
    static func digits(of text: String) -> String {
        var out = ""
        for s in text.unicodeScalars {
            if let d = digit(s) { out.append(Character(Unicode.Scalar(48 + d))) }
            else if isCheckX(s) { out.append("X") }
        }
        return out
    }

    /// The 11-digit national number of a mobile, with a `86` / `0086` country prefix removed; nil for anything else.
    static func nationalMobile(_ d: String) -> String? {
        nationalMobile(Array(d.utf8)[...]).map { String(decoding: $0, as: UTF8.self) }
    }

    static func nationalMobile(_ d: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        let zero = UInt8(ascii: "0"), eight = UInt8(ascii: "8"), six = UInt8(ascii: "6")
        var n = d
        if n.count == 15, n.starts(with: [zero, zero, eight, six]) { n = n.dropFirst(4) }
        else if n.count == 13, n.starts(with: [eight, six]) { n = n.dropFirst(2) }
        guard n.count == 11, n[n.startIndex] == UInt8(ascii: "1"),
              (UInt8(ascii: "3")...UInt8(ascii: "9")).contains(n[n.startIndex + 1]),
              n.allSatisfy({ (48...57).contains($0) })
        else { return nil }
        return n
    }
}

/// Finds and masks the phone and ID numbers of a text in one pass (`Masking.numbers(in:)`).
///
/// The text is read as chains: groups of digits (any written form) joined by at most `maxGap` separator
/// characters. Within a chain, from each group on, the groups that together have the shape of a number are masked
/// as one — preferring an 18-character ID, then a mobile, a landline, an old 15-digit ID — and the characters
/// between them with it. Everything else is kept as written. A number never spans more than `maxDigits` digits,
/// so however long a chain is, each group is looked at a bounded number of times.
struct NumberScanner {
    let masking: Masking
    static let maxGap = 3
    static let maxDigits = 18
    /// Every length a number can have: landline 10–12, mobile 11 / 13 (`86`) / 15 (`0086`), ID 15 / 18.
    static let lengths: Set<Int> = [10, 11, 12, 13, 15, 18]

    enum Kind: Int, Comparable {
        case id15, landline, mobile, id18
        static func < (a: Kind, b: Kind) -> Bool { a.rawValue < b.rawValue }
    }

    /// One group: where it is in the scalars and its digits in ASCII.
    struct Group {
        var start: Int
        var end: Int
        var digits: [UInt8]
    }

    func mask(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        out.reserveCapacity(scalars.count)
        var i = 0
        while i < scalars.count {
            guard NumberForms.digit(scalars[i]) != nil else {
                out.append(scalars[i])
                i += 1
                continue
            }
            let (groups, end) = chain(scalars, from: i)
            emit(groups, scalars, into: &out)
            i = end
        }
        return String(out)
    }

    /// The chain of groups starting at `start`, and the index just after its last group.
    func chain(_ s: [Unicode.Scalar], from start: Int) -> ([Group], Int) {
        var groups: [Group] = []
        var i = start
        while true {
            var g = Group(start: i, end: i, digits: [])
            // Chinese numerals and other digits make separate groups (`一13812345678`: a word, then a number).
            let chinese = NumberForms.chineseDigits[s[i]] != nil
            while i < s.count, let d = NumberForms.digit(s[i]), (NumberForms.chineseDigits[s[i]] != nil) == chinese {
                g.digits.append(48 + d)
                i += 1
            }
            if i < s.count, NumberForms.isCheckX(s[i]) {
                g.digits.append(UInt8(ascii: "X"))
                i += 1
            }
            g.end = i
            groups.append(g)
            // A group ending in X is followed straight away by another (`…002X13812345678`), or by separators.
            var j = i
            while j < s.count, j - i < Self.maxGap, NumberForms.isSeparator(s[j]) { j += 1 }
            guard j < s.count, NumberForms.digit(s[j]) != nil else { return (groups, i) }
            i = j
        }
    }

    /// Writes the chain's scalars, each group as written unless it is part of a number.
    func emit(_ groups: [Group], _ s: [Unicode.Scalar], into out: inout String.UnicodeScalarView) {
        var written = groups[0].start
        var g = 0
        while g < groups.count {
            guard let found = best(groups, from: g) else {
                g += 1
                continue
            }
            let (last, kind, digits) = found
            out.append(contentsOf: s[written..<groups[g].start])
            // A `+` before `+86` and the bracket before `(0771)` go with the number they open.
            let from = groups[g].start
            if from > 0, let opener = out.last, opener == s[from - 1] {
                let span = s[from..<groups[last].end]
                if (opener == "+" || opener == "＋") && digits.count > 11
                    || opener == "(" && span.contains(")") || opener == "（" && span.contains("）") {
                    out.removeLast()
                }
            }
            out.append(contentsOf: masked(digits, kind).unicodeScalars)
            written = groups[last].end
            g = last + 1
        }
        out.append(contentsOf: s[written..<groups[groups.count - 1].end])
    }

    /// The best number starting at group `g`: its last group, kind and digits. The first `maxDigits` digits from
    /// `g` on are gathered once; each way of ending the number at a group boundary is then checked on them.
    func best(_ groups: [Group], from g: Int) -> (Int, Kind, [UInt8])? {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(Self.maxDigits)
        var ends: [(group: Int, count: Int)] = []
        var h = g
        while h < groups.count, buffer.count + groups[h].digits.count <= Self.maxDigits {
            buffer += groups[h].digits
            ends.append((h, buffer.count))
            h += 1
        }
        guard Self.mayStart(buffer) else { return nil }
        var found: (group: Int, kind: Kind, count: Int)?
        for end in ends where Self.lengths.contains(end.count) {
            if let kind = Self.kind(buffer[..<end.count], firstGroup: groups[g].digits.count, single: end.group == g),
               found.map({ kind > $0.kind }) ?? true {
                found = (end.group, kind, end.count)
            }
        }
        return found.map { ($0.group, $0.kind, Array(buffer[..<$0.count])) }
    }

    /// False when these first digits start no number: fewer than 10; `00` other than `0086`; `9` (no mobile,
    /// landline or ID region starts so); `2`–`7` (only an ID) with fewer than 15.
    static func mayStart(_ d: [UInt8]) -> Bool {
        guard d.count >= 10 else { return false }
        switch d[0] {
        case UInt8(ascii: "0"): return d[1] != UInt8(ascii: "0") || d.starts(with: Array("0086".utf8))
        case UInt8(ascii: "9"): return false
        case UInt8(ascii: "2")...UInt8(ascii: "7"): return d.count >= 15
        default: return true
        }
    }

    /// The shape of `d` (indices from 0), if it has one.
    static func kind(_ d: ArraySlice<UInt8>, firstGroup: Int, single: Bool) -> Kind? {
        let xAt = d.firstIndex(of: UInt8(ascii: "X"))
        if d.count == 18, xAt == nil || xAt == 17, d[0] != UInt8(ascii: "0"), d[0] != UInt8(ascii: "9"),
           plausibleDate(d, at: 6, century: nil) {
            return .id18
        }
        guard xAt == nil else { return nil }
        if NumberForms.nationalMobile(d) != nil { return .mobile }
        if isLandline(d, firstGroup: firstGroup, single: single) { return .landline }
        if d.count == 15, d[0] != UInt8(ascii: "0"), d[0] != UInt8(ascii: "9"), plausibleDate(d, at: 6, century: 19) {
            return .id15
        }
        return nil
    }

    /// `0` + area code (2–3 digits, not starting with 0) + a 7–8 digit number: written in one piece (10–12 digits),
    /// or with the area code as its own group (`(0771) 123-4567`, `010 1234 5678`).
    static func isLandline(_ d: ArraySlice<UInt8>, firstGroup: Int, single: Bool) -> Bool {
        guard d.count >= 10, d[0] == UInt8(ascii: "0"), d[1] != UInt8(ascii: "0") else { return false }
        if single { return d.count <= 12 }
        guard (3...4).contains(firstGroup) else { return false }
        return (7...8).contains(d.count - firstGroup) && d[firstGroup] != UInt8(ascii: "0")
    }

    /// A birth date `yyyymmdd` (1800–2099) or, with a century, `yymmdd`, at `start` in `d`.
    static func plausibleDate(_ d: ArraySlice<UInt8>, at start: Int, century: Int?) -> Bool {
        func n(_ i: Int) -> Int { Int(d[start + i]) - 48 }
        var k = 0
        if century == nil {
            let year = n(0) * 1000 + n(1) * 100 + n(2) * 10 + n(3)
            guard (1800...2099).contains(year) else { return false }
            k = 4
        } else {
            k = 2
        }
        let month = n(k) * 10 + n(k + 1)
        let day = n(k + 2) * 10 + n(k + 3)
        return (1...12).contains(month) && (1...31).contains(day)
    }

    func masked(_ d: [UInt8], _ kind: Kind) -> String {
        let text = String(decoding: d, as: UTF8.self)
        switch kind {
        case .id18, .id15: return masking.idNumber(text)
        case .mobile: return Masking.phoneMask(NumberForms.nationalMobile(text) ?? text)
        case .landline: return Masking.phoneMask(text)
        }
    }
}
