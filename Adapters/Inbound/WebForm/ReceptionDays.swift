import Foundation
import MinqingConfig
import MinqingHTTP
import MinqingRouting

/// The public reception-days page: each market's next market days (逢集接访) with place, rule and — from the
/// market-day duty roster of `schedules.yaml` — the leader who receives that day; and the leaders' reception days
/// (领导接待日: who, when, where). Without schedules the page names the principal leaders who take turns.
enum ReceptionDays {
    static func context(
        directory: Directory, schedules: Schedules?, calendar: WorkCalendar?, now: Date, timeZone: TimeZone, count: Int = 5
    ) -> [String: Any] {
        let today = CivilDay(now, in: timeZone)
        func name(_ person: String) -> String {
            directory.person(person).map { "\($0.title ?? "")\($0.name)" } ?? person
        }
        func dayText(_ day: CivilDay) -> [String: String] {
            ["date": "\(day.month) 月 \(day.day) 日", "weekday": weekdayName(day), "lunar": LunarDate(day).description]
        }
        let markets = directory.markets.map { market -> [String: Any] in
            var days: [[String: String]] = []
            if let rule = try? MarketRule(phrase: market.rule), !rule.isNever {
                var day = today
                for _ in 0..<120 where days.count < count {
                    if rule.isMarketDay(day) {
                        var entry = dayText(day)
                        if let duty = schedules?.marketDuty(on: day).first(where: { $0.duty.market == market.code }) {
                            entry["leader"] = name(duty.assignment.person)
                        }
                        days.append(entry)
                    }
                    day = day.adding(days: 1)
                }
            }
            return ["name": market.name, "rule": market.rule, "place": market.place, "days": days,
                    "villages": market.villages.compactMap { directory.village($0)?.name }.joined(separator: "、")]
        }
        let receptions = (schedules?.receptionDays ?? []).map { r -> [String: Any] in
            let last = today.adding(days: 90)
            let days = calendar.map { r.days(from: today, to: last, calendar: $0) } ?? MarketCalendar.days(r.rule, from: today, to: last)
            return ["leader": name(r.leader), "time": "\(r.start)–\(r.end)", "place": r.place,
                    "days": days.prefix(3).map(dayText)]
        }
        let leaders = directory.people.filter { $0.roles.contains(.principalLeader) }
            .map { ["name": $0.name, "title": $0.title ?? "领导"] }
        return ["title": "领导接访日", "markets": markets, "leaders": leaders, "receptions": receptions,
                "has_roster": schedules.map { !$0.marketDuties.isEmpty } ?? false]
    }

    static func weekdayName(_ day: CivilDay) -> String {
        let names = ["星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"]
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let date = calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day))!
        return names[calendar.component(.weekday, from: date) - 1]
    }
}
