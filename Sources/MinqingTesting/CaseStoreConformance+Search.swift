import Foundation
import MinqingCore
import MinqingStore

extension CaseStoreConformance {
    /// `CaseLedger.searchCases` as the list, the API and the console page it: cursor pages, the text index, capped
    /// counts (docs/search-and-paging.md).
    public static let searchChecks: [Check] = [
        Check(description: "cursor pages walk every match once, newest first, while new cases arrive") { open in
            let store = try await open(settings())
            // Batches of five share a registration time: the day sequence orders them.
            for batch in 0..<6 {
                let messages = (0..<5).map { i in
                    message("w\(batch)-\(i)", village: (batch + i) % 2 == 0 ? "青山村" : "河西村",
                            subject: (batch * 5 + i) % 3 == 0 ? "路灯不亮" : "道路损坏")
                }
                _ = try await store.ingest(messages, at: start.addingTimeInterval(Double(batch) * 60))
            }
            // Arriving cases are registered after every case stored so far, as real ones are.
            var arrivals = 0.0
            for (what, base) in searchWalks() {
                var all = base
                all.limit = CaseQuery.maxLimit
                let expected = try await store.searchCases(all).items.map(\.id)
                try require(!expected.isEmpty, "\(what): matches")
                var q = base
                q.limit = 4
                var walked: [CaseID] = []
                var arriving = 0
                while true {
                    let page = try await store.searchCases(q)
                    walked += page.items.map(\.id)
                    try require(page.items.count <= 4, "\(what): page size")
                    guard let next = page.nextCursor else { break }
                    try requireEqual(next, CaseCursor(after: page.items.last!), "\(what): cursor after the last row")
                    q.cursor = next
                    // New cases (later, matching every walk) arrive between pages: they sort before the cursor.
                    arriving += 1
                    arrivals += 1
                    _ = try await store.ingest(
                        [message("new-\(what)-\(arriving)", village: "青山村", subject: "路灯不亮")],
                        at: start.addingTimeInterval(3600 + arrivals))
                    try require(arriving < 40, "\(what): the walk ends")
                }
                try requireEqual(walked, expected, "\(what): every match once, in order")
                try requireEqual(Set(walked).count, walked.count, "\(what): no duplicates")
            }
            var q = CaseQuery()
            q.limit = 500
            let everything = try await store.searchCases(q)
            try require(everything.nextCursor == nil, "no cursor after the last page")
            try requireEqual(everything.items.count, everything.total, "one page holds all")
        },
        Check(description: "text search finds exactly what a substring scan finds, over Chinese, mixed, full-width and emoji text") { open in
            let store = try await open(settings())
            let fixtures = searchFixtures()
            for (i, f) in fixtures.enumerated() {
                var m = message("t\(i)", body: f.body, village: i % 2 == 0 ? "青山村" : "河西村", subject: f.subject)
                m.complainant.phone = f.phone
                if i % 7 == 3 { m.concerns = ["chen-zhiqiang"] }
                _ = try await ingestOne(store, m, at: start.addingTimeInterval(Double(i) * 60))
            }
            var all = CaseQuery()
            all.limit = CaseQuery.maxLimit
            let records = try await store.searchCases(all).items
            try requireEqual(records.count, fixtures.count, "fixture stored")
            for text in searchTexts() {
                for pii in [true, false] {
                    for village in [nil, "qingshan"] as [String?] {
                        for excluding in [false, true] {
                            var q = CaseQuery()
                            q.text = text
                            q.textMatchesPII = pii
                            q.village = village
                            if excluding { q.excludingConcerns = ["chen-zhiqiang"] }
                            q.limit = CaseQuery.maxLimit
                            let expected = records.filter { r in
                                (village == nil || r.village == village) && (!excluding || !r.concerns.contains("chen-zhiqiang"))
                                    && bruteForceMatch(r, text, pii: pii)
                            }.map(\.id)
                            let what = "q=\(text) pii=\(pii) village=\(village ?? "-") excluding=\(excluding)"
                            let page = try await store.searchCases(q)
                            try requireEqual(page.items.map(\.id), expected, what)
                            try requireEqual(page.total, expected.count, "\(what): total")
                            // The same matches page by page.
                            q.limit = 3
                            var walked: [CaseID] = []
                            while true {
                                let page = try await store.searchCases(q)
                                walked += page.items.map(\.id)
                                guard let next = page.nextCursor else { break }
                                q.cursor = next
                            }
                            try requireEqual(walked, expected, "\(what): by cursor")
                        }
                    }
                }
            }
        },
        Check(description: "totals are counted up to the cap, and the page says when there are more") { open in
            let store = try await open(settings())
            for i in 0..<7 {
                _ = try await ingestOne(store, message("cap\(i)", body: i < 6 ? "垃圾堆放" : "路灯不亮"), at: start.addingTimeInterval(Double(i)))
            }
            var q = CaseQuery()
            q.totalCap = 5
            var page = try await store.searchCases(q)
            try requireEqual(page.total, 5, "counted to the cap")
            try require(page.totalCapped, "more than the cap")
            try requireEqual(page.items.count, 7, "the page is not capped")
            q.totalCap = 7
            page = try await store.searchCases(q)
            try requireEqual(page.total, 7, "exact at the cap")
            try require(!page.totalCapped, "not more than the cap")
            q.text = "垃圾"
            q.totalCap = 3
            page = try await store.searchCases(q)
            try requireEqual([page.total, page.items.count], [3, 6], "a search counts to its cap")
            try require(page.totalCapped, "search capped")
            q.totalCap = nil
            q.cursor = CaseCursor(after: page.items[1])
            page = try await store.searchCases(q)
            try requireEqual([page.total, page.items.count], [6, 4], "the total ignores the cursor")
            try require(!page.totalCapped, "default cap")
            q = CaseQuery()
            q.limit = 2
            q.offset = CaseQuery.maxOffset + 5
            try requireEqual(try await store.searchCases(q).items, [], "a deeper offset is clamped")
        },
    ]

