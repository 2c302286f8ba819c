import Foundation
import Hummingbird
import MinqingConfig
import MinqingHTTP
import MinqingRouting

/// `GET /calendar/{person}.ics`: a leader's market-day duty, reception days and roster duty as an iCalendar
/// feed, from 30 days back to a year ahead. Public like the reception days it lists (no complainant data), so
/// a phone's calendar can subscribe without a token.
struct DutyCalendarRoutes: Sendable {
    let deps: WebDependencies

    func register<Context: RequestContext>(on routes: RouteTable<Context>) {
        routes.on(.get, "/calendar/{file}") { _, context in
            let file = context.parameters.get("file") ?? ""
            guard file.hasSuffix(".ics") else { throw Problem.notFound("日历地址应为 /calendar/人员id.ics") }
            let person = String(file.dropLast(4))
            guard let entry = deps.config.directory.person(person) else {
                throw Problem.notFound("人员「\(person)」不在名录中，请核对 directory.yaml 中的人员 id")
            }
            guard let schedules = deps.config.schedules, let calendar = deps.config.routing?.calendar else {
                throw Problem.notFound("尚未配置值班安排（schedules.yaml）和节假日（routing.yaml）")
            }
            let host = URL(string: deps.config.server.publicURL)?.host ?? "minqing.local"
            let today = CivilDay(deps.clock.now(), in: deps.config.office.timeZone)
            let feed = DutyFeed(schedules: schedules.schedules, calendar: calendar, domain: host)
            let text = feed.ics(for: person, name: entry.name, from: today.adding(days: -30), to: today.adding(days: 365))
            return Response(
                status: .ok, headers: [.contentType: "text/calendar; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
    }
}
