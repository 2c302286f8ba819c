import MinqingCore
import Synchronization

/// Fingerprints of recently compared cases, by case id, so that the hundred or so neighbours of each new case are
/// not read and decoded again for every new case that meets them (on a township's everyday load the same few
/// hundred recent cases are every new case's candidates; reading them was the largest part of repeat detection in
/// the profile, BENCHMARKS.md 2026-12-03).
///
/// - A fingerprint never changes once stored (there is no update or delete of `case_fingerprints`), so an entry is
///   never stale. Whether a case has since been merged is not a fingerprint's property: callers check it in the ledger.
/// - Holds at most `capacity` entries in two generations: when the newer fills up to half, the older is dropped
///   and the newer becomes the older; a hit in the older generation is moved to the newer one.
/// - Entries are put in only after the transaction that stored them committed (or when read from the ledger).
final class FingerprintCache: Sendable {
    private struct Generations {
        var newer: [String: CaseFingerprint] = [:]
        var older: [String: CaseFingerprint] = [:]
    }

    private let generations = Mutex(Generations())
    let capacity: Int

    init(capacity: Int = 20_000) {
        self.capacity = max(2, capacity)
    }

    /// The cached fingerprints of `ids` (those not cached are simply absent).
    func lookup(_ ids: some Sequence<String>) -> [String: CaseFingerprint] {
        generations.withLock { g in
            var found: [String: CaseFingerprint] = [:]
            for id in ids {
                if let fp = g.newer[id] {
                    found[id] = fp
                } else if let fp = g.older.removeValue(forKey: id) {
                    found[id] = fp
                    Self.put(fp, id, &g, half: capacity / 2)
                }
            }
            return found
        }
    }

    func insert(_ fingerprints: some Sequence<CaseFingerprint>) {
        generations.withLock { g in
            for fp in fingerprints { Self.put(fp, fp.caseID.description, &g, half: capacity / 2) }
        }
    }

    var count: Int { generations.withLock { $0.newer.count + $0.older.count } }

    private static func put(_ fp: CaseFingerprint, _ id: String, _ g: inout Generations, half: Int) {
        if g.newer[id] == nil, g.newer.count >= half {
            g.older = g.newer
            g.newer = [:]
        }
        g.newer[id] = fp
        g.older.removeValue(forKey: id)
    }
}
