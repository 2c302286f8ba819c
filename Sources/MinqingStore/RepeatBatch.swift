import Foundation
import MinqingCore

/// A queued case ready for repeat detection's write: its fingerprint and band keys, and the fingerprints of the
/// cases to compare it with (found by `RepeatBatch.candidates`, then read by the store).
public struct PreparedRepeat: Sendable {
    /// Its row in the `repeat_pending` queue.
    public let seq: Int64
    public let fingerprint: CaseFingerprint
    public let bandKeys: [Int64]
    /// Start of the comparison window (`related.window` before the case's registration); band rows older than it
    /// are pruned.
    public let since: Date
    public var neighbours: [CaseFingerprint]

    public init(seq: Int64, fingerprint: CaseFingerprint, bandKeys: [Int64], since: Date, neighbours: [CaseFingerprint]) {
        (self.seq, self.fingerprint, self.bandKeys, self.since, self.neighbours) = (seq, fingerprint, bandKeys, since, neighbours)
    }
}

/// A queued case repeat detection cannot read (its document is not JSON, a column cannot be decoded): it is set
/// aside uncompared — taken off the queue and counted in `minqing_repeat_detection_failures_total` — so it does not
/// fail every later retry of its batch and stall the queue behind it.
public struct UnreadableQueuedCase: Error, Sendable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String = "its document is not valid JSON") { self.reason = reason }
    public var description: String { "unreadable queued case: \(reason)" }
}

/// A fingerprint column repeat detection finds candidates by (its name is the column's, on every store).
public enum FingerprintKey: String, Sendable, CaseIterable {
    case phone
    case idNumber = "id_number"
    case village
    case category

    public func value(of fp: CaseFingerprint) -> String? {
        switch self {
        case .phone: fp.phone
        case .idNumber: fp.idNumber
        case .village: fp.village
        case .category: fp.category
        }
    }
}

/// Which cases one queued case of a detection batch is compared with — the one rule for every store
/// (docs/repeats-and-warnings.md#candidates). The candidates are the newest cases sharing its LSH bands (at most
/// `RepeatCandidates.perBand` per band, of those the `byText` sharing most) and the newest `perKey` of its phone,
/// ID number, village and category within their windows. The batch's own earlier cases are newer than any stored
/// one, so they come first, as if already stored; the store is asked only for what they leave.
public enum RepeatBatch {
    /// The newest stored cases sharing band `key`, registered at or after `since`, at most `limit`, newest first.
    public typealias BandLookup = (_ key: Int64, _ since: Date, _ limit: Int) throws -> [String]
    /// The newest stored cases whose `column` is `value`, registered at or after `since`, at most `limit`, newest first.
    public typealias KeyLookup = (_ column: FingerprintKey, _ value: String, _ since: Date, _ limit: Int) throws -> [String]

    /// The lookups by key `fp` needs, each with the start of its window: phone and ID number over the related-case
    /// window from `since`, village and category over the window of each rule that groups by them.
    public static func keyLookups(of fp: CaseFingerprint, since: Date, _ warnings: WarningSettings) -> [(FingerprintKey, String, Date)] {
        var out: [(FingerprintKey, String, Date)] = []
        for key in [FingerprintKey.phone, .idNumber] { if let value = key.value(of: fp) { out.append((key, value, since)) } }
        for rule in warnings.rules {
            let ruleSince = fp.registeredAt.addingTimeInterval(-rule.within)
            switch rule.kind {
            case .similarInVillage: if let village = fp.village { out.append((.village, village, ruleSince)) }
            case .categoryInTownship(let category, _, _) where category == fp.category: out.append((.category, category, ruleSince))
            default: break
            }
        }
        return out
    }

