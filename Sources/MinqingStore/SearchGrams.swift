/// The one tokeniser of the ledger's search index (docs/search-and-paging.md), used by both stores.
///
/// Text is cut into runs of word characters (Unicode scalars that are not whitespace, punctuation, control or
/// format characters, and ASCII only letters and digits), each scalar folded to lower case. A stored case is indexed
/// by every bigram of each run plus the last scalar of each run alone, so every scalar starts some token. A search
/// asks for every bigram of each of its runs, and for a run of one scalar, any token that starts with it (a prefix
/// query). Whenever `text` is a substring of a stored field (ignoring case), every token the search asks for is among
/// the field's tokens — the index finds a superset of the cases `LIKE '%text%'` finds, and the store re-checks each
/// candidate with the exact `LIKE`, so the answer is the same as a scan's.
///
/// Bigrams and not trigrams: most Chinese searches are two characters (垃圾, 路灯, 低保), and a trigram index
/// (FTS5 `trigram`, `pg_trgm`) cannot answer a query shorter than three characters from the index.
public enum SearchGrams {
    /// The most distinct tokens one case is indexed by. A case with more (a letter of many pages) is indexed by
    /// `overflowToken` alone, which every search includes as a candidate.
    public static let maxTokens = 20_000
    /// The token of a case too long to index (three characters: never a bigram or a single scalar).
    public static let overflowToken = "zzlong"
    /// The most tokens one search asks for (the first ones of its text; fewer tokens only widen the candidates).
    public static let maxQueryTokens = 24

    /// What one search asks the index for: every `gram`, and for each `prefix` some token that starts with it.
    public struct Query: Sendable, Hashable {
        public var grams: [String]
        public var prefixes: [String]

        public init(grams: [String], prefixes: [String]) {
            self.grams = grams
            self.prefixes = prefixes
        }
    }

    /// The distinct tokens of `texts` (in first-seen order), or `[overflowToken]` when there are more than `maxTokens`.
    public static func tokens(_ texts: [String]) -> [String] {
        // Distinct by bytes, not by Swift's canonical equivalence: "é" and "e\u{301}" are different tokens to SQL.
        var seen = Set<[UInt8]>()
        var out: [String] = []
        for text in texts {
            for run in runs(text) {
                for i in run.indices {
                    var token = String(Character(run[i]))
                    if i + 1 < run.count { token.unicodeScalars.append(run[i + 1]) }
                    if seen.insert(Array(token.utf8)).inserted {
                        out.append(token)
                        if out.count > maxTokens { return [overflowToken] }
                    }
                }
            }
        }
        return out
    }

    /// The index query for a search of `text`; nil when `text` has no word character (the store then scans).
    public static func query(_ text: String) -> Query? {
        var grams: [String] = []
        var prefixes: [String] = []
        for run in runs(text) {
            if run.count == 1 {
                let one = String(Character(run[0]))
                if !prefixes.contains(where: { $0.utf8.elementsEqual(one.utf8) }) { prefixes.append(one) }
                continue
            }
            for i in 0..<(run.count - 1) {
                var gram = String(Character(run[i]))
                gram.unicodeScalars.append(run[i + 1])
                if !grams.contains(where: { $0.utf8.elementsEqual(gram.utf8) }) { grams.append(gram) }
            }
        }
        if grams.isEmpty && prefixes.isEmpty { return nil }
        return Query(grams: Array(grams.prefix(maxQueryTokens)), prefixes: Array(prefixes.prefix(maxQueryTokens)))
    }

    /// The runs of word characters of `text`, folded.
    static func runs(_ text: String) -> [[Unicode.Scalar]] {
        var runs: [[Unicode.Scalar]] = []
        var current: [Unicode.Scalar] = []
        for scalar in text.unicodeScalars {
            let s = fold(scalar)
            if isSeparator(s) {
                if !current.isEmpty { runs.append(current); current = [] }
            } else {
                current.append(s)
            }
        }
        if !current.isEmpty { runs.append(current) }
        return runs
    }

    /// Lower case, scalar by scalar (as SQLite's `LIKE` folds ASCII and PostgreSQL's `ILIKE` folds letters); a
    /// scalar whose lower case is several scalars stays as it is.
    static func fold(_ s: Unicode.Scalar) -> Unicode.Scalar {
        if s.isASCII {
            return (65...90).contains(s.value) ? Unicode.Scalar(s.value + 32)! : s
        }
        guard s.properties.changesWhenLowercased else { return s }
        let lower = s.properties.lowercaseMapping.unicodeScalars
        return lower.count == 1 ? lower.first! : s
    }

    /// True for what separates words: every ASCII character but letters and digits (so a token never holds a
    /// character FTS5's `ascii` tokenizer or a tsquery would read as syntax), and whitespace, punctuation, control,
    /// format and unassigned scalars elsewhere.
    static func isSeparator(_ s: Unicode.Scalar) -> Bool {
        if s.isASCII {
            let v = s.value
            return !((48...57).contains(v) || (97...122).contains(v) || (65...90).contains(v))
        }
        if s.properties.isWhitespace { return true }
        switch s.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
             .finalPunctuation, .otherPunctuation, .control, .format, .unassigned, .surrogate, .lineSeparator,
             .paragraphSeparator, .spaceSeparator:
            return true
        default:
            return false
        }
    }
}
