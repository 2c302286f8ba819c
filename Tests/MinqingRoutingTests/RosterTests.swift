import Foundation
import MinqingCore
import Testing
@testable import MinqingRouting

@Suite("Rosters: rotations, overrides, market-day duty, reception days, sensitive periods")
struct RosterTests {
    let calendar = Fixtures.calendar

    @Test("workday rotation across 国庆 2026: holidays keep the last turn, the 调休 Saturday takes one", arguments: [
        ("2026-09-28", "w"), ("2026-09-29", "z"), ("2026-09-30", "c"),
        ("2026-10-01", "c"), ("2026-10-07", "c"),  // holiday: whoever had the last working day
        ("2026-10-08", "w"), ("2026-10-09", "z"), ("2026-10-10", "c"),  // Sat 10-10 调休上班
        ("2026-10-11", "c"), ("2026-10-12", "w"),
        ("2026-09-25", "c"),  // before the anchor: counted backwards (Fri 09-25 中秋 holiday, Thu 24 was c)
    ])
    func workdays(date: String, expected: String) {
        let r = Rotation(people: ["w", "z", "c"], period: .workdays, anchor: day("2026-09-28"))
        #expect(r.person(on: day(date), calendar: calendar) == expected)
    }

    @Test("weekly rotation turns over on Mondays", arguments: [
        ("2026-01-05", "l"), ("2026-01-11", "l"), ("2026-01-12", "zh"), ("2026-01-26", "h"), ("2026-02-02", "l"),
        ("2026-01-04", "h"), ("2025-12-29", "h"), ("2025-12-28", "s"),
    ])
    func weekly(date: String, expected: String) {
        let r = Rotation(people: ["l", "zh", "s", "h"], period: .weekly, anchor: day("2026-01-05"))
        #expect(r.person(on: day(date), calendar: calendar) == expected)
    }

    @Test("daily roster with leave and a swap; reasons say which", arguments: [
        ("2026-12-01", "a", "值班按轮值"),
        ("2026-12-02", "b", "值班按轮值"),
        ("2026-12-03", "x", "值班：原值班人员请假（年休假），替班"),
        ("2026-12-04", "b", "值班按轮值"),  // not a's turn: the leave changes nothing
        ("2026-12-05", "x", "值班：原值班人员请假（年休假），替班"),
        ("2026-12-06", "c", "值班调整：与b调班"),
        ("2026-12-07", "a", "值班按轮值"),
    ])
    func overrides(date: String, person: String, reason: String) {
        let roster = Roster(
            name: "值班", rotation: Rotation(people: ["a", "b"], period: .daily, anchor: day("2026-12-01")),
            overrides: [
                RosterOverride(.leave(person: "a", substitute: "x"), from: day("2026-12-03"), to: day("2026-12-05"), note: "年休假"),
                RosterOverride(.duty(person: "c"), from: day("2026-12-06"), note: "与b调班"),
            ])
        #expect(roster.onDuty(on: day(date), calendar: calendar) == DutyAssignment(person: person, reason: reason))
    }

    static let market = MarketDuty(
        market: "m", marketName: "石桥", calendar: MarketCalendar(name: "石桥", rule: .gregorianXun([1, 4, 7])),
        place: "服务中心", leaders: ["A", "B"], anchor: day("2026-12-01"),
        overrides: [RosterOverride(.duty(person: "C"), from: day("2026-12-14"), note: "A赴县开会")], villages: ["v1"])

    @Test("market-day duty counts market days, not calendar days (公历逢1、4、7, the 31st as written)", arguments: [
        ("2026-12-01", "A"), ("2026-12-02", nil), ("2026-12-04", "B"), ("2026-12-07", "A"), ("2026-12-11", "B"),
        ("2026-12-14", "C"), ("2026-12-17", "B"), ("2026-12-21", "A"), ("2026-12-31", "B"), ("2027-01-01", "A"),
        ("2026-11-27", "B"), ("2026-11-24", "A"),
    ] as [(String, String?)])
    func marketDuty(date: String, expected: String?) {
        #expect(Self.market.onDuty(on: day(date))?.person == expected)
    }

