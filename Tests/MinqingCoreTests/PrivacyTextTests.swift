import Foundation
@testable import MinqingCore
import Testing

@Suite("Masking numbers in every written form; citizen text made inert")
struct PrivacyTextTests {
    let m = Masking()

    @Test("a phone number written in any form is masked to its first 3 and last 2 digits", arguments: [
        ("电话13812345678", "电话138****78"),
        ("电话 138-1234-5678。", "电话 138****78。"),
        ("138 1234 5678", "138****78"),
        ("138.1234.5678", "138****78"),
        ("+86 138 1234 5678", "138****78"),
        ("＋86-13812345678", "138****78"),
        ("0086 13812345678", "138****78"),
        ("008613812345678", "138****78"),
        ("手机１３８１２３４５６７８", "手机138****78"),
        ("手机 １３８－１２３４－５６７８", "手机 138****78"),
        ("一三八一二三四五六七八", "138****78"),
        ("幺三八 幺二三四 五六七八", "138****78"),
        ("我的号码是一三八1234五六七八", "我的号码是138****78"),
        ("拨打零13812345678", "拨打零138****78"),
        ("138\u{200B}1234\u{200B}5678", "138****78"),
        ("1\u{FE0F}\u{20E3}3\u{FE0F}\u{20E3}8\u{FE0F}\u{20E3}1\u{FE0F}\u{20E3}2\u{FE0F}\u{20E3}3\u{FE0F}\u{20E3}4\u{FE0F}\u{20E3}5\u{FE0F}\u{20E3}6\u{FE0F}\u{20E3}7\u{FE0F}\u{20E3}8\u{FE0F}\u{20E3}", "138****78\u{FE0F}\u{20E3}"),
        ("座机(0771) 123-4567", "座机077****67"),
        ("座机（0771）1234567转8", "座机077****67转8"),
        ("0791-86541234", "079****34"),
        ("010 1234 5678", "010****78"),
        ("07711234567", "077****67"),
        ("（电话13812345678）", "（电话138****78）"),
        ("13812345678 13987654321", "138****78 139****21"),
        ("13812345678,13987654321", "138****78,139****21"),
    ])
    func phones(_ text: String, _ masked: String) {
        #expect(m.numbers(in: text) == masked)
    }

    @Test("an ID number written in any form is masked 前6后2", arguments: [
        ("身份证11010519491231002X", "身份证110105**********2X"),
        ("身份证 11010519491231002x。", "身份证 110105**********2X。"),
        ("110105 19491231 002X", "110105**********2X"),
        ("110105-1949-1231-002X", "110105**********2X"),
        ("１１０１０５１９４９１２３１００２Ｘ", "110105**********2X"),
        ("一一〇一〇五一九四九一二三一〇〇二X", "110105**********2X"),
        ("老身份证110105491231002", "老身份证110105*******02"),
        ("11010519491231002X13812345678", "110105**********2X138****78"),
        ("电话13812345678 110105 19491231 002X", "电话138****78 110105**********2X"),
    ])
    func idNumbers(_ text: String, _ masked: String) {
        #expect(m.numbers(in: text) == masked)
    }

    @Test("numbers that are not phones or IDs are left as written", arguments: [
        "案件 MQ-20261122-0042 于 2026-11-22 09:30 登记", "一千三百八十元", "十一月三十一日", "共 5 人，3 户",
        "出生于19491231", "编号 1 2 3 4", "银行卡 6222021234567890123", "二〇二六年", "12345", "第一二组",
        "版本 v1.2.3，3.14 元", "138****78", "IP 192.168.1.1",
    ])
    func notNumbers(_ text: String) {
        #expect(m.numbers(in: text) == text)
    }

    @Test("masks never show a usable suffix: 4 digits of a phone's end never survive, whatever its form")
    func noUsableSuffix() {
        let forms: [(String) -> String] = [
            { $0 }, { "+86 " + $0 }, { "0086" + $0 }, { Self.split($0, [3, 4, 4], " ") }, { Self.split($0, [3, 4, 4], "-") },
            { Self.split($0, [3, 4, 4], "\u{3000}") }, { Self.fullWidth($0) }, { Self.chinese($0) },
            { Self.split(Self.chinese($0), [3, 4, 4], " ") }, { Self.split($0, [3, 8], ".") },
        ]
        for i in 0..<400 {
            // 400 different numbers, each second digit, every form 40 times.
            let phone = "1" + String(Array("3456789")[i % 7]) + String(format: "%09d", (i &* 7_919_773 &+ 1_234_567) % 1_000_000_000)
            let form = forms[(i / 7) % forms.count]
            let text = "我是青山村村民，电话\(form(phone))，请回电。"
            let out = m.numbers(in: text)
            #expect(NumberForms.digits(of: out) == String(phone.prefix(3)) + String(phone.suffix(2)), "\(text) → \(out)")
        }
    }

