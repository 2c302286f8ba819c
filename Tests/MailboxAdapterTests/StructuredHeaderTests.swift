import Foundation
import Testing
@testable import MailboxAdapter

struct StructuredHeaderTests {
    private func parse(_ raw: [UInt8]) -> StructuredHeader {
        var log = WarningLog()
        return StructuredHeader.parse(raw[...], context: "Content-Disposition", log: &log)
    }

    private func parse(_ raw: String) -> StructuredHeader { parse(raw.utf8Bytes) }

    @Test("RFC 2231 extended value with a charset")
    func extendedValue() {
        let header = parse("attachment; filename*=UTF-8''%E4%B8%AD.pdf")
        #expect(header.value == "attachment")
        #expect(header.parameters["filename"] == "中.pdf")
        #expect(parse("attachment; filename*=GBK''%D6%D0%CE%C4.txt").parameters["filename"] == "中文.txt")
        #expect(parse("attachment; filename*=utf-8'zh-cn'%E4%B8%AD").parameters["filename"] == "中")
    }

    @Test("RFC 2231 continuations are joined as bytes, in section order, even when a character spans sections")
    func continuations() {
        let header = parse("attachment;\r\n filename*1*=%AD%E6%96%87.pdf;\r\n filename*0*=UTF-8''%E4%B8")
        #expect(header.parameters["filename"] == "中文.pdf")
        let mixed = parse("attachment; filename*0*=utf-8''%E6%8A%A5; filename*1=\"x.doc\"")
        #expect(mixed.parameters["filename"] == "报x.doc")
    }

    @Test("the RFC 2231 form wins over a plain parameter of the same name")
    func extendedWins() {
        let header = parse("attachment; filename=\"fallback.pdf\"; filename*=UTF-8''%E4%B8%AD.pdf")
        #expect(header.parameters["filename"] == "中.pdf")
    }

    @Test("the non-standard quoted encoded-word filename is decoded")
    func quotedEncodedWord() {
        let name = "拆迁补偿协议.pdf".gbk.base64
        #expect(parse("attachment; filename=\"=?GBK?B?\(name)?=\"").parameters["filename"] == "拆迁补偿协议.pdf")
        #expect(parse("attachment; filename==?GBK?B?\(name)?=").parameters["filename"] == "拆迁补偿协议.pdf")
    }

    @Test("a raw GBK quoted value is decoded; a GBK trail byte 0x5C is not an escape")
    func rawGBKValue() {
        #expect(parse(Array("attachment; filename=\"".utf8) + "申诉材料.doc".gbk + Array("\"".utf8))
            .parameters["filename"] == "申诉材料.doc")
        // 許 is B3 5C in Big5: the quote after it must still close the string.
        let raw = Array("attachment; filename=\"".utf8) + [0xB3, 0x5C] + Array("\"; size=12".utf8)
        let scanned = StructuredHeader.RawParameter.scan(raw, from: 10)
        #expect(scanned.first?.value == [0xB3, 0x5C])
        #expect(scanned.last == .init(name: "size", value: Array("12".utf8)))
    }

    @Test("quoted strings keep escaped quotes and semicolons; names are case-insensitive")
    func quoting() {
        let header = parse("Text/Plain; CHARSET=\"GB2312\"; Name=\"a\\\"b;c.txt\"; format=flowed")
        #expect(header.value == "text/plain")
        #expect(header.parameters["charset"] == "GB2312")
        #expect(header.parameters["name"] == "a\"b;c.txt")
        #expect(header.parameters["format"] == "flowed")
    }

    @Test("comments, missing separators and empty values do not break parsing")
    func sloppyInput() {
        #expect(parse("multipart/mixed (comment); boundary=abc").parameters["boundary"] == "abc")
        #expect(parse("text/plain charset=gbk").parameters["charset"] == "gbk")
        #expect(parse("text/plain; =x; charset=").parameters["charset"] == "")
        #expect(parse(";;;").value == "")
    }
}