    @Test("reception days follow their rule and skip days off")
    func receptionDays() {
        let r = ReceptionDay(leader: "liu", rule: .weekdays([.monday]), start: ClockTime(hour: 9)!,
                             end: ClockTime(hour: 12)!, place: "接待室")
        // 2026-10-05 is a Monday inside 国庆 (off); 2026-09-28 and 2026-10-12 are working Mondays.
        #expect(r.days(from: day("2026-09-21"), to: day("2026-10-12"), calendar: calendar)
            == [day("2026-09-21"), day("2026-09-28"), day("2026-10-12")])
    }

    @Test("a walk-in on a market day goes to that day's duty leader; a sensitive period shortens the deadline")
    func routingWithSchedules() {
        let schedules = Schedules(
            marketDuties: [Self.market],
            sensitivePeriods: [SensitivePeriod(name: "两会", from: day("2026-03-03"), to: day("2026-03-15"), deadline: .workingDays(3))])
        let tree = RoutingTree(
            defaults: .init(deadline: .calendarDays(60)),
            routes: [Route(name: "集日来访", match: RoutingFixtures.with { $0.channels = [.visit]; $0.marketDay = true },
                           settings: .init(leader: .marketDuty))])
        let walkIn = RoutingFixtures.record(channel: .visit, village: "v1")
        let onMarketDay = tree.decide(walkIn, at: instant("2026-12-14 10:00"), people: RoutingFixtures.people,
                                      calendar: calendar, schedules: schedules)
        #expect(onMarketDay.rules == ["集日来访"])
        #expect(onMarketDay.leader == "C")
        #expect(onMarketDay.reasons.contains("责任领导：C（石桥集日接访调整：A赴县开会，规则「集日来访」）"))
        let otherDay = tree.decide(walkIn, at: instant("2026-12-15 10:00"), people: RoutingFixtures.people,
                                   calendar: calendar, schedules: schedules)
        #expect(otherDay.rules == [] && otherDay.leader == "sun")
        let sensitive = tree.decide(RoutingFixtures.record(village: "v1"), at: instant("2026-03-05 10:00"),
                                    people: RoutingFixtures.people, calendar: calendar, schedules: schedules)
        #expect(sensitive.deadline.map(shanghai) == "2026-03-10 17:30:00")
        #expect(sensitive.reasons.last == "敏感时期「两会」：期限缩短为3个工作日，至 2026-03-10T17:30:00+08:00")
    }
}

@Suite("Duty calendar feed")
struct DutyFeedTests {
    @Test("a leader's feed lists market-day duty with time and place, reception days and roster days, in RFC 5545 form")
    func feed() {
        let schedules = Schedules(
            rosters: [Roster(name: "带班", rotation: Rotation(people: ["A", "B"], period: .weekly, anchor: day("2026-11-30")))],
            marketDuties: [RosterTests.market],
            receptionDays: [ReceptionDay(leader: "A", rule: .weekdays([.monday]), start: ClockTime(hour: 9)!,
                                         end: ClockTime(hour: 12)!, place: "接待室,二楼")])
        let feed = DutyFeed(schedules: schedules, calendar: Fixtures.calendar, domain: "qingshan.gov.cn")
        let events = feed.events(for: "A", from: day("2026-12-01"), to: day("2026-12-08"))
        #expect(events.map { "\($0.day) \($0.summary)" } == [
            "2026-12-01 石桥赶集日接访", "2026-12-01 带班值班", "2026-12-02 带班值班", "2026-12-03 带班值班",
            "2026-12-04 带班值班", "2026-12-05 带班值班", "2026-12-06 带班值班", "2026-12-07 石桥赶集日接访",
            "2026-12-07 领导接待日",  // Monday; 12-07 starts B's week on the roster
        ])
        #expect(feed.events(for: "A", from: day("2026-12-14"), to: day("2026-12-14")).map(\.summary) == ["领导接待日", "带班值班"])
        let text = feed.ics(for: "A", name: "刘建国", from: day("2026-12-14"), to: day("2026-12-14"))
        #expect(text.hasPrefix("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"))
        #expect(text.contains("DTSTART;TZID=Asia/Shanghai:20261214T090000\r\nDTEND;TZID=Asia/Shanghai:20261214T120000\r\n"))
        #expect(text.contains("LOCATION:接待室\\,二楼\r\n"))
        #expect(text.contains("DTSTART;VALUE=DATE:20261214\r\nDTEND;VALUE=DATE:20261215\r\n"))
        #expect(text.split(separator: "\r\n").allSatisfy { $0.utf8.count <= 75 })
        #expect(text.hasSuffix("END:VCALENDAR\r\n"))
    }
}
