import Testing
@testable import MinqingRouting

@Suite("Market-day phrases")
struct MarketRuleParserTests {
    @Test("table phrases read as rules", arguments: [
        // lunar 旬 days: Chinese numerals mean lunar
        ("农历逢三、六、九", MarketRule.lunarXun([3, 6, 9])),
        ("农历逢三六九", .lunarXun([3, 6, 9])),
        ("逢一四七", .lunarXun([1, 4, 7])),
        ("逢二、五、八", .lunarXun([2, 5, 8])),
        ("农历逢五、十", .lunarXun([5, 10])),
        ("逢五逢十", .lunarXun([5, 10])),
        ("农历逢四九", .lunarXun([4, 9])),
        ("每逢农历三、六、九", .lunarXun([3, 6, 9])),
        ("逢农历二五八", .lunarXun([2, 5, 8])),
        ("农历三六九逢集", .lunarXun([3, 6, 9])),
        ("阴历逢三六九", .lunarXun([3, 6, 9])),
        ("农历逢3、6、9", .lunarXun([3, 6, 9])),
        ("一六集", .lunarXun([1, 6])),
        ("二七集", .lunarXun([2, 7])),
        // Gregorian 旬 days: Arabic digits mean Gregorian; every kind of separator
        ("公历逢1、4、7", .gregorianXun([1, 4, 7])),
        ("逢1、4、7", .gregorianXun([1, 4, 7])),
        ("逢1,4,7", .gregorianXun([1, 4, 7])),
        ("逢１，４，７", .gregorianXun([1, 4, 7])),
        ("逢1；4；7日", .gregorianXun([1, 4, 7])),
        ("逢 1 4 7", .gregorianXun([1, 4, 7])),
        ("  公历逢1、4、7。 ", .gregorianXun([1, 4, 7])),
        ("阳历逢5、10", .gregorianXun([5, 10])),
        ("公历逢三、六、九", .gregorianXun([3, 6, 9])),
        ("1、6集", .gregorianXun([1, 6])),
        ("公历逢1、4、7（31日除外）", .gregorianXun([1, 4, 7], thirtyFirst: .excluded)),
        ("公历逢3、6、9(含31日)", .gregorianXun([3, 6, 9], thirtyFirst: .included)),
        // odd and even days
        ("单日", .oddDays()),
        ("双日", .evenDays()),
        ("逢单日", .oddDays()),
        ("逢双号", .evenDays()),
        ("单日（31日除外）", .oddDays(thirtyFirst: .excluded)),
        ("单日，31日不逢集", .oddDays(thirtyFirst: .excluded)),
        ("双日（含31日）", .evenDays(thirtyFirst: .included)),
        ("农历单日", .lunarParity(odd: true)),
        // weekdays
        ("星期五", .weekdays([.friday])),
        ("每周五", .weekdays([.friday])),
        ("逢周三", .weekdays([.wednesday])),
        ("周二、周五", .weekdays([.tuesday, .friday])),
        ("每周二、五", .weekdays([.tuesday, .friday])),
        ("礼拜天", .weekdays([.sunday])),
        ("星期日", .weekdays([.sunday])),
        // 干支 days
        ("赶子午", .branchPair(.zi)),
        ("逢子午日", .branchPair(.zi)),
        ("赶辰戌", .branchPair(.chen)),
        ("逢卯、酉日", .branchPair(.mao)),
        ("赶寅申", .branchPair(.yin)),
        ("赶巳亥", .branchPair(.si)),
        ("赶丑未", .branchPair(.chou)),
        // given days of the month
        ("农历每月初一、十五", .lunarDays([1, 15])),
        ("每月初一、十五", .lunarDays([1, 15])),
        ("每月廿三", .lunarDays([23])),
        ("农历每月二十三、三十", .lunarDays([23, 30])),
        ("公历每月1、15日", .gregorianDays([1, 15])),
        ("每月1号、31号", .gregorianDays([1, 31])),
        ("公历每月1、31日逢集", .gregorianDays([1, 31])),
        ("双日，31日也逢集", .evenDays(thirtyFirst: .included)),
    ])
    func parses(phrase: String, rule: MarketRule) throws {
        #expect(try MarketRule(phrase: phrase) == rule)
    }

