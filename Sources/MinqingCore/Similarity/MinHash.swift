/// A MinHash signature of a text's character bigrams: `slots` 16-bit minimums (b-bit MinHash), each under its own
/// fixed hash function, so the same text always gives the same signature, on every machine and in every process.
/// Two signatures agree in a slot with probability ≈ the Jaccard similarity of the two bigram sets; the estimate's
/// standard error is at most 0.045 with 128 slots (docs/repeats-and-warnings.md#minhash).
public struct MinHashSignature: Sendable, Hashable {
    public static let slots = 128
    public var values: [UInt16]

    /// An empty text's signature: it resembles nothing, not even another empty text.
    public var isEmpty: Bool { values.isEmpty }

    public init(values: [UInt16]) { self.values = values.count == Self.slots ? values : [] }

    /// The signature of `text` (normalised by `SimilarityText`).
    public init(text: String) { self.init(shingles: Shingles.hashes(SimilarityText.normalised(text))) }

    init(shingles: [UInt64]) {
        guard !shingles.isEmpty else { values = []; return }
        var mins = [UInt64](repeating: .max, count: Self.slots)
        for x in shingles {
            for i in 0..<Self.slots {
                let h = Self.mix(x ^ Self.seeds[i])
                if h < mins[i] { mins[i] = h }
            }
        }
        values = mins.map { UInt16(truncatingIfNeeded: $0 >> 48) }
    }

    /// The estimated Jaccard similarity of the two texts' bigram sets, in 0…1; 0 when either is empty.
    public func similarity(to other: MinHashSignature) -> Double {
        guard !isEmpty, !other.isEmpty else { return 0 }
        var equal = 0
        for i in 0..<Self.slots where values[i] == other.values[i] { equal += 1 }
        // Two different 16-bit minimums collide with probability 2⁻¹⁶: take that chance out of the estimate.
        let p = Double(equal) / Double(Self.slots)
        let collision = 1.0 / 65_536
        return min(1, max(0, (p - collision) / (1 - collision)))
    }

    /// The signature as bytes (big-endian, 2 per slot) for storage; `init(bytes:)` reads it back.
    public var bytes: [UInt8] { values.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] } }

    public init(bytes: [UInt8]) {
        guard bytes.count == Self.slots * 2 else { self.init(values: []); return }
        self.init(values: (0..<Self.slots).map { UInt16(bytes[2 * $0]) << 8 | UInt16(bytes[2 * $0 + 1]) })
    }

    /// SplitMix64's finaliser: a fixed, well-mixing 64-bit permutation.
    static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// One fixed seed per slot (SplitMix64 sequence from 2026): never change them, stored signatures rely on them.
    static let seeds: [UInt64] = {
        var state: UInt64 = 2026
        return (0..<slots).map { _ in
            state &+= 0x9E37_79B9_7F4A_7C15
            return mix(state)
        }
    }()
}

/// Character shingles of a normalised text: every bigram (a text of one character: that character), hashed with
/// 64-bit FNV-1a over the scalar values — deterministic, unlike Swift's per-process `Hasher`.
public enum Shingles {
    public static func hashes(_ scalars: [Unicode.Scalar]) -> [UInt64] {
        if scalars.count == 1 { return [fnv([scalars[0].value])] }
        guard scalars.count >= 2 else { return [] }
        var seen = Set<UInt64>()
        var out: [UInt64] = []
        out.reserveCapacity(scalars.count)
        for i in 0..<(scalars.count - 1) {
            let h = fnv([scalars[i].value, scalars[i + 1].value])
            if seen.insert(h).inserted { out.append(h) }
        }
        return out
    }

    static func fnv(_ values: [UInt32]) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for v in values {
            for shift in stride(from: 0, to: 32, by: 8) {
                h ^= UInt64((v >> UInt32(shift)) & 0xFF)
                h = h &* 0x0000_0100_0000_01B3
            }
        }
        return h
    }
}

/// Locality-sensitive hashing over a signature's first `bands × rows` slots: two texts become candidates when
/// they agree on every slot of at least one band. With 32 bands of 2 slots, a pair with similarity 0.15 is found
/// half the time, 0.3 almost always (95 %), 0.05 rarely (8 %) — docs/repeats-and-warnings.md#lsh.
public enum LSHBands {
    public static let bands = 32
    public static let rows = 2

    /// One key per band (the band number is part of the key, so equal values in different bands do not meet);
    /// none for an empty signature.
    public static func keys(_ signature: MinHashSignature) -> [Int64] {
        guard !signature.isEmpty else { return [] }
        return (0..<bands).map { b in
            var parts: [UInt32] = [UInt32(b)]
            for r in 0..<rows { parts.append(UInt32(signature.values[b * rows + r])) }
            return Int64(bitPattern: Shingles.fnv(parts))
        }
    }
}
