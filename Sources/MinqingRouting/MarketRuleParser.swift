extension MarketRule {
    /// Reads a market-day phrase as written in county tables.
    ///
    /// Accepted forms (full-width or half-width punctuation; 、，,；; and spaces separate items):
    /// - 旬 days: 「农历逢三、六、九」「农历逢三六九」「逢一四七」「农历逢五、十」「逢五逢十」「一六集」
    ///   「公历逢1、4、7」「逢1、4、7日」. Chinese numerals mean lunar and Arabic digits Gregorian unless 农历/公历
    ///   (also 阴历/旧历, 阳历/新历) says otherwise. A run of Chinese digits is read digit by digit and must go
    ///   up (三六九, 五十); 「十三」 is not a 旬 and is refused.
    /// - the 31st of a Gregorian rule: 「公历逢1、4、7（31日除外）」「双日（含31日）」.
    /// - 「单日」「双日」「逢单日」「农历单日」.
    /// - weekdays: 「星期五」「每周五」「逢周三」「周二、周五」「每周二、五」「礼拜天」.
    /// - 干支 days: 「赶子午」「逢子午日」「子午日」「逢辰、戌日」.
    /// - given days of the month: 「农历每月初一、十五」「每月初一、十五」「公历每月1、15日」.
    ///
    /// Anything else throws a `MarketRuleParseError` whose message names the phrase and what was expected.
    public init(phrase: String) throws(MarketRuleParseError) {
        self = try MarketRuleParser(phrase).parse()
    }
}

/// The phrase reader behind `MarketRule(phrase:)`.
struct MarketRuleParser {
    private enum Reckoning { case lunar, gregorian }

    private let original: String

    init(_ phrase: String) {
        original = phrase
    }

    private static let separator: Character = "、"
    private static let lunarWords = ["农历", "阴历", "旧历", "夏历", "農曆", "陰曆", "舊曆"]
    private static let gregorianWords = ["公历", "阳历", "新历", "公曆", "陽曆", "新曆"]
    private static let trailingMarketWords = ["为集日", "为集", "集日", "逢集", "赶集", "集", "场", "圩"]
    private static let expected =
        "应写成“农历逢三、六、九”“公历逢1、4、7”“单日”“双日”“每周五”“一六集”“赶子午”或“农历每月初一、十五”这样的集日规则"

    func parse() throws(MarketRuleParseError) -> MarketRule {
        var text = normalised(original)
        guard !text.isEmpty else { throw failure("规则为空，" + MarketRuleParser.expected) }

        let thirtyFirst = try takeThirtyFirstModifier(&text)
        let reckoning = takeReckoning(&text)
        text = stripped(text, suffixes: MarketRuleParser.trailingMarketWords)
        guard !text.isEmpty else { throw failure("没有写出集日，" + MarketRuleParser.expected) }

        if text.contains("周") || text.contains("星期") || text.contains("礼拜") {
            guard reckoning != .lunar else { throw failure("星期几不分农历公历，请去掉“农历”") }
            guard thirtyFirst == nil else { throw failure("“31日”的说明只适用于公历逢几和单双日") }
            return .weekdays(try weekdays(text))
        }
        if let odd = parity(text) {
            if reckoning == .lunar {
                guard thirtyFirst == nil else { throw failure("农历没有31日，“31日”的说明只适用于公历") }
                return .lunarParity(odd: odd)
            }
            return odd ? .oddDays(thirtyFirst: thirtyFirst ?? .asWritten)
                : .evenDays(thirtyFirst: thirtyFirst ?? .asWritten)
        }
        if let branches = branches(text) {
            guard thirtyFirst == nil else { throw failure("“31日”的说明只适用于公历逢几和单双日") }
            return .earthlyBranches(branches)
        }
        if text.hasPrefix("每月") || text.hasPrefix("逢每月") || text.hasPrefix("每逢每月") {
            guard thirtyFirst == nil else { throw failure("每月固定日期的规则请直接写出是否包括31日") }
            return try monthDays(text, reckoning: reckoning)
        }
        return try xun(text, reckoning: reckoning, thirtyFirst: thirtyFirst)
    }

    // MARK: - Normalising

    /// Full-width ASCII to half-width, every separator to 「、」, no repeated or outer separators, no final 。.
    private func normalised(_ phrase: String) -> String {
        var result = ""
        for scalar in phrase.unicodeScalars {
            var scalar = scalar
            if (0xFF01...0xFF5E).contains(scalar.value) { scalar = Unicode.Scalar(scalar.value - 0xFEE0)! }
            if scalar.value == 0x3000 { scalar = " " }
            let character = Character(scalar)
            if "、,，;；/ \t\n".contains(character) {
                if let last = result.last, last != MarketRuleParser.separator, !result.isEmpty {
                    result.append(MarketRuleParser.separator)
                }
            } else {
                result.append(character)
            }
        }
        while let last = result.last, last == MarketRuleParser.separator || last == "。" || last == "." {
            result.removeLast()
        }
        return result
    }

