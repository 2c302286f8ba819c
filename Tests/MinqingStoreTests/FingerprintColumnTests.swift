import Foundation
import MinqingCore
import MinqingStore
import Testing

@Suite("Fingerprint columns")
struct FingerprintColumnTests {
    @Test("the phones column reads back what JSONEncoder wrote, escapes and all; junk reads as no phones", arguments: [
        [], ["13812345678"], ["13812345678", "0746-3212345", "+8613912345678"], ["13\"8", "a\\b", "号码,逗号"],
    ])
    func roundTrip(phones: [String]) throws {
        let column = String(decoding: try JSONEncoder().encode(phones), as: UTF8.self)
        #expect(CaseFingerprint.phones(fromColumn: column) == phones)
    }

    @Test("malformed columns give no phones and never trap", arguments: ["", "[", "]", "[\"", "x", "[1,2]", "\"a\""])
    func junk(column: String) {
        #expect(CaseFingerprint.phones(fromColumn: column).allSatisfy { !$0.isEmpty })
    }
}