    /// The walks of the cursor check: the whole list, a filter, a text search, a filter with text.
    static func searchWalks() -> [(String, CaseQuery)] {
        var village = CaseQuery()
        village.village = "qingshan"
        var text = CaseQuery()
        text.text = "路灯"
        var both = text
        both.village = "qingshan"
        var status = CaseQuery()
        status.statuses = [.received]
        return [("all", CaseQuery()), ("village", village), ("text", text), ("village+text", both), ("status", status)]
    }

    struct SearchFixture {
        var subject: String
        var body: String
        var phone: String?
    }

    /// Complaints as a township receives them: Chinese with punctuation, numbers, mixed ASCII, full-width forms, emoji.
    static func searchFixtures() -> [SearchFixture] {
        [
            .init(subject: "路灯不亮", body: "村口的路灯已经坏了三天，晚上看不见路。", phone: "13812345678"),
            .init(subject: "垃圾清运", body: "垃圾桶满了没人清运，臭味很大！", phone: "139-0000-1111"),
            .init(subject: "低保申请", body: "我家符合低保条件，申请了两个月没有答复？", phone: "+86 138 1234 5678"),
            .init(subject: "道路损坏", body: "河西村到镇上的路塌了一段，雨天无法通行。", phone: nil),
            .init(subject: "噪音扰民", body: "工地晚上10点后还在施工，噪音扰民。", phone: "0571-88886666"),
            .init(subject: "WiFi信号差", body: "村委会的wifi信号很差，ABC公司装的。", phone: "13700000000"),
            .init(subject: "拖欠工资", body: "老板拖欠农民工工资三个月，共计２５０００元。", phone: "13600001234"),
            .init(subject: "饮水安全", body: "自来水发黄👎，喝了肚子疼😷，请检测水质。", phone: nil),
            .init(subject: "路", body: "灯", phone: "13812345678"),
            .init(subject: "ＡＢＣ全角", body: "全角字母ＡＢＣ和数字１２３，半角abc 123。", phone: nil),
            .init(subject: "宅基地纠纷", body: "邻居占用我家宅基地，村里调解未果——请镇里处理。", phone: "15900009999"),
            .init(subject: "路灯", body: "路灯路灯路灯", phone: nil),
            .init(subject: "医保报销", body: "医保报销比例？看病花了3000元只报了30%。", phone: "18800001111"),
            .init(subject: "垃圾", body: "河道里全是垃圾，鱼都死了。", phone: nil),
            .init(subject: "关于MQ系统", body: "case MQ-20261122 test：编号查询 mq 小写。", phone: "13812340000"),
            .init(subject: "养老金", body: "养老金没有按时发放。\n第二行：家住青山村3组。", phone: "13512345678"),
            .init(subject: "下水道堵塞", body: "下水道堵塞，污水漫到路上，路灯下面都是水。", phone: nil),
            .init(subject: "e\u{301}cole 法语", body: "combining accent: e\u{301} and é precomposed.", phone: nil),
            .init(subject: "家庭👨‍👩‍👧纠纷", body: "家里人👨‍👩‍👧吵架，请调解。", phone: "13000000000"),
            .init(subject: "停电", body: "昨天停电12小时，冰箱里的东西全坏了。电话13812345678", phone: nil),
        ]
    }

