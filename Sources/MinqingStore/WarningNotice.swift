import Foundation
import MinqingCore

/// What every store writes the same way for an early warning's notifications (`warning.raised`,
/// `warning.updated`): their outbox keys and their template values. Pure: the store reads the rows, this shapes them.
public enum WarningNotice {
    /// Most member cases listed in one warning notification (the console lists them all).
    public static let casesPerNotification = 10
    /// Most village names listed in one notification.
    public static let villagesPerNotification = 50

    /// The outbox key of the raising notification of warning `id` with `count` members.
    public static func raisedKey(_ id: String, count: Int) -> String { "warning:\(id):\(count)" }

    /// The prefix of the keys of warning `id`'s updates; an update's key ends with its send time (Unix seconds).
    public static func updateKeyPrefix(_ id: String) -> String { "warning:\(id):update:" }

    /// The exclusive upper bound of the keys with `updateKeyPrefix(id)`, for an index range (';' follows ':').
    public static func updateKeyEnd(_ id: String) -> String { "warning:\(id):update;" }

    public static func updateKey(_ id: String, sendAt: Date) -> String {
        updateKeyPrefix(id) + String(Int(sendAt.timeIntervalSince1970.rounded(.up)))
    }

    /// The send time an update key names; nil for other keys.
    public static func sendTime(ofUpdateKey key: String, id: String) -> Date? {
        let prefix = updateKeyPrefix(id)
        guard key.hasPrefix(prefix), let seconds = Double(key.dropFirst(prefix.count)) else { return nil }
        return Date(timeIntervalSince1970: seconds)
    }

    /// What a notification shows of one member case — read from the ledger's columns, not its whole document
    /// (a busy warning's context is written with every batch that grows it).
    public struct Member: Sendable, Hashable {
        public var id: String
        public var village: String?
        public var registeredAt: Date
        public var subject: String
        /// Whether the case names people it is about (`CaseRecord.concerns`): then its subject is not shown.
        public var hasConcerns: Bool

        public init(id: String, village: String?, registeredAt: Date, subject: String, hasConcerns: Bool) {
            self.id = id
            self.village = village
            self.registeredAt = registeredAt
            self.subject = subject
            self.hasConcerns = hasConcerns
        }

        public init(_ record: CaseRecord) {
            self.init(id: record.id.description, village: record.village, registeredAt: record.registeredAt, subject: record.subject,
                      hasConcerns: !record.concerns.isEmpty)
        }
    }

    /// The template values, as a JSON object: the rule, scope (village or category name, or 全镇), count, villages
    /// and the `newest` member cases (oldest of them first). A member case with people it is about (`concerns`) is
    /// listed without its subject, so nothing of it reaches a group those people may sit in.
    ///
    /// - Parameter villageCodes: the members' village codes (empty for none), at most `villagesPerNotification`.
    public static func context(
        id: String, rule: WarningRule, scope: String, count: Int, raisedAt: Date, villageCodes: [String],
        newest: [Member], event: String, settings: WarningSettings, timeZone: TimeZone
    ) throws -> String {
        let villages = villageCodes.map { $0.isEmpty ? "未注明" : settings.names[$0] ?? $0 }
        let cases = newest.map { r in
            Context.Case(
                id: r.id, village: r.village.map { settings.names[$0] ?? $0 } ?? "未注明",
                registered_at: HubTime.iso(r.registeredAt, in: timeZone),
                subject: r.hasConcerns ? "（涉及回避，内容请到工作台查看）" : r.subject)
        }
        let context = Context(
            warning: .init(
                id: id, rule: rule.name, kind: rule.kindName,
                scope: scope == "township" ? "全镇" : settings.names[scope] ?? scope,
                count: String(count), villages: villages.joined(separator: "、"),
                raised_at: HubTime.iso(raisedAt, in: timeZone),
                grown: event == NotificationEvent.warningUpdated.rawValue),
            cases: cases,
            // Absent rather than 0, so a template's {{#more}} section shows only when some are left out.
            more: count > cases.count ? String(count - cases.count) : nil)
        return String(decoding: try contextEncoder.encode(context), as: UTF8.self)
    }

    /// The template values' shape (snake_case keys, as the templates name them). Encoded with a Codable encoder:
    /// Foundation's `JSONSerialization` of the same dictionaries was 6.5 % of intake's time (BENCHMARKS.md).
    struct Context: Encodable {
        struct Warning: Encodable {
            var id, rule, kind, scope, count, villages, raised_at: String
            var grown: Bool
        }
        struct Case: Encodable {
            var id, village, registered_at, subject: String
        }
        var warning: Warning
        var cases: [Case]
        var more: String?
    }

    private static let contextEncoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()
}

extension RelatedLink {
    /// The links of one case read in both directions, one per other case (the strongest reason, then the highest
    /// score), strongest first — as `RelatedCaseStore.relatedCases(of:)` answers.
    public static func strongest(_ links: [RelatedLink]) -> [RelatedLink] {
        var best: [CaseID: RelatedLink] = [:]
        for link in links {
            if let known = best[link.caseID], (known.reason, -known.score) <= (link.reason, -link.score) { continue }
            best[link.caseID] = link
        }
        return best.values.sorted { ($0.reason, -$0.score, $0.caseID) < ($1.reason, -$1.score, $1.caseID) }
    }
}
