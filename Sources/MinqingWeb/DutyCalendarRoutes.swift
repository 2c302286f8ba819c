import Foundation
import Hummingbird
import MinqingConfig
import MinqingHTTP
import MinqingRouting
import MinqingStore

/// Each person's calendar feed lives at a secret address, `/calendar/<secret>.ics`: a phone's calendar subscribes
/// without a login, so the address itself is the credential. A person has a feed once a secret was made for
/// them (`minqing calendar rotate-feed <person>`); rotating makes a new one and the old address answers 404.
public struct CalendarFeeds: Sendable {
    let store: any FeedSecretStore
    let publicURL: String

    public init(store: any FeedSecretStore, publicURL: String) {
        self.store = store
        self.publicURL = publicURL
    }

    /// A new random secret (256 bits, 64 hex digits).
    static func makeSecret() -> String {
        var rng = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &rng)) }.joined()
    }

    /// Whether `text` has the shape of a secret (so anything else is refused without a look-up).
    static func isSecret(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    public func url(secret: String) -> String {
        (publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL) + "/calendar/\(secret).ics"
    }

    /// The person's feed address, nil when none was made yet.
    public func url(person: String) async throws -> String? {
        try await store.feedSecret(person: person).map(url(secret:))
    }

    /// Replaces the person's secret with a new one; returns the new address.
    public func rotate(person: String, at now: Date) async throws -> String {
        let secret = Self.makeSecret()
        try await store.saveFeedSecret(secret, person: person, at: now)
        return url(secret: secret)
    }

    /// The person a feed file name (`<secret>.ics`) belongs to.
    func person(file: String) async throws -> String? {
        guard file.hasSuffix(".ics") else { return nil }
        let secret = String(file.dropLast(4))
        guard Self.isSecret(secret) else { return nil }
        return try await store.feedPerson(secret: secret)
    }
}

/// `GET /calendar/{secret}.ics`: a leader's market-day duty, reception days and roster duty as an iCalendar
/// feed, from 30 days back to a year ahead. No complainant data, but whereabouts of named officials, so only
/// through the person's secret address (`CalendarFeeds`); a person's id in its place answers 404.
struct DutyCalendarRoutes: Sendable {
    let deps: WebDependencies

    var feeds: CalendarFeeds { CalendarFeeds(store: deps.access, publicURL: deps.config.server.publicURL) }

    func register<Context: RequestContext>(on routes: RouteTable<Context>) {
        routes.on(.get, "/calendar/{file}") { _, context in
            let file = context.parameters.get("file") ?? ""
            guard let person = try await feeds.person(file: file), let entry = deps.config.directory.person(person) else {
                throw Problem.notFound("没有这个日历地址：日历须用本人的专属订阅地址（由管理员用 minqing calendar rotate-feed 生成）；地址更换后旧地址失效")
            }
            guard let schedules = deps.config.schedules, let calendar = deps.config.routing?.calendar else {
                throw Problem.notFound("尚未配置值班安排（schedules.yaml）和节假日（routing.yaml）")
            }
            let host = URL(string: deps.config.server.publicURL)?.host ?? "minqing.local"
            let today = CivilDay(deps.clock.now(), in: deps.config.office.timeZone)
            let feed = DutyFeed(schedules: schedules.schedules, calendar: calendar, domain: host)
            let text = feed.ics(for: person, name: entry.name, from: today.adding(days: -30), to: today.adding(days: 365))
            return Response(
                status: .ok, headers: [.contentType: "text/calendar; charset=utf-8", .cacheControl: "private, no-store"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
    }
}