    @Test("the field masks keep at most 3+2 digits of a phone and 6+2 characters of an ID number")
    func fieldMasks() {
        #expect(m.phone("+86 13812341234") == "138****34")
        #expect(m.phone("１３８ １２３４ １２３４") == "138****34")
        #expect(m.phone("0791-86541234") == "079****34")
        #expect(m.phone("110") == "****")
        #expect(m.phone("") == "")
        #expect(m.idNumber("11010519491231002X") == "110105**********2X")
        #expect(m.idNumber("110105 19491231 002x") == "110105**********2X")
        #expect(Masking(idKeepStart: 3, idKeepEnd: 2).idNumber("11010519491231002X") == "110*************2X")
        let wide = Masking(idKeepStart: 8, idKeepEnd: 4)
        #expect(wide.idKeepStart == 6 && wide.idKeepEnd == 2, "a configuration cannot widen the mask past 前6后2")
        #expect(wide.idNumber("11010519491231002X") == "110105**********2X")
    }

    @Test("long or hostile input is scanned in one pass and keeps its length")
    func bounded() {
        let spaced = String(repeating: "0 ", count: 100_000)
        #expect(m.numbers(in: spaced) == spaced)
        let words = String(repeating: "一", count: 100_000)
        #expect(m.numbers(in: words) == words)
        let phones = String(repeating: "13812345678 ", count: 20_000)
        #expect(m.numbers(in: phones) == String(repeating: "138****78 ", count: 20_000))
        let combining = String(repeating: "1\u{0301}", count: 50_000)
        #expect(m.numbers(in: combining).unicodeScalars.count == combining.unicodeScalars.count)
        let markup = String(repeating: "[点此](http://evil.example/a.b.c) **<@all>** ", count: 5_000)
        let inert = CitizenText.inert(markup)
        #expect(!inert.contains("http://") && inert.unicodeScalars.count < markup.unicodeScalars.count * 2)
    }

    // MARK: - CitizenText

    @Test("citizen markup, links and mentions become plain characters", arguments: [
        ("[点此核实](http://evil.example/phish)", "［点此核实］（http[:]//evil[.]example/phish）"),
        ("![](https://evil.example/a.png)", "！［］（https[:]//evil[.]example/a[.]png）"),
        ("**加急**处理", "＊＊加急＊＊处理"),
        ("# 紧急通知", "＃ 紧急通知"),
        ("### 标题", "＃＃＃ 标题"),
        ("`rm -rf`", "｀rm -rf｀"),
        ("<@someone> 请看", "＜＠someone＞ 请看"),
        ("@all 大家注意", "＠all 大家注意"),
        ("@13800001111", "＠13800001111"),
        (#"<at user_id="all">所有人</at>"#, #"＜at user＿id="all"＞所有人＜/at＞"#),
        ("<font color=red>红字</font>", "＜font color=red＞红字＜/font＞"),
        ("&lt;b&gt;", "＆lt;b＆gt;"),
        ("访问 www.evil.example 领取", "访问 www[.]evil[.]example 领取"),
        ("见 evil.example/phish。", "见 evil[.]example/phish。"),
        ("邮箱 zhang@163.com", "邮箱 zhang＠163[.]com"),
        ("http://192.168.1.1:8080/x", "http[:]//192[.]168[.]1[.]1:8080/x"),
        ("- 第一条\n+ 第二条\n===", "－ 第一条\n＋ 第二条\n＝=="),
        ("> 引用", "＞ 引用"),
        ("|a|b|", "｜a｜b｜"),
        ("{{case.id}} ${x}", "｛｛case[.]id｝｝ ＄｛x｝"),
        ("版本 v1.2.3，3.14 元，a-b", "版本 v1.2.3，3.14 元，a-b"),
        ("\u{202E}倒序\u{200B}文字\u{7}", "倒序文字"),
        ("第一行\r\n第二行\r第三行", "第一行\n第二行\n第三行"),
    ])
    func inert(_ text: String, _ expected: String) {
        #expect(CitizenText.inert(text) == expected)
    }

    @Test("a single-line field keeps to one line")
    func singleLine() {
        #expect(CitizenText.inert("标题\n# 第二行\u{2028}三", singleLine: true) == "标题 ＃ 第二行 三")
    }

    @Test("no character any dialect interprets survives, except the [.] and [:] of a defanged link")
    func noMarkupSurvives() {
        let alphabet = Array("*_~`#[]()<>!|@\\&{}$-+=:/. \n\rahtp.example一二三4567")
        for i in 0..<300 {
            // Deterministic mixtures of the alphabet, 1 to 60 characters long.
            let text = String((0..<(1 + i % 60)).map { k in alphabet[(i &* 131 &+ k &* k &* 7 &+ k &* 17) % alphabet.count] })
            let out = CitizenText.inert(text).replacingOccurrences(of: "[.]", with: "").replacingOccurrences(of: "[:]", with: "")
            #expect(!out.contains(where: { "*_~`#[]()<>!|@\\&{}$".contains($0) }), "\(text.debugDescription) → \(out.debugDescription)")
            #expect(!out.contains("://"))
        }
    }

    static func split(_ s: String, _ sizes: [Int], _ sep: String) -> String {
        var rest = Substring(s)
        var parts: [Substring] = []
        for n in sizes {
            parts.append(rest.prefix(n))
            rest = rest.dropFirst(n)
        }
        return parts.joined(separator: sep)
    }

    static func fullWidth(_ s: String) -> String {
        String(String.UnicodeScalarView(s.unicodeScalars.map { Unicode.Scalar($0.value - 48 + 0xFF10)! }))
    }

    static func chinese(_ s: String) -> String {
        String(s.map { Array("〇一二三四五六七八九")[Int(String($0))!] })
    }
}