    /// Searches of one, two, three and more characters, mixed, full-width, emoji, digits, ids, punctuation only.
    static func searchTexts() -> [String] {
        [
            "路", "灯", "路灯", "路灯不亮", "垃圾", "低保", "垃圾桶满", "灯路", "路灯路灯", "不存在的内容", "水",
            "wifi", "WIFI", "abc", "ＡＢＣ", "１２３", "123", "3000", "30%", "%", "_", "\\",
            "😷", "👎，", "👨‍👩‍👧", "👩", "e", "é", "e\u{301}", "，", "。", "——", " ",
            "1381234", "138-1234", "13812345678", "0000", "MQ-20261122", "mq-2026", "MQ-20261122-0003", "0003",
            "青山村3组", "第二行", "\n第二", "全角字母ＡＢＣ", "工资三个月", "２５０００",
        ]
    }

    /// What `LIKE '%text%'` over subject, body, id (and the phone's digits when `pii`) finds: bytes, ASCII case ignored.
    static func bruteForceMatch(_ r: CaseRecord, _ given: String, pii: Bool) -> Bool {
        // The store searches the trimmed text; nothing left is no text filter.
        let text = given.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty { return true }
        let fields = [r.subject, r.body, r.id.description]
        if pii {
            let phone = PhoneNumber.normalised(text)
            if !phone.isEmpty, let stored = r.complainant.phone.map(PhoneNumber.normalised), contains(stored, phone) { return true }
            return fields.contains { contains($0, text) }
        }
        if text.contains(where: \.isNumber) { return contains(r.id.description, text) }
        return fields.contains { contains($0, text) }
    }

    static func contains(_ haystack: String, _ needle: String) -> Bool {
        func fold(_ s: String) -> [UInt8] { s.utf8.map { (65...90).contains($0) ? $0 + 32 : $0 } }
        let h = fold(haystack), n = fold(needle)
        guard !n.isEmpty else { return true }
        guard h.count >= n.count else { return false }
        return (0...(h.count - n.count)).contains { i in h[i..<(i + n.count)].elementsEqual(n) }
    }
}

extension CaseStoreConformance {
    /// The list queries whose plans a store's test checks (`explainSearch`): each filter of the ledger list alone and
    /// after `cursor`, with the index that must serve it in the list's order (the same index names on every store).
    public static func listPlanQueries(after cursor: CaseCursor) -> [(name: String, query: CaseQuery, index: String)] {
        var out: [(String, CaseQuery, String)] = []
        func add(_ name: String, _ index: String, _ change: (inout CaseQuery) -> Void) {
            var q = CaseQuery()
            change(&q)
            out.append((name, q, index))
            q.cursor = cursor
            out.append((name + " after a cursor", q, index))
        }
        add("all", "cases_registered") { _ in }
        add("village", "cases_village_list") { $0.village = "qingshan" }
        add("status", "cases_status_list") { $0.statuses = [.received] }
        add("channel", "cases_channel_list") { $0.channel = .hotline }
        add("category", "cases_category_list") { $0.category = "land" }
        add("leader", "cases_leader_list") { $0.leader = "liu" }
        add("staff", "cases_staff_list") { $0.staff = "chen" }
        return out
    }
}
