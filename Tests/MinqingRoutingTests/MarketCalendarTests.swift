import Foundation
import Testing
@testable import MinqingRouting

@Suite("Market calendars")
struct MarketCalendarTests {
    @Test("the next market day skips a 三十 the month does not have")
    func nextAcrossShortMonth() {
        let market = MarketCalendar(name: "石桥集", rule: .lunarXun([5, 10]))
        // 闰六月廿五 is 2025-08-18; 闰六月 has no 三十, so the next is 七月初五 = 2025-08-27.
        #expect(market.nextMarketDay(after: day("2025-08-18")) == day("2025-08-27"))
        #expect(market.firstMarketDay(onOrAfter: day("2025-08-18")) == day("2025-08-18"))
        #expect(market.isMarketDay(day("2025-07-24")))  // 六月三十
    }

    @Test("a market only on lunar 三十 waits for the next 30-day month")
    func onlyThirtieth() {
        // After 六月三十 (2025-07-24): 闰六月 has 29 days, 七月 has 30 → 七月三十 = 2025-09-21.
        let market = MarketCalendar(rule: .lunarDays([30]))
        #expect(market.nextMarketDay(after: day("2025-07-24")) == day("2025-09-21"))
    }

    @Test("the next market day after an instant is tomorrow or later in the market's time zone")
    func nextAfterInstant() {
        let market = MarketCalendar(rule: .weekdays([.friday]))
        // Friday 2026-03-06 20:00: today's market is over, the next is Friday 03-13.
        #expect(market.nextMarketDay(after: instant("2026-03-06 20:00")) == day("2026-03-13"))
        #expect(market.nextMarketDay(after: instant("2026-03-05 20:00")) == day("2026-03-06"))
        #expect(market.isMarketDay(instant("2026-03-06 07:00")))
    }

    @Test("a rule that can never match has no next market day")
    func never() {
        #expect(MarketCalendar(rule: .lunarDays([])).nextMarketDay(after: day("2026-01-01")) == nil)
        #expect(MarketCalendar(rule: .lunarDays([31])).nextMarketDay(after: day("2026-01-01")) == nil)
        #expect(MarketCalendar(rule: .weekdays([])).days(from: day("2026-01-01"), to: day("2026-12-31")).isEmpty)
        #expect(MarketRule.gregorianDays([31]).isNever == false)
    }

    @Test("an empty or reversed range has no days")
    func emptyRange() {
        #expect(MarketCalendar.days(.oddDays(), from: day("2026-01-02"), to: day("2026-01-01")).isEmpty)
        #expect(MarketCalendar.days(.oddDays(), from: day("2026-01-01"), to: day("2026-01-01")) == [day("2026-01-01")])
    }
}
