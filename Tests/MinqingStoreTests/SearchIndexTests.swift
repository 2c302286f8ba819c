import Foundation
import GRDB
import MinqingCore
import MinqingStore
import MinqingTesting
import Testing

@Suite("Search tokens, cursors and list plans")
struct SearchIndexTests {
    @Test("Chinese text is cut into bigrams, each run's last character alone; punctuation separates runs")
    func chinese() {
        #expect(SearchGrams.tokens(["路灯不亮"]) == ["路灯", "灯不", "不亮", "亮"])
        #expect(SearchGrams.tokens(["路灯，坏了！"]) == ["路灯", "灯", "坏了", "了"])
        #expect(SearchGrams.tokens(["垃圾", "垃圾桶"]) == ["垃圾", "圾", "圾桶", "桶"])
        #expect(SearchGrams.tokens(["路"]) == ["路"])
        #expect(SearchGrams.tokens(["，。！？——、"]) == [])
    }

    @Test("ASCII letters fold to lower case; ASCII punctuation separates; full-width forms fold by Unicode")
    func mixed() {
        #expect(SearchGrams.tokens(["WiFi信号"]) == ["wi", "if", "fi", "i信", "信号", "号"])
        #expect(SearchGrams.tokens(["MQ-20261122-0001"]) == ["mq", "q", "20", "02", "26", "61", "11", "12", "22", "2", "00", "01", "1"])
        #expect(SearchGrams.tokens(["ＡＢ１"]) == ["ａｂ", "ｂ１", "１"])
        #expect(SearchGrams.tokens(["a\"b'c*d"]) == ["a", "b", "c", "d"])
    }

    @Test("emoji and combining marks stay inside a run, scalar by scalar")
    func emoji() {
        #expect(SearchGrams.tokens(["水👎"]) == ["水👎", "👎"])
        #expect(SearchGrams.tokens(["e\u{301}"]) == ["e\u{301}", "\u{301}"])
        // The zero-width joiner is a format character: it separates.
        #expect(SearchGrams.tokens(["👨‍👩"]) == ["👨", "👩"])
    }

    @Test("a search asks for its bigrams, a one-character run as a prefix, nothing for punctuation only")
    func queries() {
        #expect(SearchGrams.query("路灯") == .init(grams: ["路灯"], prefixes: []))
        #expect(SearchGrams.query("垃圾桶满") == .init(grams: ["垃圾", "圾桶", "桶满"], prefixes: []))
        #expect(SearchGrams.query("路") == .init(grams: [], prefixes: ["路"]))
        #expect(SearchGrams.query("路 灯泡") == .init(grams: ["灯泡"], prefixes: ["路"]))
        #expect(SearchGrams.query("WIFI") == .init(grams: ["wi", "if", "fi"], prefixes: []))
        #expect(SearchGrams.query("，") == nil)
        #expect(SearchGrams.query("%_") == nil)
        #expect(SearchGrams.query(String(repeating: "路灯不亮了吗", count: 30))!.grams.count <= SearchGrams.maxQueryTokens)
    }

    @Test("every search of a substring asks only for tokens the text holds")
    func superset() {
        let texts = ["村口的路灯已经坏了三天，晚上看不见路。", "WiFi信号差ABC", "自来水发黄👎，喝了😷", "全角ＡＢＣ１２３", "MQ-20261122-0042 编号", "café e\u{301}cole 👨‍👩‍👧 家"]
        for text in texts {
            let tokens = Set(SearchGrams.tokens([text]).map { Array($0.utf8) })
            let scalars = Array(text.unicodeScalars)
            for start in scalars.indices {
                for end in (start + 1)...min(scalars.count, start + 6) {
                    var sub = ""
                    sub.unicodeScalars.append(contentsOf: scalars[start..<end])
                    guard let q = SearchGrams.query(sub) else { continue }
                    #expect(q.grams.allSatisfy { tokens.contains(Array($0.utf8)) }, "\(sub) in \(text)")
                    #expect(q.prefixes.allSatisfy { p in tokens.contains { $0.starts(with: Array(p.utf8)) } }, "\(sub) in \(text)")
                }
            }
        }
    }

