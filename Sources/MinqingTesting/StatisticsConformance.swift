import Foundation
import MinqingCore
import MinqingStore

/// The behaviour every store implementing `LedgerStatistics` must show (run by each store's test target like
/// `CaseStoreConformance`): its SQL aggregates count exactly what `CaseRates.count` counts.
public enum StatisticsConformance {
    public typealias Store = any CaseStore & LedgerStatistics
    public typealias Opener = @Sendable (LedgerSettings) async throws -> Store

    public struct Check: Sendable, CustomStringConvertible {
        public let description: String
        let body: @Sendable (Opener) async throws -> Void

        public func run(_ makeFixture: @Sendable () async throws -> Opener) async throws {
            try await body(try await makeFixture())
        }
    }

    /// Mon 2026-11-30 09:00 in Shanghai.
    static let monday = Date(iso: "2026-11-30T09:00:00+08:00")
    static let day: TimeInterval = 86_400

    /// Six cases over two weeks, two villages, two categories and three channels, each taken to a different point:
    /// replied on time and satisfied, replied late and unsatisfied (reopened), replied without a rating, overdue,
    /// rejected, and one just received.
    static func ledger(_ store: Store) async throws -> [CaseID] {
        func file(_ ref: String, _ channel: Channel, village: String, category: String, at: Date) async throws -> CaseID {
            var m = CaseStoreConformance.message(ref, body: "反映事项 \(ref)：请尽快处理。", village: village, category: category)
            m.channel = channel
            return try await store.ingest([m], at: at)[0].get().caseID
        }
        func assign(_ id: CaseID, at: Date, deadline: Date) async throws {
            _ = try await store.apply(.accept(note: nil), to: id, actor: "王丽", expectedVersion: nil, at: at)
            _ = try await store.apply(.assign(Assignment(leader: "刘建国", staff: "陈志强", deadline: deadline)), to: id,
                                      actor: "王丽", expectedVersion: nil, at: at)
        }
        func reply(_ id: CaseID, at: Date) async throws {
            _ = try await store.apply(.reply(outcome: .resolved, text: "已处理完毕。"), to: id, actor: "陈志强", expectedVersion: nil, at: at)
        }
        let a = try await file("s-a", .webform, village: "青山村", category: "土地", at: monday)
        try await assign(a, at: monday, deadline: monday.addingTimeInterval(5 * day))
        try await reply(a, at: monday.addingTimeInterval(2 * day))
        _ = try await store.apply(.followUp(satisfaction: .satisfied, note: nil), to: a, actor: "王丽", expectedVersion: nil,
                                  at: monday.addingTimeInterval(3 * day))
        let b = try await file("s-b", .hotline, village: "青山村", category: "劳资", at: monday.addingTimeInterval(3600))
        try await assign(b, at: monday.addingTimeInterval(3600), deadline: monday.addingTimeInterval(day))
        try await reply(b, at: monday.addingTimeInterval(2 * day))
        _ = try await store.apply(.followUp(satisfaction: .unsatisfied, note: "仍未解决"), to: b, actor: "王丽", expectedVersion: nil,
                                  at: monday.addingTimeInterval(3 * day))
        let c = try await file("s-c", .mailbox, village: "河西村", category: "土地", at: monday.addingTimeInterval(7 * day))
        try await assign(c, at: monday.addingTimeInterval(7 * day), deadline: monday.addingTimeInterval(9 * day))
        try await reply(c, at: monday.addingTimeInterval(8 * day))
        _ = try await store.apply(.followUp(satisfaction: .notEvaluated, note: nil), to: c, actor: "王丽", expectedVersion: nil,
                                  at: monday.addingTimeInterval(9 * day))
        let d = try await file("s-d", .webform, village: "河西村", category: "劳资", at: monday.addingTimeInterval(7 * day + 3600))
        try await assign(d, at: monday.addingTimeInterval(7 * day + 3600), deadline: monday.addingTimeInterval(8 * day))
        let e = try await file("s-e", .webform, village: "青山村", category: "土地", at: monday.addingTimeInterval(8 * day))
        _ = try await store.apply(.reject(reason: "不属于本机关职责范围"), to: e, actor: "王丽", expectedVersion: nil,
                                  at: monday.addingTimeInterval(8 * day))
        let f = try await file("s-f", .hotline, village: "", category: "", at: monday.addingTimeInterval(9 * day))
        return [a, b, c, d, e, f]
    }