    /// Removes a trailing 「(31日除外)」 / 「、31日除外」 / 「(含31日)」 and says which it was.
    private func takeThirtyFirstModifier(_ text: inout String) throws(MarketRuleParseError) -> MarketRule.ThirtyFirst? {
        if text.hasSuffix(")"), let open = text.lastIndex(of: "(") {
            let note = text[text.index(after: open)..<text.index(before: text.endIndex)]
            guard let choice = thirtyFirst(note) else {
                throw failure("括号里的说明“\(note)”看不懂，只能是“31日除外”或“含31日”")
            }
            text = String(text[..<open])
            while text.last == MarketRuleParser.separator { text.removeLast() }
            return choice
        }
        if let comma = text.lastIndex(of: MarketRuleParser.separator),
           let choice = thirtyFirst(text[text.index(after: comma)...], strict: true) {
            text = String(text[..<comma])
            return choice
        }
        return nil
    }

    /// 「31日除外」「不含31日」 → excluded; 「含31日」「31日也逢集」 → included; anything else `nil`.
    /// `strict` (a note after a comma rather than in brackets) does not read 「31日逢集」 as a note, since
    /// 「每月1、31日逢集」 lists the 31st as a day.
    private func thirtyFirst(_ note: Substring, strict: Bool = false) -> MarketRule.ThirtyFirst? {
        guard note.contains("31") else { return nil }
        if ["除", "不", "无", "没"].contains(where: { note.contains($0) }) { return .excluded }
        let included = strict ? ["含", "也", "包括"] : ["含", "也", "逢", "集", "算", "包括"]
        if included.contains(where: { note.contains($0) }) { return .included }
        return nil
    }

    /// Removes the calendar word (at the start, or after a leading 逢 / 每逢) and says which calendar it named.
    private func takeReckoning(_ text: inout String) -> Reckoning? {
        for (words, reckoning) in [
            (MarketRuleParser.lunarWords, Reckoning.lunar), (MarketRuleParser.gregorianWords, .gregorian),
        ] {
            for word in words {
                for lead in ["", "逢", "每逢"] where text.hasPrefix(lead + word) {
                    text = lead + text.dropFirst(lead.count + word.count)
                    text = String(text.drop { $0 == MarketRuleParser.separator })
                    return reckoning
                }
            }
        }
        return nil
    }

    private func stripped(_ text: String, prefixes: [String] = [], suffixes: [String] = []) -> String {
        var text = Substring(text)
        for prefix in prefixes where text.hasPrefix(prefix) {
            text = text.dropFirst(prefix.count)
            break
        }
        for suffix in suffixes where text.hasSuffix(suffix) && text.count > suffix.count {
            text = text.dropLast(suffix.count)
            break
        }
        return String(text)
    }

    // MARK: - Forms

    private func weekdays(_ text: String) throws(MarketRuleParseError) -> Set<Weekday> {
        let body = Array(stripped(text, prefixes: ["每逢", "每", "逢"]))
        let numerals: [Character: Weekday] = [
            "一": .monday, "二": .tuesday, "三": .wednesday, "四": .thursday, "五": .friday, "六": .saturday,
            "日": .sunday, "天": .sunday,
        ]
        var result: Set<Weekday> = []
        var index = 0
        var sawWord = false
        while index < body.count {
            if body[index] == MarketRuleParser.separator || body[index] == "逢" || body[index] == "和" {
                index += 1
                continue
            }
            for word in ["星期", "礼拜", "周"] where body[index...].starts(with: word) {
                index += word.count
                sawWord = true
                break
            }
            guard sawWord, index < body.count, let weekday = numerals[body[index]] else {
                throw failure("星期几应写成“星期五”“每周五”或“逢周二、周五”")
            }
            result.insert(weekday)
            index += 1
        }
        guard !result.isEmpty else { throw failure("没有写出星期几，应写成“星期五”或“每周五”") }
        return result
    }

    /// `true` for 单日, `false` for 双日, `nil` for anything else.
    private func parity(_ text: String) -> Bool? {
        let body = stripped(text, prefixes: ["每逢", "逢"], suffixes: ["日", "号"])
        switch body {
        case "单": return true
        case "双": return false
        default: return nil
        }
    }

    private func branches(_ text: String) -> Set<EarthlyBranch>? {
        let body = stripped(text, prefixes: ["每逢", "赶", "逢"], suffixes: ["日", "天"])
        var result: Set<EarthlyBranch> = []
        for character in body where character != MarketRuleParser.separator {
            guard let branch = EarthlyBranch(character: character) else { return nil }
            result.insert(branch)
        }
        return result.isEmpty ? nil : result
    }

