import Foundation
import MinqingCore
import MinqingHTTP

/// The numbers of a period's ledger (dashboard and monthly report). Pure: records, their audit trails and `now` in,
/// numbers out.
///
/// - 回复率 (reply rate): replied cases / cases taken up (all but 不予受理, 告知其他途径, 并单).
/// - 按期办结率 (on-time rate): cases whose first reply came by the deadline / cases with a deadline that were
///   replied or whose deadline has passed.
/// - 满意率 (satisfaction rate): 满意 + 基本满意 / cases rated (未评价 not counted), see docs/domain/call-records.md#satisfaction-and-rates.
struct LedgerStats {
    struct Count: Hashable { var label: String; var count: Int }

    var total = 0
    var byStatus: [Count] = []
    var byChannel: [Count] = []
    var byVillage: [Count] = []
    var byCategory: [Count] = []
    var replied = 0, takenUp = 0
    var onTime = 0, dueOrReplied = 0
    var satisfied = 0, rated = 0
    var overdue: [CaseRecord] = []

    var replyRate: Double? { takenUp == 0 ? nil : Double(replied) / Double(takenUp) }
    var onTimeRate: Double? { dueOrReplied == 0 ? nil : Double(onTime) / Double(dueOrReplied) }
    var satisfactionRate: Double? { rated == 0 ? nil : Double(satisfied) / Double(rated) }

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
            let events = audits[r.id] ?? []
            let firstReply = events.first { $0.action == "reply" }?.at
            if ![.rejected, .referred, .merged].contains(r.status) {
                takenUp += 1
                if firstReply != nil { replied += 1 }
            }
            if let deadline = r.deadline, firstReply != nil || now > deadline {
                dueOrReplied += 1
                if let at = firstReply, at <= deadline { onTime += 1 }
            }
            if let s = r.satisfaction, s != .notEvaluated {
                rated += 1
                if s == .satisfied || s == .basicallySatisfied { satisfied += 1 }
            }
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
