import Foundation
import MinqingCore
import Testing

@Suite("Case id parsing")
struct CaseIDParsingTests {
    @Test("ids parse with spaces around them (ASCII or ideographic) and a lower-case prefix; anything else is refused", arguments: [
        ("MQ-20261122-0042", "MQ-20261122-0042"), (" mq-20261122-0042\t", "MQ-20261122-0042"),
        ("\u{3000}MQ-20261122-0042\u{3000}", "MQ-20261122-0042"), ("QSZ1-20261122-12345", "QSZ1-20261122-12345"),
        ("MQ-20261122-000000000000000001", "MQ-20261122-0001"),
    ])
    func accepted(text: String, id: String) {
        #expect(CaseID(text)?.description == id)
    }

    @Test("malformed ids are nil, never a trap", arguments: [
        "", "-", "--", "MQ-20261122-042", "MQ-2026112-0042", "MQ-20261122-0000", "MQ-20261122-00a1", "MQ_20261122-0042",
        "ABCDEFGHI-20261122-0042", "MQ-20261122-0042-1", "MQ-２０２６1122-0042", "民情-20261122-0042", "MQ-20261122-9999999999999999999",
        "MQ -20261122-0042", "MQ-20261122-0042\u{3000}x",
    ])
    func refused(text: String) {
        #expect(CaseID(text) == nil)
    }
}
