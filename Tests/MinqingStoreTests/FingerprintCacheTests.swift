import Foundation
import MinqingCore
import Testing

@testable import MinqingStore

@Suite("Fingerprint cache (repeat detection's neighbours)")
struct FingerprintCacheTests {
    static func fingerprint(_ n: Int) -> CaseFingerprint {
        CaseFingerprint(
            caseID: CaseID("MQ-20261203-\(String(format: "%04d", n))")!, registeredAt: Date(timeIntervalSince1970: Double(n)),
            village: "qingshan", signature: MinHashSignature(text: "停水第\(n)天"))
    }

    @Test("what was put in is found again, what was not is absent")
    func findsWhatWasInserted() {
        let cache = FingerprintCache(capacity: 100)
        cache.insert((1...3).map(Self.fingerprint))
        let found = cache.lookup(["MQ-20261203-0001", "MQ-20261203-0003", "MQ-20261203-0009"])
        #expect(Set(found.keys) == ["MQ-20261203-0001", "MQ-20261203-0003"])
        #expect(found["MQ-20261203-0003"] == Self.fingerprint(3))
    }

    @Test("never holds more than its capacity; the oldest go first, one looked up lately stays")
    func boundedOldestFirst() {
        let cache = FingerprintCache(capacity: 10)
        cache.insert((1...5).map(Self.fingerprint))
        for n in 6...40 {
            _ = cache.lookup(["MQ-20261203-0001"])  // kept in use
            cache.insert([Self.fingerprint(n)])
            #expect(cache.count <= 10)
        }
        #expect(cache.lookup(["MQ-20261203-0001"]).count == 1)
        #expect(cache.lookup(["MQ-20261203-0002"]).isEmpty)
        #expect(cache.lookup(["MQ-20261203-0040"]).count == 1)
    }
}
