import Foundation
import MinqingCore

/// What a statistics table is grouped by.
public enum RateDimension: String, Sendable, Hashable, CaseIterable {
    case village, category, channel
    /// The case's status now (`CaseStatus.rawValue`).
    case status
    /// The registration week, Monday to Sunday in the office's time zone; keyed by its Monday (`2026-11-30`).
    case week
}

/// Which cases a statistics table counts.
public struct RateQuery: Sendable, Hashable {
    /// Registration time range, `from` inclusive, `to` exclusive.
    public var registeredFrom: Date?
    public var registeredTo: Date?
    public var dimension: RateDimension
    /// The time deadlines are judged at (a deadline passed before `now` counts for the on-time rate).
    public var now: Date
    /// Leaves out every case whose `concerns` hold one of these references, as `CaseQuery.excludingConcerns`: a
    /// reader's statistics do not count the cases about them (信访工作条例 第三十条), so a small group — one case of
    /// 干部作风 in their village this week — cannot tell them a complaint about them exists.
    public var excludingConcerns: [String]

    public init(
        registeredFrom: Date? = nil, registeredTo: Date? = nil, dimension: RateDimension, now: Date, excludingConcerns: [String] = []
    ) {
        self.registeredFrom = registeredFrom
        self.registeredTo = registeredTo
        self.dimension = dimension
        self.now = now
        self.excludingConcerns = excludingConcerns
    }
}

/// One group of a statistics table: its key (a village or category code as stored, "" when the cases have none; a
/// channel's raw value; a week's Monday) and its counts.
public struct RateRow: Sendable, Hashable {
    public var key: String
    public var rates: CaseRates

    public init(key: String, rates: CaseRates) {
        self.key = key
        self.rates = rates
    }
}

/// Reports by place and kind, computed in the database with aggregates — never by loading the cases, so a table
/// costs the same at 1M cases as the index reads of its period.
///
/// Contract (`StatisticsConformance`): the counts of every group are exactly what `CaseRates.count` gives for its
/// cases (first reply from the audit trail); groups come largest first, then by key (weeks oldest first); groups
/// without cases are absent.
public protocol LedgerStatistics: Sendable {
    func rates(_ query: RateQuery) async throws -> [RateRow]
}

extension RateRow {
    /// Orders rows as the contract says.
    public static func ordered(_ rows: [RateRow], by dimension: RateDimension) -> [RateRow] {
        dimension == .week
            ? rows.sorted { $0.key < $1.key }
            : rows.sorted { ($0.rates.cases, $1.key) > ($1.rates.cases, $0.key) }
    }
}
