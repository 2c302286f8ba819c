import Foundation
import Testing
@testable import MailboxAdapter

struct CharsetTests {
    private func decode(_ bytes: [UInt8], _ label: String?) -> (String, [String]) {
        var log = WarningLog()
        let text = TextDecoder.decode(bytes[...], label: label, context: "body", log: &log)
        return (text, log.messages)
    }

    @Test("every GB-family label decodes as GB18030, GBK-only characters included",
          arguments: ["gb2312", "GB2312", "gbk", "GBK", "gb18030", "cp936", "euc-cn", "x-gbk", "GB_2312-80",
                      "csGB2312", "\"gb2312\""])
    func gbFamily(label: String) {
        #expect(decode("朱镕基 王堃 刘䶮".gbk, label) == ("朱镕基 王堃 刘䶮", []))
    }

    @Test("utf-8 and us-ascii labels", arguments: ["utf-8", "UTF-8", "utf8"])
    func utf8(label: String) {
        #expect(decode("民情信箱".utf8Bytes, label) == ("民情信箱", []))
        #expect(decode(Array("plain".utf8), "us-ascii") == ("plain", []))
    }

    @Test("big5 decodes traditional script")
    func big5() {
        #expect(decode("臺灣許文雄".big5, "big5") == ("臺灣許文雄", []))
        #expect(decode("臺灣".big5, "x-x-big5") == ("臺灣", []))
    }

    @Test("ISO-8859 and windows-125x labels decode as Foundation does", arguments: [
        ("iso-8859-1", [0xC0, 0xC5, 0xCA, 0xCF, 0xD4], "\u{00C0}\u{00C5}\u{00CA}\u{00CF}\u{00D4}"),
        ("iso-8859-2", [0xC0, 0xC5, 0xCA, 0xCF, 0xD4], "\u{0154}\u{0139}\u{0118}\u{010E}\u{00D4}"),
        ("iso-8859-3", [0xC0, 0xC5, 0xCA, 0xCF, 0xD4], "\u{00C0}\u{010A}\u{00CA}\u{00CF}\u{00D4}"),
        ("iso-8859-4", [0xC0, 0xC5, 0xCA, 0xCF, 0xD4], "\u{0100}\u{00C5}\u{0118}\u{012A}\u{00D4}"),
        ("iso-8859-5", [0xC0, 0xC5, 0xCA, 0xCF, 0xD4], "\u{0420}\u{0425}\u{042A}\u{042F}\u{0434}"),
        ("iso-8859-6", [0xC5, 0xCA, 0xCF, 0xD4, 0xD9], "\u{0625}\u{062A}\u{062F}\u{0634}\u{0639}"),
        ("iso-8859-7", [0xC0, 0xC5, 0xCA, 0xCF, 0xD4], "\u{0390}\u{0395}\u{039A}\u{039F}\u{03A4}"),
        ("iso-8859-8", [0xE3, 0xE8, 0xED, 0xF2, 0xF7], "\u{05D3}\u{05D8}\u{05DD}\u{05E2}\u{05E7}"),
        ("iso-8859-9", [0xC0, 0xC5, 0xCA, 0xCF, 0xD4], "\u{00C0}\u{00C5}\u{00CA}\u{00CF}\u{00D4}"),
        ("iso-8859-10", [0xC0, 0xC5, 0xCA, 0xCF, 0xD4], "\u{0100}\u{00C5}\u{0118}\u{00CF}\u{00D4}"),
        ("iso-8859-11", [0xC0, 0xC5, 0xCA, 0xCF, 0xD4], "\u{0E20}\u{0E25}\u{0E2A}\u{0E2F}\u{0E34}"),
        ("iso-8859-13", [0xC0, 0xC5, 0xCA, 0xCF, 0xD4], "\u{0104}\u{00C5}\u{0179}\u{013B}\u{014C}"),
        ("iso-8859-14", [0xC0, 0xC5, 0xCA, 0xCF, 0xD4], "\u{00C0}\u{00C5}\u{00CA}\u{00CF}\u{00D4}"),
        ("iso-8859-15", [0xA4, 0xC0, 0xC5, 0xCA, 0xCF], "\u{20AC}\u{00C0}\u{00C5}\u{00CA}\u{00CF}"),
        ("windows-1250", [0xC0, 0xC5, 0xCA, 0xCF, 0xD4], "\u{0154}\u{0139}\u{0118}\u{010E}\u{00D4}"),
        ("windows-1251", [0xC0, 0xC5, 0xCA, 0xCF, 0xD4], "\u{0410}\u{0415}\u{041A}\u{041F}\u{0424}"),
        ("windows-1252", [0x80, 0xC0, 0xC5, 0xCA, 0xCF], "\u{20AC}\u{00C0}\u{00C5}\u{00CA}\u{00CF}"),
        ("windows-1253", [0xC0, 0xC5, 0xCA, 0xCF, 0xD4], "\u{0390}\u{0395}\u{039A}\u{039F}\u{03A4}"),
        ("windows-1254", [0xC0, 0xC5, 0xCA, 0xCF, 0xD4], "\u{00C0}\u{00C5}\u{00CA}\u{00CF}\u{00D4}"),
        ("windows-1255", [0xC0, 0xC5, 0xCF, 0xD4, 0xE3], "\u{05B0}\u{05B5}\u{05BF}\u{05F0}\u{05D3}"),
        ("windows-1256", [0xC0, 0xC5, 0xCA, 0xCF, 0xD4], "\u{06C1}\u{0625}\u{062A}\u{062F}\u{0634}"),
        ("windows-1257", [0xC0, 0xC5, 0xCA, 0xCF, 0xD4], "\u{0104}\u{00C5}\u{0179}\u{013B}\u{014C}"),
        ("windows-1258", [0xC0, 0xC5, 0xCA, 0xCF, 0xD4], "\u{00C0}\u{00C5}\u{00CA}\u{00CF}\u{00D4}"),
    ] as [(String, [UInt8], String)])
    func singleByteCharsets(label: String, bytes: [UInt8], expected: String) {
        #expect(decode(bytes, label) == (expected, []))
    }

