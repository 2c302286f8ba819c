import Foundation
import MinqingCore
import MinqingHTTP

/// The numbers of a period's ledger (dashboard and monthly report). Pure: records, their audit trails and `now` in,
/// numbers out.
///
/// The rates (回复率, 按期办结率, 满意率) follow `CaseRates`, the one place their rules live; the statistics page
/// (`ConsoleRoutes+Stats`) gets the same rates per village, category, channel and week from the store's aggregates.
struct LedgerStats {
    struct Count: Hashable { var label: String; var count: Int }

    var total = 0
    var byStatus: [Count] = []
    var byChannel: [Count] = []
    var byVillage: [Count] = []
    var byCategory: [Count] = []
    var rates = CaseRates()
    var overdue: [CaseRecord] = []

    var replied: Int { rates.replied }
    var takenUp: Int { rates.takenUp }
    var onTime: Int { rates.onTime }
    var dueOrReplied: Int { rates.dueOrReplied }
    var satisfied: Int { rates.satisfied }
    var rated: Int { rates.rated }
    var replyRate: Double? { rates.replyRate }
    var onTimeRate: Double? { rates.onTimeRate }
    var satisfactionRate: Double? { rates.satisfactionRate }

    init(records: [CaseRecord], audits: [CaseID: [AuditEvent]], now: Date,
         villageName: (String) -> String, categoryName: (String) -> String) {
        total = records.count
        func counts(_ key: (CaseRecord) -> String) -> [Count] {
            Dictionary(grouping: records, by: key).map { Count(label: $0.key, count: $0.value.count) }
                .sorted { ($0.count, $1.label) > ($1.count, $0.label) }
        }
        byStatus = counts { $0.status.displayName }
        byChannel = counts { $0.channel.displayName }
        byVillage = counts { $0.village.map(villageName) ?? "未填" }
        byCategory = counts { $0.category.map(categoryName) ?? "未填" }
        for r in records {
            rates.count(r, firstReply: (audits[r.id] ?? []).first { $0.action == "reply" }?.at, now: now)
            if r.isOverdue(at: now) { overdue.append(r) }
        }
    }

    static func percent(_ rate: Double?) -> String {
        guard let rate else { return "—" }
        return String(format: "%.1f%%", rate * 100)
    }

    /// Horizontal bars for a server-side SVG chart (labels are escaped by the template).
    static func bars(_ counts: [Count], width: Int = 360) -> [String: Any] {
        let top = Array(counts.prefix(10))
        let maxCount = max(1, top.map(\.count).max() ?? 1)
        let rows = top.enumerated().map { i, c -> [String: Any] in
            ["label": c.label, "count": c.count, "y": i * 24, "textY": i * 24 + 15,
             "width": max(2, c.count * (width - 150) / maxCount), "countX": 110 + max(2, c.count * (width - 150) / maxCount) + 4]
        }
        return ["rows": rows, "height": max(24, top.count * 24), "width": width]
    }
}