    private func monthDays(_ text: String, reckoning: Reckoning?) throws(MarketRuleParseError) -> MarketRule {
        let body = stripped(stripped(text, prefixes: ["每逢", "逢"]), prefixes: ["每月"])
        let items = stripped(body, prefixes: ["逢"]).split(separator: MarketRuleParser.separator)
        guard !items.isEmpty else { throw failure("“每月”后面要写出日子，如“农历每月初一、十五”") }
        var arabic: [(item: Substring, value: Int)] = []
        var chinese: [(item: Substring, value: Int)] = []
        for item in items {
            let word = item.hasSuffix("日") || item.hasSuffix("号") ? item.dropLast() : item
            if !word.isEmpty, word.allSatisfy(\.isASCII), let value = Int(word) {
                arabic.append((item, value))
            } else if let value = ChineseNumerals.dayNumber(word) {
                chinese.append((item, value))
            } else {
                throw failure("“\(item)”不是日子，应写成“初一”“十五”或“15日”")
            }
        }
        guard arabic.isEmpty || chinese.isEmpty else { throw failure("阿拉伯数字和汉字数字不能混用") }
        let lunar = reckoning.map { $0 == .lunar } ?? arabic.isEmpty
        let days = arabic + chinese
        if lunar {
            if let bad = days.first(where: { !(1...30).contains($0.value) }) {
                throw failure("农历日只能是初一到三十，“\(bad.item)”不是")
            }
            return .lunarDays(Set(days.map(\.value)))
        }
        if let bad = days.first(where: { !(1...31).contains($0.value) }) {
            throw failure("公历日只能是1到31日，“\(bad.item)”不是")
        }
        return .gregorianDays(Set(days.map(\.value)))
    }

    private func xun(
        _ text: String, reckoning: Reckoning?, thirtyFirst: MarketRule.ThirtyFirst?
    ) throws(MarketRuleParseError) -> MarketRule {
        let body = stripped(text, prefixes: ["每逢", "逢"])
        let items = body.split { $0 == MarketRuleParser.separator || $0 == "逢" }
        guard !items.isEmpty else { throw failure(MarketRuleParser.expected) }
        var digits: [Int] = []
        var usedArabic = false
        var usedChinese = false
        for item in items {
            let word = item.hasSuffix("日") || item.hasSuffix("号") ? item.dropLast() : item
            if !word.isEmpty, word.allSatisfy(\.isASCII) {
                guard let value = Int(word), (1...10).contains(value) else {
                    if let value = Int(word), (11...31).contains(value) {
                        throw failure("旬日只能是1到10（逢1即1、11、21日），“\(word)”不是；若指每月的这一天，请写“公历每月\(word)日”")
                    }
                    throw failure("“\(word)”不是1到10之间的数；几个旬日之间要用顿号隔开，如“逢1、4、7”")
                }
                usedArabic = true
                digits.append(value)
            } else if !word.isEmpty, word.allSatisfy({ ChineseNumerals.digits[$0] != nil }) {
                let run = word.map { ChineseNumerals.digits[$0]! }
                guard zip(run, run.dropFirst()).allSatisfy({ $0 < $1 }) else {
                    throw failure(
                        "“\(word)”不是旬日的写法：旬日是一到十的单个数字，从小到大写，如“农历逢三、六、九”；"
                            + "若指每月的某一天，请写“农历每月\(word)”")
                }
                usedChinese = true
                digits.append(contentsOf: run)
            } else if word.first == "初" || word.first == "廿" || word.first == "卅" {
                throw failure("“\(word)”是每月的某一天，不是旬日；请写“农历每月\(word)”或“农历逢三、六、九”这样的旬日")
            } else {
                throw failure(items.count == 1 ? MarketRuleParser.expected : "“\(item)”看不懂，" + MarketRuleParser.expected)
            }
        }
        guard !(usedArabic && usedChinese) else { throw failure("阿拉伯数字和汉字数字不能混用") }
        var seen: Set<Int> = []
        for digit in digits where !seen.insert(digit).inserted {
            let written = usedArabic ? String(digit) : ChineseNumerals.digit(digit)
            throw failure("“\(written)”写了两次")
        }
        let lunar = reckoning.map { $0 == .lunar } ?? usedChinese
        if lunar {
            guard thirtyFirst == nil else { throw failure("农历没有31日，“31日”的说明只适用于公历") }
            return .lunarXun(digits)
        }
        return .gregorianXun(digits, thirtyFirst: thirtyFirst ?? .asWritten)
    }

    private func failure(_ reason: String) -> MarketRuleParseError {
        MarketRuleParseError(phrase: original, reason: reason)
    }
}