    @Test("label aliases resolve to the same decoder")
    func aliases() {
        #expect(Charset(label: "latin1") == Charset(label: "ISO-8859-1"))
        #expect(Charset(label: "iso8859-5") == Charset(label: "iso_8859-5:1988"))
        #expect(Charset(label: "cp1251") == Charset(label: "windows-1251"))
        #expect(Charset(label: "X-GBK") == .gb18030)
        #expect(Charset(label: nil) == .unknown8bit)
        #expect(Charset(label: "unknown-8bit") == .unknown8bit)
    }

    @Test("unknown-8bit and unlabelled bytes: UTF-8 when valid, else GB18030 with a warning")
    func guessing() {
        #expect(decode("拆迁补偿".utf8Bytes, "unknown-8bit") == ("拆迁补偿", []))
        #expect(decode("拆迁补偿".gbk, "unknown-8bit")
            == ("拆迁补偿", ["body: unknown-8bit text; decoded as GB18030"]))
        #expect(decode("拆迁补偿".gbk, nil) == ("拆迁补偿", ["body: unlabelled 8-bit text; decoded as GB18030"]))
    }

    @Test("wrong labels fall back with a warning")
    func wrongLabels() {
        #expect(decode("拖欠工资".gbk, "utf-8")
            == ("拖欠工资", ["body: labelled utf-8 but not valid UTF-8; decoded as GB18030"]))
        #expect(decode("拖欠工资".utf8Bytes, "gb2312")
            == ("拖欠工资", ["body: labelled gb2312 but holds UTF-8; decoded as UTF-8"]))
        #expect(decode("拖欠工资".utf8Bytes, "us-ascii")
            == ("拖欠工资", ["body: labelled us-ascii but holds 8-bit text; decoded as UTF-8"]))
        #expect(decode("拖欠工资".gbk, "x-unheard-of")
            == ("拖欠工资", ["body: unsupported charset x-unheard-of; decoded as GB18030"]))
    }

    @Test("undecodable bytes become U+FFFD, never a crash or an empty string")
    func lossy() {
        let (text, warnings) = decode([0xD6, 0xD0, 0xFF, 0xCE, 0xC4, 0x81], "gbk")
        #expect(text == "中\u{FFFD}文\u{FFFD}")
        #expect(warnings == ["body: labelled gbk but not valid GB18030; undecodable bytes replaced (decoded as GB18030)"])
        #expect(GB18030Lossy.decode([0x81, 0x30, 0x81][...]) == "\u{FFFD}0\u{FFFD}")
    }

    @Test("pure ASCII is ASCII whatever the label, and UTF-16 with a BOM decodes")
    func asciiAndUTF16() {
        #expect(decode(Array("hello".utf8), "big5") == ("hello", []))
        #expect(decode([0xFF, 0xFE, 0x2D, 0x4E, 0x87, 0x65], "utf-16") == ("中文", []))
    }

    @Test("GB18030 four-byte sequences (CJK Ext-A, emoji) decode")
    func fourByte() {
        #expect(decode("䶮🙏".gbk, "gb18030") == ("䶮🙏", []))
    }
}
