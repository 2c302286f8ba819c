import Foundation
import MinqingCore

/// Where a page of the ledger ended: the sort key `(registered_at, seq)` of its last case. The next page is every
/// match that sorts after it (`ORDER BY registered_at DESC, seq DESC`), read straight from an index however deep —
/// unlike `OFFSET`, which reads and throws away every row before the page. New cases (registered later) never
/// shift a cursor's pages: they sort before it.
///
/// Two cases never share a key: cases registered at the same instant are registered on the same day, where each
/// has its own sequence number.
///
/// The API carries it as an opaque string (`encoded`): `c1.` + the registration time's IEEE-754 bit pattern in hex
/// (so the time reads back exactly) + `.` + the sequence number.
public struct CaseCursor: Sendable, Hashable, CustomStringConvertible {
    public var registeredAt: Double
    public var seq: Int64

    public init(registeredAt: Double, seq: Int64) {
        self.registeredAt = registeredAt
        self.seq = seq
    }

    /// The cursor after `record` (its registration time and day sequence).
    public init(after record: CaseRecord) {
        self.init(registeredAt: record.registeredAt.timeIntervalSince1970, seq: Int64(record.id.sequence))
    }

    /// Reads a cursor written by `encoded`; nil for anything else.
    public init?(encoded text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "c1", (1...16).contains(parts[1].count), (1...18).contains(parts[2].count),
              parts[1].allSatisfy({ ("0"..."9").contains($0) || ("a"..."f").contains($0) }), parts[2].allSatisfy({ ("0"..."9").contains($0) }),
              let bits = UInt64(parts[1], radix: 16), let seq = Int64(parts[2]),
              // A registration time is a finite instant: NaN or ±∞ would compare unlike any stored case.
              Double(bitPattern: bits).isFinite
        else { return nil }
        self.init(registeredAt: Double(bitPattern: bits), seq: seq)
    }

    public var encoded: String { "c1.\(String(registeredAt.bitPattern, radix: 16)).\(seq)" }
    public var description: String { encoded }
}