    /// The ids (not `fp`'s own) of the cases `fp` is compared with, among the stored ones (`band`, `key`) and the
    /// batch's `earlier` cases (in queue order).
    public static func candidates(
        for fp: CaseFingerprint, bandKeys: [Int64], since: Date, earlier: [PreparedRepeat], _ warnings: WarningSettings,
        band: BandLookup, key: KeyLookup
    ) rethrows -> Set<String> {
        let newestEarlier = earlier.reversed().filter { $0.fingerprint.registeredAt >= since }
        let perBand = try bandKeys.map { bandKey in
            let inBatch = newestEarlier.filter { $0.bandKeys.contains(bandKey) }.prefix(RepeatCandidates.perBand)
                .map(\.fingerprint.caseID.description)
            let stored = inBatch.count >= RepeatCandidates.perBand ? [] : try band(bandKey, since, RepeatCandidates.perBand - inBatch.count)
            return inBatch + stored
        }
        var ids = Set(RepeatCandidates.strongest(perBand))
        for (column, value, keySince) in keyLookups(of: fp, since: since, warnings) {
            let inBatch = newestEarlier.filter { column.value(of: $0.fingerprint) == value && $0.fingerprint.registeredAt >= keySince }
                .prefix(RepeatCandidates.perKey).map(\.fingerprint.caseID.description)
            ids.formUnion(inBatch)
            guard inBatch.count < RepeatCandidates.perKey else { continue }
            ids.formUnion(try key(column, value, keySince, RepeatCandidates.perKey - inBatch.count))
        }
        ids.remove(fp.caseID.description)
        return ids
    }

    /// The start of `fp`'s comparison window.
    public static func since(of fp: CaseFingerprint, _ warnings: WarningSettings) -> Date {
        fp.registeredAt.addingTimeInterval(-warnings.related.window)
    }
}

/// A batch's lookups answered from rows read beforehand, in one query per kind (a store whose every statement is a
/// round trip, as on PostgreSQL): the newest `RepeatCandidates.perBand` rows of each band and the newest `perKey` of
/// each key value, from the earliest window any case of the batch needs. Because a lookup's window starts at or after
/// that earliest one and takes the newest rows, filtering the prefetched rows by its window and taking its limit gives
/// exactly what the lookup would have read.
public struct PrefetchedCandidates: Sendable {
    public struct Row: Sendable {
        public var caseID: String
        public var registeredAt: Date
        public init(caseID: String, registeredAt: Date) { (self.caseID, self.registeredAt) = (caseID, registeredAt) }
    }

    /// Newest first, per band key.
    public var bands: [Int64: [Row]] = [:]
    /// Newest first, per column and value.
    public var keys: [FingerprintKey: [String: [Row]]] = [:]

    public init() {}

    public func band(_ key: Int64, since: Date, limit: Int) -> [String] {
        Self.newest(bands[key] ?? [], since: since, limit: limit)
    }

    public func key(_ column: FingerprintKey, _ value: String, since: Date, limit: Int) -> [String] {
        Self.newest(keys[column]?[value] ?? [], since: since, limit: limit)
    }

    private static func newest(_ rows: [Row], since: Date, limit: Int) -> [String] {
        rows.lazy.filter { $0.registeredAt >= since }.prefix(limit).map(\.caseID)
    }

    /// What a batch of fingerprints needs read: each band key and each key value with the earliest window start.
    public static func wanted(_ batch: [(fp: CaseFingerprint, bandKeys: [Int64], since: Date)], _ warnings: WarningSettings)
        -> (bands: [Int64: Date], keys: [FingerprintKey: [String: Date]])
    {
        var bands: [Int64: Date] = [:]
        var keys: [FingerprintKey: [String: Date]] = [:]
        for (fp, bandKeys, since) in batch {
            for key in bandKeys { bands[key] = min(bands[key] ?? since, since) }
            for (column, value, keySince) in RepeatBatch.keyLookups(of: fp, since: since, warnings) {
                keys[column, default: [:]][value] = min(keys[column]?[value] ?? keySince, keySince)
            }
        }
        return (bands, keys)
    }
}
