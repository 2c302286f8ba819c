extension MarketRule: CustomStringConvertible {
    /// The canonical Chinese phrase; `MarketRule(phrase:)` reads it back to an equal rule.
    ///
    /// Lunar 旬 rules print as 「农历逢三、六、九」, Gregorian ones as 「公历逢1、4、7」 with 「（31日除外）」 or
    /// 「（含31日）」 when the 31st differs from the digits; 单日 / 双日 / 农历单日; weekdays as 「每周五」
    /// or 「每周二、五」; a 干支 pair as 「赶子午」, other branch sets as 「逢子、寅日」; any other set of days
    /// as 「农历每月初一、十五」 / 「公历每月1、15日」. A rule that can never match prints 「无集日」.
    public var phrase: String {
        guard !isNever else { return "无集日" }
        switch self {
        case .lunarDays(let days):
            let days = days.filter { (1...30).contains($0) }
            if days == MarketRule.lunarParityDays(odd: true) { return "农历单日" }
            if days == MarketRule.lunarParityDays(odd: false) { return "农历双日" }
            let digits = MarketRule.xunDigits(of: days)
            if MarketRule.xunDays(digits, upTo: 30) == days {
                return "农历逢" + digits.map(ChineseNumerals.digit).joined(separator: "、")
            }
            return "农历每月" + days.sorted().map(ChineseNumerals.lunarDayName).joined(separator: "、")

        case .gregorianDays(let days):
            let days = days.filter { (1...31).contains($0) }
            let odd = Set(stride(from: 1, through: 29, by: 2))
            let even = Set(stride(from: 2, through: 30, by: 2))
            switch days {
            case odd.union([31]): return "单日"
            case odd: return "单日（31日除外）"
            case even: return "双日"
            case even.union([31]): return "双日（含31日）"
            default: break
            }
            let digits = MarketRule.xunDigits(of: days)
            let written = MarketRule.xunDays(digits, upTo: 31)
            let stem = "公历逢" + digits.map(String.init).joined(separator: "、")
            if days == written { return stem }
            if days == written.subtracting([31]) { return stem + "（31日除外）" }
            if days == written.union([31]) { return stem + "（含31日）" }
            return "公历每月" + days.sorted().map(String.init).joined(separator: "、") + "日"

        case .weekdays(let weekdays):
            return "每周" + weekdays.sorted().map(\.chineseNumeral).joined(separator: "、")

        case .earthlyBranches(let branches):
            let sorted = branches.sorted()
            if sorted.count == 2, sorted[0].opposite == sorted[1] {
                return "赶" + String(sorted.map(\.character))
            }
            return "逢" + sorted.map { String($0.character) }.joined(separator: "、") + "日"
        }
    }

    public var description: String { phrase }

    /// The digits 1 … 10 whose 旬 days are all in `days`, ascending (1 … 9 from the first 旬, 10 for 十).
    static func xunDigits(of days: Set<Int>) -> [Int] {
        (1...10).filter { days.contains($0) }
    }

    static func lunarParityDays(odd: Bool) -> Set<Int> {
        Set(stride(from: odd ? 1 : 2, through: 30, by: 2))
    }
}