    @Test("a case too long to index is indexed by the overflow token, which every search includes")
    func overflow() {
        let long = (0..<30_000).map { String(UnicodeScalar(0x4E00 + $0)!) }.joined()
        #expect(SearchGrams.tokens([long]) == [SearchGrams.overflowToken])
        let search = CaseTextSearch(text: "路灯", matchesPII: false)
        #expect(search.fts5Match == "(\"路灯\") OR \"zzlong\"")
        #expect(search.tsquery == "('路灯') | 'zzlong'")
        #expect(CaseTextSearch(text: "138-1234", matchesPII: true).fts5Match == "(\"13\" AND \"38\" AND \"12\" AND \"23\" AND \"34\") OR (\"13\" AND \"38\" AND \"81\" AND \"12\" AND \"23\" AND \"34\") OR \"zzlong\"")
        #expect(CaseTextSearch(text: "！", matchesPII: true).branches == nil)
    }

    @Test("a cursor reads back exactly; anything else is refused")
    func cursors() {
        let c = CaseCursor(registeredAt: 1_795_000_000.123456, seq: 42)
        #expect(CaseCursor(encoded: c.encoded) == c)
        #expect(c.encoded.hasPrefix("c1."))
        for bad in ["", "c1", "c1..1", "c1.zz.1", "c1.1.", "c2.1.1", "c1.1.-1", "c1.1.1.1", "c1.ABC.1", "c1.1.+1",
                    "c1.11111111111111111.1", "c1.1.1234567890123456789", " c1.1.1",
                    "c1.7ff8000000000000.1", "c1.7ff0000000000000.1", "c1.fff0000000000000.1"] {
            #expect(CaseCursor(encoded: bad) == nil, "\(bad)")
        }
    }

    @Test("every filter, a cursor page and a rare text are read through an index in the list's order")
    func plans() async throws {
        let store = try SQLiteCaseStore(path: SQLiteCaseStoreTests.tempPath())
        let cursor = CaseCursor(registeredAt: 1_795_000_000, seq: 7)
        var cases = CaseStoreConformance.listPlanQueries(after: cursor)
        var dates = CaseQuery()
        dates.registeredFrom = Date(timeIntervalSince1970: 1_790_000_000)
        cases.append(("dates", dates, "cases_registered"))
        for (name, q, index) in cases {
            let plan = try await store.explainSearch(q)
            #expect(plan.page.contains { $0.contains(index) }, "\(name): \(plan.page)")
            #expect(!plan.page.contains { $0.contains("TEMP B-TREE") }, "\(name) sorts nothing: \(plan.page)")
            #expect(!plan.page.contains { $0.hasPrefix("SCAN cases") && !$0.contains("INDEX") }, "\(name): \(plan.page)")
            #expect(plan.count.contains { $0.contains("INDEX") }, "\(name) counts by an index: \(plan.count)")
        }
        var several = CaseQuery()
        several.statuses = [.received, .accepted, .assigned]
        several.cursor = cursor
        let merged = try await store.explainSearch(several)
        #expect(merged.page.filter { $0.contains("cases_status_list (status=? AND (registered_at,seq)<(?,?))") }.count == 3,
                "several statuses: one ordered range each, merged: \(merged.page)")
        var text = CaseQuery()
        text.text = "路灯"
        let plan = try await store.explainSearch(text)
        #expect(plan.page.first?.contains("case_search") == true, "a rare text starts from the index: \(plan.page)")
        #expect(plan.count.contains { $0.contains("case_search") }, "\(plan.count)")
    }

    @Test("a ledger from before the search index is indexed when it is opened")
    func backfill() async throws {
        let path = SQLiteCaseStoreTests.tempPath()
        var settings = LedgerSettings(factory: CaseFactory(vocabulary: CaseStoreConformance.vocabulary))
        settings.caseIDPrefix = "MQ"
        do {
            let store = try SQLiteCaseStore(path: path, settings: settings)
            var m = InboundMessage(channel: .webform, sourceRef: "old-1", complainant: Complainant(phone: "13812345678"), body: "路灯坏了三天")
            m.subject = "夜里看不见"
            _ = try await store.ingest([m], at: CaseStoreConformance.start)
        }
        // As the ledger was before `v5-case-search`: no index, the step not applied.
        let db = try DatabaseQueue(path: path)
        try await db.write { db in
            try db.execute(sql: "DROP TABLE case_search; DELETE FROM grdb_migrations WHERE identifier = 'v5-case-search'")
        }
        try db.close()
        let store = try SQLiteCaseStore(path: path, settings: settings)
        for text in ["路灯", "灯", "看不见", "5678", "MQ-2026"] {
            var q = CaseQuery()
            q.text = text
            #expect(try await store.searchCases(q).total == 1, "\(text)")
        }
    }
}
