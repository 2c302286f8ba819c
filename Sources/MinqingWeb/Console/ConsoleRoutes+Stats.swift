import Foundation
import Hummingbird
import MinqingCore
import MinqingHTTP
import MinqingStore

/// 分类统计: reply, on-time and satisfaction rates per village, category and channel, and by week, for a period
/// (`?month=2026-12` or `?from=&to=`, default the current month) — a page and a CSV (UTF-8 BOM, Chinese headers)
/// computed by the store's aggregates (`LedgerStatistics`), never by loading the cases.
extension ConsoleRoutes {
    static let statsDimensions: [(RateDimension, String)] = [
        (.village, "村（社区）"), (.category, "类别"), (.channel, "渠道"), (.week, "周"),
    ]

    /// The tables of the period as `current` may see them (without the cases about them, `CaseAccess.restrict`),
    /// each row a name and its counts.
    func statsTables(
        from: Date, to: Date, for current: ConsoleAuth.Current
    ) async throws -> [(RateDimension, String, [(name: String, rates: CaseRates)])]? {
        guard let store = deps.store as? any LedgerStatistics else { return nil }
        let now = deps.clock.now()
        let excluding = access(current).restrict(CaseQuery()).excludingConcerns
        var out: [(RateDimension, String, [(name: String, rates: CaseRates)])] = []
        for (dimension, title) in Self.statsDimensions {
            let rows = try await store.rates(RateQuery(
                registeredFrom: from, registeredTo: to, dimension: dimension, now: now, excludingConcerns: excluding))
            out.append((dimension, title, rows.map { (statsName($0.key, dimension), $0.rates) }))
        }
        return out
    }

    func statsName(_ key: String, _ dimension: RateDimension) -> String {
        switch dimension {
        case .village: key.isEmpty ? "未填" : directory.village(key)?.name ?? key
        case .category: key.isEmpty ? "未填" : directory.category(key)?.name ?? key
        case .channel: Channel(rawValue: key)?.displayName ?? key
        case .status: CaseStatus(rawValue: key)?.displayName ?? key
        case .week:
            CivilDayText.weekLabel(key)
        }
    }

    func statsPage(_ request: Request) async throws -> Response {
        guard let current = await auth.current(request) else { return toLogin() }
        let (from, to, label) = period(request)
        guard let tables = try await statsTables(from: from, to: to, for: current) else {
            return pages.response("stats", base(current, ["title": "分类统计", "period": label, "error": "当前存储不支持分类统计"]))
        }
        let query = request.uri.query.map { "?" + $0 } ?? ""
        return pages.response("stats", base(current, [
            "title": "分类统计", "period": label, "csv": "/console/stats.csv" + query,
            "tables": tables.map { dimension, title, rows in
                ["title": title, "id": "stats-\(dimension.rawValue)", "rows": rows.map { name, r in
                    ["name": name, "cases": r.cases,
                     "replyRate": LedgerStats.percent(r.replyRate), "replied": r.replied, "takenUp": r.takenUp,
                     "onTimeRate": LedgerStats.percent(r.onTimeRate), "onTime": r.onTime, "dueOrReplied": r.dueOrReplied,
                     "satisfactionRate": LedgerStats.percent(r.satisfactionRate), "satisfied": r.satisfied, "rated": r.rated] as [String: Any]
                }] as [String: Any]
            },
        ]))
    }

    func statsCSV(_ request: Request) async throws -> Response {
        guard let current = await auth.current(request) else { return toLogin() }
        let (from, to, label) = period(request)
        guard let tables = try await statsTables(from: from, to: to, for: current) else {
            throw HTTPError(.serviceUnavailable, message: "当前存储不支持分类统计")
        }
        var lines = ["统计期间,分类,名称,登记数,受理办理数,已答复数,回复率,到期或已答复数,按期答复数,按期办结率,已评价数,满意数,满意率"]
        for (_, title, rows) in tables {
            for (name, r) in rows {
                let counts: [String] = [
                    String(r.cases), String(r.takenUp), String(r.replied), LedgerStats.percent(r.replyRate),
                    String(r.dueOrReplied), String(r.onTime), LedgerStats.percent(r.onTimeRate),
                    String(r.rated), String(r.satisfied), LedgerStats.percent(r.satisfactionRate),
                ]
                lines.append(([label, title, name] + counts).map(CSVCell.escape).joined(separator: ","))
            }
        }
        return CSVCell.download(lines, filename: "statistics.csv", chineseName: "%E5%88%86%E7%B1%BB%E7%BB%9F%E8%AE%A1.csv")
    }
}

extension CSVCell {
    /// A CSV file Excel opens as UTF-8 (BOM, CRLF lines), offered for download as `filename` (ASCII) and
    /// `chineseName` (percent-encoded UTF-8, RFC 6266).
    static func download(_ lines: [String], filename: String, chineseName: String) -> Response {
        let body = "\u{FEFF}" + lines.joined(separator: "\r\n") + "\r\n"
        return Response(status: .ok, headers: [
            .contentType: "text/csv; charset=utf-8",
            .contentDisposition: "attachment; filename=\"\(filename)\"; filename*=UTF-8''\(chineseName)",
        ], body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}

/// How a week's key (its Monday, `2026-11-30`) reads: `2026-11-30 至 12-06`.
enum CivilDayText {
    static func weekLabel(_ monday: String) -> String {
        guard let start = HubTime.parse(monday + "T12:00:00+08:00") else { return monday }
        let end = HubTime.iso(start.addingTimeInterval(6 * 86_400))
        return "\(monday) 至 \(end.dropFirst(5).prefix(5))"
    }
}
