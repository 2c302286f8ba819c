/// Folds traditional-script characters to simplified ones, one character at a time, from OpenCC's table
/// (`ScriptFoldingTable`, docs/repeats-and-warnings.md#sources). Character-level folding is enough for
/// comparing texts: both sides of a comparison are folded the same way.
public enum ScriptFolding {
    static let map: [Unicode.Scalar: Unicode.Scalar] = {
        var m: [Unicode.Scalar: Unicode.Scalar] = [:]
        for (t, s) in zip(ScriptFoldingTable.traditional.unicodeScalars, ScriptFoldingTable.simplified.unicodeScalars) {
            m[t] = s
        }
        return m
    }()

    /// The simplified form of `scalar`, or `scalar` itself.
    public static func fold(_ scalar: Unicode.Scalar) -> Unicode.Scalar { map[scalar] ?? scalar }

    /// `text` with every traditional character the table knows replaced by its simplified form.
    public static func simplified(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        out.append(contentsOf: text.unicodeScalars.map(fold))
        return String(out)
    }
}
