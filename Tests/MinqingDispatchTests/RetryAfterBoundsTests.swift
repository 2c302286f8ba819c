import Foundation
import MinqingCore
import Testing
@testable import DeliverySupport
@testable import MinqingDispatch

/// A receiver's `Retry-After` is outside input: a huge value must not overflow into a trap later on.
@Suite("Retry-After bounds")
struct RetryAfterBoundsTests {
    let now = Date(timeIntervalSince1970: 1_794_790_800)

    @Test("huge, negative and far-future Retry-After values are clamped to 0…1 day", arguments: [
        ("9223372036854775807", 86_400), ("99999999999999999999999", 86_400), ("-5", 0), ("30", 30),
        ("Fri, 31 Dec 9999 23:59:59 GMT", 86_400), ("Thu, 01 Jan 1970 00:00:00 GMT", 0),
    ])
    func clamped(_ header: String, _ seconds: Int64) {
        #expect(FailureClassifier.retryAfter(header, now: now) == .seconds(seconds))
    }

    @Test("text that is neither seconds nor an HTTP date is ignored")
    func unreadable() {
        for header in ["nan", "1e300", "soon", "\u{0}"] { #expect(FailureClassifier.retryAfter(header, now: now) == nil) }
    }

    @Test("sleeping until a far deadline (distantFuture) does not overflow: it sleeps, and cancellation ends it")
    func farDeadline() async {
        let sleeper = Task { try await SystemClock().sleep(until: .distantFuture) }
        sleeper.cancel()
        await #expect(throws: CancellationError.self) { try await sleeper.value }
    }
}
