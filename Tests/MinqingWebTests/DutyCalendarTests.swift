import Foundation
import Hummingbird
import HummingbirdTesting
import MinqingWeb
import Testing

@Suite("Duty calendar feed over HTTP")
struct DutyCalendarTests {
    /// The path part of a feed address (`http://host/calendar/<secret>.ics` → `/calendar/<secret>.ics`).
    func path(_ url: String) -> String { URL(string: url)!.path }

    @Test("the feed is served at the person's secret address without a token; the guessable /calendar/<person>.ics is a 404")
    func feed() async throws {
        let hub = try TestHub()
        let feeds = CalendarFeeds(store: hub.store, publicURL: hub.deps.config.server.publicURL)
        let url = try await feeds.rotate(person: "liu-jianguo", at: hub.clock.now())
        #expect(url.hasPrefix(hub.deps.config.server.publicURL + "/calendar/") && url.hasSuffix(".ics"))
        #expect(try await feeds.url(person: "liu-jianguo") == url)
        try await hub.test { client in
            let r = try await client.execute(uri: path(url), method: .get)
            #expect(r.status == .ok)
            #expect(r.headers[.contentType] == "text/calendar; charset=utf-8")
            let text = String(buffer: r.body)
            #expect(text.hasPrefix("BEGIN:VCALENDAR"))
            #expect(text.contains("SUMMARY:青山集赶集日接访"))
            #expect(text.contains("SUMMARY:领导接待日"))
            let guessed = try await client.execute(uri: "/calendar/liu-jianguo.ics", method: .get)
            #expect(guessed.status == .notFound)
            #expect(String(buffer: guessed.body).contains("专属订阅地址"))
            #expect(try await client.execute(uri: "/calendar/nobody.ics", method: .get).status == .notFound)
            #expect(try await client.execute(uri: "/calendar/\(String(repeating: "0", count: 64)).ics", method: .get).status == .notFound)
        }
    }

    @Test("rotating a person's feed secret makes the old address a 404 and the new one work")
    func rotation() async throws {
        let hub = try TestHub()
        let feeds = CalendarFeeds(store: hub.store, publicURL: hub.deps.config.server.publicURL)
        let old = try await feeds.rotate(person: "liu-jianguo", at: hub.clock.now())
        let other = try await feeds.rotate(person: "sun-wei", at: hub.clock.now())
        let new = try await feeds.rotate(person: "liu-jianguo", at: hub.clock.now())
        #expect(old != new)
        try await hub.test { client in
            let (oldStatus, newStatus, otherStatus) = (try await client.execute(uri: path(old), method: .get).status,
                                                       try await client.execute(uri: path(new), method: .get).status,
                                                       try await client.execute(uri: path(other), method: .get).status)
            #expect(oldStatus == .notFound)
            #expect(newStatus == .ok)
            #expect(otherStatus == .ok, "another person's feed is untouched")
        }
    }
}
