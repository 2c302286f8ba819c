import Foundation
import Testing
@testable import MinqingRouting

@Suite("Civil days")
struct CivilDayTests {
    // JDNs: 2000-01-01 = 2451545 (the astronomical J2000 day), 1970-01-01 = 2440588 (Unix epoch),
    // 1949-10-01 = 2433191 and 1900-01-01 = 2415021 (both from Python's date.toordinal() + 1721425).
    @Test("Julian Day Numbers match known values", arguments: [
        ("2000-01-01", 2_451_545), ("1970-01-01", 2_440_588), ("1949-10-01", 2_433_191),
        ("1900-01-01", 2_415_021), ("2024-02-29", 2_460_370), ("2026-02-17", 2_461_089),
    ])
    func julianDayNumbers(text: String, jdn: Int) {
        #expect(day(text).julianDayNumber == jdn)
        #expect(CivilDay(julianDayNumber: jdn) == day(text))
    }

    @Test("converting to a JDN and back is the identity for every day of 1899–2101")
    func roundTrip() {
        let first = day("1899-01-01").julianDayNumber
        let last = day("2101-12-31").julianDayNumber
        var previous: CivilDay?
        for jdn in first...last {
            let civil = CivilDay(julianDayNumber: jdn)
            #expect(civil.julianDayNumber == jdn)
            if let previous { #expect(previous < civil) }
            previous = civil
        }
    }

    // Weekdays known from ordinary calendars: 2000-01-01 Saturday, 2026-02-17 (春节) Tuesday,
    // 2025-07-25 Friday, 1949-10-01 Saturday, 2026-01-04 Sunday.
    @Test("weekdays", arguments: [
        ("2000-01-01", Weekday.saturday), ("2026-02-17", .tuesday), ("2025-07-25", .friday),
        ("1949-10-01", .saturday), ("2026-01-04", .sunday), ("2026-02-16", .monday),
    ])
    func weekdays(text: String, weekday: Weekday) {
        #expect(day(text).weekday == weekday)
        #expect(day(text).isWeekend == (weekday == .saturday || weekday == .sunday))
    }

    @Test("ISO dates parse strictly", arguments: [
        ("2026-02-28", true), ("2026-02-29", false), ("2024-02-29", true), ("1900-02-29", false),
        ("2000-02-29", true), ("2026-13-01", false), ("2026-1-01", false), ("26-01-01", false),
        ("2026-01-01 ", false), ("２０２６-01-01", false), ("", false),
    ])
    func isoParsing(text: String, valid: Bool) {
        #expect((CivilDay(iso8601: text) != nil) == valid)
    }

    @Test("an instant belongs to the local day of its time zone")
    func dayOfInstant() throws {
        // 2026-02-16 16:30 UTC is 2026-02-17 00:30 in Beijing.
        let date = Date(timeIntervalSince1970: 1_771_259_400)
        #expect(CivilDay(date, in: ChinaTime.zone) == day("2026-02-17"))
        #expect(CivilDay(date, in: try #require(TimeZone(identifier: "UTC"))) == day("2026-02-16"))
        #expect(CivilDay(instant("2026-02-16 23:59:59")) == day("2026-02-16"))
        #expect(CivilDay(instant("2026-02-17 00:00:00")) == day("2026-02-17"))
    }

    @Test("day arithmetic and ranges")
    func arithmetic() {
        #expect(day("2025-12-31").adding(days: 1) == day("2026-01-01"))
        #expect(day("2024-03-01").adding(days: -1) == day("2024-02-29"))
        #expect(day("2026-01-10").days(to: day("2026-03-11")) == 60)
        #expect(Array(day("2026-02-27")...day("2026-03-02")).map(\.description)
            == ["2026-02-27", "2026-02-28", "2026-03-01", "2026-03-02"])
    }

    @Test("encodes as a YYYY-MM-DD string")
    func codable() throws {
        let data = try JSONEncoder().encode([day("2026-01-04")])
        #expect(String(decoding: data, as: UTF8.self) == #"["2026-01-04"]"#)
        #expect(try JSONDecoder().decode([CivilDay].self, from: data) == [day("2026-01-04")])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([CivilDay].self, from: Data(#"["2026-02-30"]"#.utf8)) }
    }
}
