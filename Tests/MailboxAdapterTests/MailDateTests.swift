import Foundation
import Testing
@testable import MailboxAdapter

struct MailDateTests {
    /// 2024-03-05 01:12:33 UTC.
    private let instant = Date(timeIntervalSince1970: 1_709_601_153)

    private func parse(_ text: String) -> (Date?, [String]) {
        var log = WarningLog()
        return (MailDate.parse(text, log: &log), log.messages)
    }

    @Test("RFC 5322 and the forms Chinese systems write", arguments: [
        "Tue, 5 Mar 2024 09:12:33 +0800",
        "Tue, 05 Mar 2024 09:12:33 +0800 (CST)",
        "5 Mar 2024 01:12:33 GMT",
        "Tue, 5 Mar 24 09:12:33 +0800",
        "Mar 5 2024 09:12:33 +0800",
        "Mon, 4 Mar 2024 20:12:33 -0500",
        "2024-03-05 09:12:33 +0800",
        "2024-03-05T09:12:33+08:00",
        "2024-03-05T01:12:33Z",
        "Tue,  5 Mar 2024 09:12:33 +08:00",
    ])
    func formats(text: String) {
        #expect(parse(text) == (instant, []))
    }

    @Test("zone CST is China Standard Time; a missing zone is +0800; both are reported")
    func assumedZones() {
        #expect(parse("Tue, 5 Mar 2024 09:12:33 CST")
            == (instant, ["Date: zone CST read as China Standard Time (+0800)"]))
        #expect(parse("2024/3/5 9:12:33") == (instant, ["Date: no time zone; +0800 assumed"]))
    }

    @Test("unreadable dates give nil and a warning", arguments: ["", "yesterday", "32 Mar 2024 10:00 +0800",
                                                                 "5 Foo 2024", "Tue, 5 Mar 2024 25:00:00 +0800"])
    func unreadable(text: String) {
        let (date, warnings) = parse(text)
        #expect(date == nil)
        #expect(warnings == ["Date: unreadable date \"\(text)\""])
    }

    @Test("days from civil matches known dates")
    func civil() {
        #expect(MailDate.daysFromCivil(year: 1970, month: 1, day: 1) == 0)
        #expect(MailDate.daysFromCivil(year: 2000, month: 3, day: 1) == 11_017)
        #expect(MailDate.daysFromCivil(year: 2024, month: 2, day: 29) == 19_782)
    }
}
