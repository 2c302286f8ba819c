/// Chinese numerals as used for lunar days, 旬 digits and weekdays.
enum ChineseNumerals {
    /// 一 … 十 as single digits of a 旬 (1 … 10).
    static let digits: [Character: Int] = [
        "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
    ]

    /// The single-character numeral for 1 … 10.
    static func digit(_ value: Int) -> String {
        String(Array("一二三四五六七八九十")[value - 1])
    }

    /// The customary name of a lunar day: 初一 … 初十, 十一 … 十九, 二十, 廿一 … 廿九, 三十.
    static func lunarDayName(_ day: Int) -> String {
        switch day {
        case 1...10: "初" + digit(day)
        case 11...19: "十" + digit(day - 10)
        case 20: "二十"
        case 21...29: "廿" + digit(day - 20)
        case 30: "三十"
        default: String(day)
        }
    }

    /// The customary name of a lunar month: 正月 … 十月, 冬月, 腊月.
    static func lunarMonthName(_ month: Int) -> String {
        switch month {
        case 1: "正月"
        case 2...10: digit(month) + "月"
        case 11: "冬月"
        case 12: "腊月"
        default: "\(month)月"
        }
    }

    /// Parses a day-of-month number written in Chinese: 初一 … 初十, 一 … 十, 十一 … 十九, 二十, 廿一, 二十一, 三十, 卅,
    /// 三十一 (the caller checks the range). `nil` when the text is not such a number.
    static func dayNumber(_ text: Substring) -> Int? {
        var chars = Array(text)
        if chars.first == "初" {
            chars.removeFirst()
            guard chars.count == 1, let value = digits[chars[0]] else { return nil }
            return value
        }
        if chars.first == "廿" { chars = ["二", "十"] + chars.dropFirst() }
        if chars.first == "卅" { chars = ["三", "十"] + chars.dropFirst() }
        switch chars.count {
        case 1:
            return digits[chars[0]]
        case 2:
            // 十X (11–19) or X十 (20, 30)
            if chars[0] == "十", let unit = digits[chars[1]], unit < 10 { return 10 + unit }
            if chars[1] == "十", let tens = digits[chars[0]], tens < 10 { return tens * 10 }
            return nil
        case 3:
            // X十Y
            guard chars[1] == "十", let tens = digits[chars[0]], tens < 10,
                  let unit = digits[chars[2]], unit < 10
            else { return nil }
            return tens * 10 + unit
        default:
            return nil
        }
    }
}
