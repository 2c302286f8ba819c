import Foundation
import MinqingCore
import MinqingHTTP
import MinqingStore

/// The numbers of a period's ledger (dashboard and monthly report), from the store's grouped counts
/// (`LedgerStatistics`): the period's cases are never loaded.
///
/// The rates (回复率, 按期办结率, 满意率) follow `CaseRates`, the one place their rules live (the stores' aggregates
/// are checked against it by `StatisticsConformance`); the statistics page (`ConsoleRoutes+Stats`) shows the same
/// rates per village, category, channel and week.
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

    /// From the store's aggregates (`LedgerStatistics`, one grouped count per dimension) — never the period's cases
    /// themselves — and the overdue cases the reader may see. `name` turns a group's key into its label.
    init(groups: [RateDimension: [RateRow]], overdue: [CaseRecord], name: (String, RateDimension) -> String) {
        func counts(_ dimension: RateDimension) -> [Count] {
            (groups[dimension] ?? []).map { Count(label: name($0.key, dimension), count: $0.rates.cases) }
                .sorted { ($0.count, $1.label) > ($1.count, $0.label) }
        }
        byStatus = counts(.status)
        byChannel = counts(.channel)
        byVillage = counts(.village)
        byCategory = counts(.category)
        rates = (groups[.channel] ?? []).map(\.rates).reduce(CaseRates(), +)
        total = rates.cases
        self.overdue = overdue
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