    public static let checks: [Check] = [
        Check(description: "rates by village, category, channel and week are exactly what CaseRates counts for each group's cases") { open in
            let store = try await open(CaseStoreConformance.settings())
            let ids = try await ledger(store)
            let now = monday.addingTimeInterval(10 * day)
            var records: [(CaseRecord, Date?)] = []
            for id in ids {
                let r = try await store.fetchCase(id)!
                records.append((r, try await store.auditTrail(of: id).first { $0.action == "reply" }?.at))
            }
            let zone = HubTime.shanghai
            var calendar = Calendar(identifier: .iso8601)
            calendar.timeZone = zone
            func weekKey(_ d: Date) -> String {
                let start = calendar.dateInterval(of: .weekOfYear, for: d)!.start
                return String(HubTime.iso(start, in: zone).prefix(10))
            }
            for dimension in RateDimension.allCases {
                var expected: [String: CaseRates] = [:]
                for (r, first) in records {
                    let key = switch dimension {
                    case .village: r.village ?? ""
                    case .category: r.category ?? ""
                    case .channel: r.channel.rawValue
                    case .status: r.status.rawValue
                    case .week: weekKey(r.registeredAt)
                    }
                    expected[key, default: CaseRates()].count(r, firstReply: first, now: now)
                }
                let rows = try await store.rates(RateQuery(dimension: dimension, now: now))
                try requireEqual(Dictionary(uniqueKeysWithValues: rows.map { ($0.key, $0.rates) }), expected, "\(dimension)")
                try requireEqual(rows.map(\.key), RateRow.ordered(rows, by: dimension).map(\.key), "\(dimension) order")
            }
            let weeks = try await store.rates(RateQuery(dimension: .week, now: now))
            try requireEqual(weeks.map(\.key), ["2026-11-30", "2026-12-07"], "weeks keyed by their Monday, oldest first")
            let total = weeks.map(\.rates).reduce(CaseRates(), +)
            try requireEqual(total, CaseRates(cases: 6, takenUp: 5, replied: 3, dueOrReplied: 4, onTime: 2, rated: 2, satisfied: 1), "office-wide")
            let second = try await store.rates(RateQuery(registeredFrom: monday.addingTimeInterval(7 * day), dimension: .village, now: now))
            try requireEqual(second.map(\.rates.cases).reduce(0, +), 4, "the period filter")
        },
        Check(description: "a reader's statistics leave out the cases about them, in every dimension") { open in
            let store = try await open(CaseStoreConformance.settings())
            var about = CaseStoreConformance.message("x-1", body: "反映村干部陈志强优亲厚友。", village: "青山村", category: "低保")
            about.concerns = ["chen-zhiqiang"]
            _ = try await store.ingest([about], at: monday)
            _ = try await store.ingest([CaseStoreConformance.message("x-2", body: "路灯不亮。", village: "青山村", category: "低保")], at: monday)
            for dimension in RateDimension.allCases {
                let all = try await store.rates(RateQuery(dimension: dimension, now: monday))
                let his = try await store.rates(RateQuery(dimension: dimension, now: monday, excludingConcerns: ["chen-zhiqiang", "陈志强"]))
                try requireEqual(all.map(\.rates.cases).reduce(0, +), 2, "\(dimension): both for others")
                try requireEqual(his.map(\.rates.cases).reduce(0, +), 1, "\(dimension): not the one about him")
            }
        },
    ]
}
