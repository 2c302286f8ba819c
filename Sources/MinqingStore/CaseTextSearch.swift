import MinqingCore

/// The index side of one text search (`CaseQuery.text`), shared by both stores: which tokens the candidates must
/// hold (`SearchGrams`), written as an FTS5 `MATCH` expression or a PostgreSQL `tsquery`. The stores re-check every
/// candidate with the exact `LIKE`/`ILIKE` of `CaseQuery.text` and its PII rules, so the index only narrows.
///
/// A search matches subject, body and case id by `text`, and — when `textMatchesPII` — the complainant's phone by
/// the digits of `text` (`PhoneNumber.normalised`): two branches, either of which makes a candidate. A case indexed by
/// `SearchGrams.overflowToken` alone is always a candidate.
public struct CaseTextSearch: Sendable, Hashable {
    /// Each branch's tokens; nil when some branch has no word character, so the index cannot narrow (a search of
    /// punctuation only): the store then scans.
    public let branches: [SearchGrams.Query]?

    /// When at most this many cases hold the tokens, a store reads the page from the candidates (sorting them);
    /// when more, the search text is common and a store walks the list's index in order, re-checking each case,
    /// which finds a page of common text within a few hundred rows.
    public static let drivingLimit = 5_000

    public init(text: String, matchesPII: Bool) {
        var texts = [text]
        if matchesPII, case let phone = PhoneNumber.normalised(text), !phone.isEmpty, phone != text { texts.append(phone) }
        var queries: [SearchGrams.Query] = []
        for t in texts {
            guard let q = SearchGrams.query(t) else {
                branches = nil
                return
            }
            if !queries.contains(q) { queries.append(q) }
        }
        branches = queries
    }

    /// An FTS5 query over the token column, e.g. `("路灯" AND "灯坏") OR "zzlong"`.
    public var fts5Match: String? {
        branches.map { branches in
            (branches.map { b in
                "(" + (b.grams.map { "\"\($0)\"" } + b.prefixes.map { "\"\($0)\"*" }).joined(separator: " AND ") + ")"
            } + ["\"\(SearchGrams.overflowToken)\""]).joined(separator: " OR ")
        }
    }

    /// A `tsquery` over lexemes as stored (no parser, no normalisation), e.g. `('路灯' & '灯坏') | 'zzlong'`.
    public var tsquery: String? {
        branches.map { branches in
            (branches.map { b in
                "(" + (b.grams.map { "'\($0)'" } + b.prefixes.map { "'\($0)':*" }).joined(separator: " & ") + ")"
            } + ["'\(SearchGrams.overflowToken)'"]).joined(separator: " | ")
        }
    }

    /// The tokens a stored case is indexed by: those of its subject, body, id and (normalised) phone.
    public static func tokens(of record: CaseRecord) -> [String] {
        SearchGrams.tokens([record.subject, record.body, record.id.description, record.complainant.phone.map(PhoneNumber.normalised) ?? ""])
    }

    /// `tokens(of:)` of a row's stored columns, for filling the index of an existing ledger.
    public static func tokens(id: String, subject: String, body: String, phone: String?) -> [String] {
        SearchGrams.tokens([subject, body, id, phone ?? ""])
    }
}
