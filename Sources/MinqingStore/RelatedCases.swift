import Foundation
import MinqingCore

/// Related cases (可能重复) the ledger found at intake.
///
/// Contract (checked by `RelatedCaseConformance`):
/// - When the store's `LedgerSettings.warnings` is set, every new case (not a follow-up, not a redelivery) is queued
///   for repeat detection in the transaction that stores it (a durable `repeat_pending` row with its signature), and
///   nothing more: comparing is not on intake's path. `detectPendingRepeats` then takes the queued cases oldest
///   first, stores each one's fingerprint, links it to the cases `RelatedCases.links` picks among those already
///   fingerprinted, and raises or grows warnings — each queued case exactly once, also across a crash or a
///   restart. A failure there never touches the case: it stays stored, without links.
/// - Links are never merges; merging stays a case action (`CaseAction.merge`).
/// - Finding candidates costs O(bands) index lookups, whatever the size of the ledger.
public protocol RelatedCaseStore: Sendable {
    /// Runs repeat detection for up to `limit` queued cases, oldest first, in one transaction (a grown warning's
    /// update written once for the lot); returns how many it took off the queue. Time `now` stamps the links and
    /// warnings; windows are measured from each case's registration. Safe to call from several tasks or instances
    /// at once: each queued case is taken once. Notifies `LedgerSettings.outboxSignal` when it wrote notifications.
    func detectPendingRepeats(limit: Int, at now: Date) async throws -> Int
    /// How many queued cases `RepeatDetector` asks for at a time: a store whose statements are round trips
    /// (PostgreSQL) does better with more; one whose single writer intake also waits for (SQLite) with fewer.
    var repeatBatchSize: Int { get }
    /// How many new cases wait for repeat detection (the `minqing_repeat_backlog` gauge).
    func pendingRepeatCount() async throws -> Int
    /// The cases linked to `id`, in either direction (earlier and later ones), strongest reason first, then score.
    /// Cases merged into another are left out.
    func relatedCases(of id: CaseID) async throws -> [RelatedLink]
    /// The stored fingerprint of a case; nil when it has none (registered before repeats were detected, or none is set).
    func fingerprint(of id: CaseID) async throws -> CaseFingerprint?
}

extension RelatedCaseStore {
    /// Sixteen: on SQLite larger batches hold the one writer longer and intake waits for it (BENCHMARKS.md).
    public var repeatBatchSize: Int { 16 }
}

/// An early warning (预警): one cluster of cases that met a rule.
public struct EarlyWarning: Sendable, Hashable {
    public enum State: String, Sendable, Codable, CaseIterable {
        case open
        case acknowledged

        public var displayName: String { self == .open ? "待签收" : "已签收" }
    }

    public var id: String
    public var rule: String
    /// `similar_in_village`, `category_in_township` or `group_complaint`.
    public var kind: String
    /// The village code, category code or `township` the cluster is about.
    public var scope: String
    public var state: State
    public var raisedAt: Date
    public var updatedAt: Date
    /// Registration time of the newest member.
    public var lastCaseAt: Date
    /// Member cases, oldest first.
    public var members: [CaseID]
    public var acknowledgedBy: String?
    public var acknowledgedAt: Date?
    public var acknowledgementNote: String?

    public init(
        id: String, rule: String, kind: String, scope: String, state: State, raisedAt: Date, updatedAt: Date,
        lastCaseAt: Date, members: [CaseID], acknowledgedBy: String? = nil, acknowledgedAt: Date? = nil,
        acknowledgementNote: String? = nil
    ) {
        self.id = id
        self.rule = rule
        self.kind = kind
        self.scope = scope
        self.state = state
        self.raisedAt = raisedAt
        self.updatedAt = updatedAt
        self.lastCaseAt = lastCaseAt
        self.members = members
        self.acknowledgedBy = acknowledgedBy
        self.acknowledgedAt = acknowledgedAt
        self.acknowledgementNote = acknowledgementNote
    }
}

/// One entry of a warning's own audit trail (raised, grown, acknowledged).
public struct WarningEvent: Sendable, Hashable {
    public var at: Date
    public var actor: String
    /// `raised`, `grown` or `acknowledged`.
    public var action: String
    public var detail: String?

