import Foundation
import MinqingConfig
import MinqingRouting

/// The public reception-days page: each market's next market days (when the township's leaders receive citizens
/// there, 逢集接访) with place and rule, and the principal leaders who receive. Rosters of who is on duty on which
/// day are not in the configuration yet, so the page names the leaders who take turns.
enum ReceptionDays {
    static func context(directory: Directory, now: Date, timeZone: TimeZone, count: Int = 5) -> [String: Any] {
        let today = CivilDay(now, in: timeZone)
        let markets = directory.markets.map { market -> [String: Any] in
            var days: [[String: String]] = []
            if let rule = try? MarketRule(phrase: market.rule), !rule.isNever {
                var day = today
                for _ in 0..<120 where days.count < count {
                    if rule.isMarketDay(day) {
                        days.append(["date": "\(day.month) 月 \(day.day) 日", "weekday": weekdayName(day), "lunar": LunarDate(day).description])
                    }
                    day = day.adding(days: 1)
                }
            }
            return ["name": market.name, "rule": market.rule, "place": market.place, "days": days,
                    "villages": market.villages.compactMap { directory.village($0)?.name }.joined(separator: "、")]
        }
        let leaders = directory.people.filter { $0.roles.contains(.principalLeader) }
            .map { ["name": $0.name, "title": $0.title ?? "领导"] }
        return ["title": "领导接访日", "markets": markets, "leaders": leaders]
    }

    static func weekdayName(_ day: CivilDay) -> String {
        let names = ["星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"]
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let date = calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day))!
        return names[calendar.component(.weekday, from: date) - 1]
    }
}
