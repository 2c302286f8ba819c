import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Duty calendar feed over HTTP")
struct DutyCalendarTests {
    @Test("GET /calendar/{person}.ics serves the leader's feed without a token; an unknown person is a 404")
    func feed() async throws {
        try await TestHub().test { client in
            let r = try await client.execute(uri: "/calendar/liu-jianguo.ics", method: .get)
            #expect(r.status == .ok)
            #expect(r.headers[.contentType] == "text/calendar; charset=utf-8")
            let text = String(buffer: r.body)
            #expect(text.hasPrefix("BEGIN:VCALENDAR"))
            #expect(text.contains("SUMMARY:青山集赶集日接访"))
            #expect(text.contains("SUMMARY:领导接待日"))
            #expect(try await client.execute(uri: "/calendar/nobody.ics", method: .get).status == .notFound)
        }
    }
}
