#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension StringProtocol {
    /// Whether `word` occurs in this text, compared byte for byte in UTF-8: no locale, no case folding, no Unicode
    /// equivalence — what routing's keywords and the directory's names mean (Chinese text has no composed and
    /// decomposed forms to tell apart). Foundation's `contains` goes through `CFStringFind` with the locale, which
    /// was the largest part of routing in the intake profile (BENCHMARKS.md). An empty `word` occurs in every text.
    public func containsLiteral(_ word: some StringProtocol) -> Bool {
        if word.isEmpty { return true }
        let found = utf8.withContiguousStorageIfAvailable { text in
            word.utf8.withContiguousStorageIfAvailable { needle in Self.occurs(text, needle) }
        }
        if let found = found ?? nil { return found }
        let text = Array(utf8), needle = Array(word.utf8)
        return text.withUnsafeBufferPointer { t in needle.withUnsafeBufferPointer { n in Self.occurs(t, n) } }
    }

    private static func occurs(_ text: UnsafeBufferPointer<UInt8>, _ needle: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let t = text.baseAddress, let n = needle.baseAddress, needle.count <= text.count else { return false }
        // memchr to each place the first byte occurs, memcmp there (glibc's memmem is a GNU extension Swift does not see).
        let last = text.count - needle.count
        var i = 0
        while i <= last {
            guard let hit = memchr(t + i, Int32(n.pointee), last - i + 1) else { return false }
            let j = hit.assumingMemoryBound(to: UInt8.self) - UnsafeMutablePointer(mutating: t)
            if memcmp(t + j, n, needle.count) == 0 { return true }
            i = j + 1
        }
        return false
    }
}
