import MinqingStore
import Testing

@Suite("Repeat candidates")
struct RepeatCandidatesTests {
    @Test("the cases sharing the most bands are compared, at most byText of them, later ids first among equals")
    func strongestByBandsShared() {
        // 32 bands of 16 different cases each: 512 candidates, every one in a single band, plus two in many bands.
        var bands = (0..<32).map { band in (0..<16).map { "MQ-20261202-\(String(format: "%04d", band * 16 + $0 + 100))" } }
        for band in 0..<20 { bands[band].append("MQ-20261201-0001") }
        for band in 0..<5 { bands[band].append("MQ-20261201-0002") }
        let chosen = RepeatCandidates.strongest(bands)
        #expect(chosen.count == RepeatCandidates.byText)
        #expect(Array(chosen.prefix(2)) == ["MQ-20261201-0001", "MQ-20261201-0002"], "most shared bands first")
        #expect(chosen[2] == "MQ-20261202-0611", "then the latest id among the single-band ones")
        #expect(Set(chosen).count == chosen.count)
    }

    @Test("few candidates are all kept; no bands, none")
    func fewAndNone() {
        #expect(RepeatCandidates.strongest([["a", "b"], ["b"]]) == ["b", "a"])
        #expect(RepeatCandidates.strongest([]).isEmpty)
        #expect(RepeatCandidates.strongest([[], []]).isEmpty)
    }
}