    @Test("unreadable phrases name the phrase and what was expected", arguments: [
        ("农历逢十三",
         "无法识别的集日规则“农历逢十三”：“十三”不是旬日的写法：旬日是一到十的单个数字，从小到大写，如“农历逢三、六、九”；若指每月的某一天，请写“农历每月十三”"),
        ("", "无法识别的集日规则“”：规则为空，应写成“农历逢三、六、九”“公历逢1、4、7”“单日”“双日”“每周五”“一六集”“赶子午”或“农历每月初一、十五”这样的集日规则"),
        ("逢13", "无法识别的集日规则“逢13”：旬日只能是1到10（逢1即1、11、21日），“13”不是；若指每月的这一天，请写“公历每月13日”"),
        ("逢147", "无法识别的集日规则“逢147”：“147”不是1到10之间的数；几个旬日之间要用顿号隔开，如“逢1、4、7”"),
        ("逢一、4", "无法识别的集日规则“逢一、4”：阿拉伯数字和汉字数字不能混用"),
        ("逢三、三", "无法识别的集日规则“逢三、三”：“三”写了两次"),
        ("农历逢三六九（31日除外）", "无法识别的集日规则“农历逢三六九（31日除外）”：农历没有31日，“31日”的说明只适用于公历"),
        ("农历每周五", "无法识别的集日规则“农历每周五”：星期几不分农历公历，请去掉“农历”"),
        ("农历每月三十一", "无法识别的集日规则“农历每月三十一”：农历日只能是初一到三十，“三十一”不是"),
        ("公历每月32日", "无法识别的集日规则“公历每月32日”：公历日只能是1到31日，“32日”不是"),
        ("逢初一、十五", "无法识别的集日规则“逢初一、十五”：“初一”是每月的某一天，不是旬日；请写“农历每月初一”或“农历逢三、六、九”这样的旬日"),
        ("周末", "无法识别的集日规则“周末”：星期几应写成“星期五”“每周五”或“逢周二、周五”"),
        ("逢三、六、九、大", "无法识别的集日规则“逢三、六、九、大”：“大”看不懂，应写成“农历逢三、六、九”“公历逢1、4、7”“单日”“双日”“每周五”“一六集”“赶子午”或“农历每月初一、十五”这样的集日规则"),
        ("单日（每月）", "无法识别的集日规则“单日（每月）”：括号里的说明“每月”看不懂，只能是“31日除外”或“含31日”"),
        ("赶大集",
         "无法识别的集日规则“赶大集”：应写成“农历逢三、六、九”“公历逢1、4、7”“单日”“双日”“每周五”“一六集”“赶子午”或“农历每月初一、十五”这样的集日规则"),
    ])
    func refuses(phrase: String, message: String) {
        #expect(throws: MarketRuleParseError.self) { try MarketRule(phrase: phrase) }
        do {
            _ = try MarketRule(phrase: phrase)
        } catch {
            #expect(error.description == message)
            #expect(error.phrase == phrase)
        }
    }

    @Test("rules print as canonical phrases", arguments: [
        (MarketRule.lunarXun([3, 6, 9]), "农历逢三、六、九"),
        (.lunarXun([5, 10]), "农历逢五、十"),
        (.lunarXun([1, 6]), "农历逢一、六"),
        (.gregorianXun([1, 4, 7]), "公历逢1、4、7"),
        (.gregorianXun([1, 4, 7], thirtyFirst: .excluded), "公历逢1、4、7（31日除外）"),
        (.gregorianXun([3, 6, 9], thirtyFirst: .included), "公历逢3、6、9（含31日）"),
        (.gregorianXun([5, 10]), "公历逢5、10"),
        (.oddDays(), "单日"),
        (.oddDays(thirtyFirst: .excluded), "单日（31日除外）"),
        (.evenDays(), "双日"),
        (.evenDays(thirtyFirst: .included), "双日（含31日）"),
        (.lunarParity(odd: true), "农历单日"),
        (.lunarParity(odd: false), "农历双日"),
        (.weekdays([.friday]), "每周五"),
        (.weekdays([.friday, .tuesday]), "每周二、五"),
        (.weekdays([.sunday]), "每周日"),
        (.branchPair(.zi), "赶子午"),
        (.branchPair(.wu), "赶子午"),
        (.branchPair(.xu), "赶辰戌"),
        (.earthlyBranches([.yin, .zi]), "逢子、寅日"),
        (.lunarDays([15, 1]), "农历每月初一、十五"),
        (.lunarDays([23, 30]), "农历每月廿三、三十"),
        (.gregorianDays([15, 1]), "公历每月1、15日"),
        (.lunarDays([]), "无集日"),
    ])
    func prints(rule: MarketRule, phrase: String) {
        #expect(rule.phrase == phrase)
        #expect(rule.description == phrase)
    }

    @Test("every printed phrase reads back to the same rule", arguments: [
        MarketRule.lunarXun([1, 4, 7]), .lunarXun([2, 5, 8]), .lunarXun([3, 6, 9]), .lunarXun([5, 10]),
        .lunarXun([4, 9]), .lunarXun([1, 6]), .lunarXun([10]), .lunarParity(odd: true), .lunarParity(odd: false),
        .gregorianXun([1, 4, 7]), .gregorianXun([1, 4, 7], thirtyFirst: .excluded),
        .gregorianXun([2, 5, 8], thirtyFirst: .included), .gregorianXun([1, 6]), .gregorianXun([5, 10]),
        .oddDays(), .oddDays(thirtyFirst: .excluded), .evenDays(), .evenDays(thirtyFirst: .included),
        .weekdays([.friday]), .weekdays([.monday, .thursday, .sunday]),
        .branchPair(.zi), .branchPair(.chou), .branchPair(.yin), .branchPair(.mao), .branchPair(.chen),
        .branchPair(.si), .earthlyBranches([.zi, .mao, .wu, .you]),
        .lunarDays([1, 15]), .lunarDays([3, 8, 13, 18, 23, 28]), .lunarDays([30]), .gregorianDays([1, 15, 31]),
    ])
    func roundTrip(rule: MarketRule) throws {
        #expect(try MarketRule(phrase: rule.phrase) == rule)
    }

    @Test("phrases that mean the same days give equal rules")
    func sameDaysSameRule() throws {
        #expect(try MarketRule(phrase: "一六集") == MarketRule(phrase: "农历逢一、六"))
        #expect(try MarketRule(phrase: "公历逢1、3、5、7、9") == MarketRule.oddDays())
        #expect(try MarketRule(phrase: "赶午子") == MarketRule(phrase: "赶子午"))
    }
}
