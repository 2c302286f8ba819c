import Foundation
import Testing
@testable import MailboxAdapter

struct EncodedWordTests {
    private func decode(_ raw: [UInt8]) -> (String, [String]) {
        var log = WarningLog()
        let text = EncodedWords.decode(raw[...], context: "Subject", log: &log)
        return (text, log.messages)
    }

    private func decode(_ raw: String) -> (String, [String]) { decode(raw.utf8Bytes) }

    @Test("a UTF-8 character split across two B-words is joined before decoding")
    func joinsSplitUTF8Character() {
        let bytes = "中文".utf8Bytes  // E4 B8 AD | E6 96 87
        let raw = "=?UTF-8?B?\(bytes[..<4].base64)?= =?UTF-8?B?\(bytes[4...].base64)?="
        #expect(decode(raw).0 == "中文")
        #expect(decode(raw).1.isEmpty)
    }

    @Test("a GBK character split across two B-words and two Q-words is joined before decoding")
    func joinsSplitGBKCharacter() {
        let bytes = "堃镕".gbk
        #expect(decode("=?GBK?B?\(bytes[..<1].base64)?=\r\n =?GBK?B?\(bytes[1...].base64)?=").0 == "堃镕")
        let q = bytes.map { String(format: "=%02X", $0) }
        #expect(decode("=?gb2312?Q?\(q[0])?= =?gb2312?Q?\(q[1...].joined())?=").0 == "堃镕")
    }

    @Test("base64 text split mid-quantum across words is joined as text")
    func joinsBase64SplitMidQuantum() {
        #expect(decode("=?UTF-8?B?5Lit5p?= =?UTF-8?B?aH?=").0 == "中文")
    }

    @Test("whitespace between encoded-words is dropped, whitespace next to text is kept")
    func whitespaceRules() {
        #expect(decode("Re: =?UTF-8?B?5Lit?=  =?UTF-8?B?5paH?= end").0 == "Re: 中文 end")
        #expect(decode("=?GBK?B?1tA=?= =?UTF-8?B?5paH?=").0 == "中文")  // different charsets: still no space
        #expect(decode("a =?UTF-8?Q?b?= c").0 == "a b c")
    }

    @Test("encoded-words glued to text or to each other are recognised")
    func gluedWords() {
        #expect(decode("Re:=?GBK?B?1tA=?==?GBK?B?zsQ=?=").0 == "Re:中文")
    }

    @Test("lower-case markers, RFC 2231 language suffix and Q underscores")
    func variants() {
        #expect(decode("=?utf-8*zh-cn?q?=E4=B8=AD_=E6=96=87?=").0 == "中 文")
        #expect(decode("=?utf-8?b?5Lit?=").0 == "中")
    }

    @Test("malformed encoded-words stay literal and never crash")
    func malformedWords() {
        #expect(decode("=?GBK?B?1tA").0 == "=?GBK?B?1tA")
        #expect(decode("=?GBK?X?abc?=").0 == "=?GBK?X?abc?=")
        #expect(decode("=??B?abc?=").0 == "=??B?abc?=")
        #expect(decode("=?").0 == "=?")
        #expect(decode("=?UTF-8?B?@@@@?=").1 == ["Subject: malformed base64 in encoded-word"])
    }

    @Test("raw 8-bit header text: UTF-8 silently, GBK with a warning")
    func rawEightBit() {
        #expect(decode("关于低保".utf8Bytes) == ("关于低保", []))
        let (text, warnings) = decode("关于低保".gbk)
        #expect(text == "关于低保")
        #expect(warnings == ["Subject: unlabelled 8-bit text; decoded as GB18030"])
    }

    @Test("an encoded-word whose label is wrong falls back with a warning")
    func wrongLabelInWord() {
        let (text, warnings) = decode("=?utf-8?B?\("低保".gbk.base64)?=")
        #expect(text == "低保")
        #expect(warnings == ["Subject: labelled utf-8 but not valid UTF-8; decoded as GB18030"])
    }

    @Test("tabs and line breaks become spaces, the result is trimmed")
    func cleanup() {
        #expect(decode("  a\tb  ").0 == "a b")
    }
}
