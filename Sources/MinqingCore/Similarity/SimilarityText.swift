/// The text a similarity signature is computed from: traditional folded to simplified, full-width forms to
/// half-width, ASCII letters lower-cased; punctuation, spaces, symbols, a few function characters (的 了 是 …)
/// and long digit runs (phone and ID numbers, which say who wrote, not what about) dropped.
public enum SimilarityText {
    /// Longest text (in Unicode scalars, after normalising) a signature looks at, so any input costs bounded time.
    public static let maxScalars = 2_000

    /// Characters that carry little meaning and are phrased freely (docs/repeats-and-warnings.md#normalising).
    static let functionCharacters: Set<Unicode.Scalar> = Set("的了是我们你他她它在有和就都也还很请吗呢吧啊呀着过被把给让向从到对于与及或这那个些么什能会要已经没".unicodeScalars)

    /// Digit runs at least this long are numbers of people (mobile 11, ID 15/18, landline 7+).
    static let longDigitRun = 7

    public static func normalised(_ text: String) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(min(text.unicodeScalars.count, maxScalars))
        var digitRun = 0
        func endDigitRun() {
            if digitRun >= longDigitRun { out.removeLast(digitRun) }
            digitRun = 0
        }
        for raw in text.unicodeScalars {
            var s = raw
            if (0xFF01...0xFF5E).contains(s.value) { s = Unicode.Scalar(s.value - 0xFEE0)! }
            s = ScriptFolding.fold(s)
            if ("A"..."Z").contains(s) { s = Unicode.Scalar(s.value + 32)! }
            let isDigit = ("0"..."9").contains(s)
            // A number written in groups (139 8765 4321, 0731-8452…) is still one number.
            if !isDigit, digitRun > 0, s == " " || s == "-" { continue }
            if !isDigit { endDigitRun() }
            guard isDigit || s.properties.isAlphabetic, !functionCharacters.contains(s) else { continue }
            if out.count >= maxScalars { break }
            out.append(s)
            if isDigit { digitRun += 1 }
        }
        endDigitRun()
        return out
    }
}