    public init(at: Date, actor: String, action: String, detail: String?) {
        self.at = at
        self.actor = actor
        self.action = action
        self.detail = detail
    }
}

/// Early warnings raised at intake.
///
/// Contract (checked by `RelatedCaseConformance`):
/// - A cluster that meets a rule raises ONE warning, with one `warning.raised` outbox row per target of the rule,
///   written in the transaction that detected the case which completed it. A case joining the cluster later adds itself to that
///   warning and writes one `warning.updated` row per target — never a second warning.
/// - Acknowledging is audited (actor, time, note) and happens once: a second acknowledgement throws
///   `WarningStoreError.alreadyAcknowledged`.
public protocol WarningStore: Sendable {
    /// Warnings newest first (by their newest member), optionally only those in `states`; at most `limit`.
    func warnings(states: Set<EarlyWarning.State>, limit: Int) async throws -> [EarlyWarning]
    func warning(id: String) async throws -> EarlyWarning?
    /// The warnings `id` is a member of.
    func warnings(containing id: CaseID) async throws -> [EarlyWarning]
    func warningEvents(id: String) async throws -> [WarningEvent]
    /// Marks a warning acknowledged (签收) by `actor`; throws `WarningStoreError`.
    func acknowledgeWarning(id: String, by actor: String, note: String?, at now: Date) async throws -> EarlyWarning
}

public enum WarningStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    case notFound(String)
    case alreadyAcknowledged(by: String, at: Date)

    public var description: String {
        switch self {
        case .notFound(let id): "预警 \(id) 不存在，请从预警列表中选择"
        case .alreadyAcknowledged(let by, let at): "此预警已由 \(by) 于 \(HubTime.iso(at)) 签收，无需再次签收"
        }
    }
}

extension CaseFingerprint {
    /// The `phones` column: a JSON array of phone numbers (`["13812345678"]`). Read without a JSON decoder when it
    /// holds no escapes — it is read for every neighbour of every new case.
    public static func phones(fromColumn json: String) -> [String] {
        guard !json.contains("\\") else { return (try? JSONDecoder().decode([String].self, from: Data(json.utf8))) ?? [] }
        let inner = json.utf8.dropFirst().dropLast()
        guard json.utf8.first == UInt8(ascii: "["), json.utf8.last == UInt8(ascii: "]"), !inner.isEmpty else { return [] }
        return inner.split(separator: UInt8(ascii: ",")).compactMap { item in
            guard item.count >= 2, item.first == UInt8(ascii: "\""), item.last == UInt8(ascii: "\"") else { return nil }
            return String(decoding: item.dropFirst().dropLast(), as: UTF8.self)
        }
    }
}

/// How much of the ledger repeat detection reads for one new case — the same on every store, so the work per
/// message is bounded however many similar cases the window holds (docs/repeats-and-warnings.md).
public enum RepeatCandidates {
    /// Newest candidates taken from one band: bounds the work when many texts share a band (boilerplate).
    public static let perBand = 16
    /// Of the cases found through the bands, the ones compared: those sharing the most bands (the likeliest to be
    /// similar: a pair of Jaccard similarity s shares each band with probability s², `LSHBands`), newest first
    /// among equals. Without it a township's everyday complaints — similar, not equal — found up to 32 × 16
    /// different candidates each, and comparing them was most of intake's time (BENCHMARKS.md).
    public static let byText = 48
    /// Newest cases of one village, category, phone or ID number compared.
    public static let perKey = 50
    /// Old band rows removed per new case (twice what one case adds, so pruning keeps pace).
    public static let prunePerCase = 2 * LSHBands.bands

    /// The `byText` candidates of most shared bands (ties: the later id first), from each band's candidates.
    public static func strongest(_ perBandIDs: [[String]]) -> [String] {
        var hits: [String: Int] = [:]
        for ids in perBandIDs { for id in ids { hits[id, default: 0] += 1 } }
        return hits.sorted { ($0.value, $0.key) > ($1.value, $1.key) }.prefix(byText).map(\.key)
    }
}
