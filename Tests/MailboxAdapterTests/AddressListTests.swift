import Foundation
import Testing
@testable import MailboxAdapter

struct AddressListTests {
    private func parse(_ raw: [UInt8]) -> ([MailAddress], [String]) {
        var log = WarningLog()
        let list = AddressList.parse(raw[...], context: "To", log: &log)
        return (list, log.messages)
    }

    private func parse(_ raw: String) -> [MailAddress] { parse(raw.utf8Bytes).0 }

    @Test("display names that are encoded-words, inside or outside quotes")
    func encodedWordNames() {
        let gbk = "张德福".gbk.base64
        #expect(parse("=?GBK?B?\(gbk)?= <a@qq.com>") == [MailAddress(name: "张德福", address: "a@qq.com")])
        #expect(parse("\"=?GBK?B?\(gbk)?=\" <a@qq.com>") == [MailAddress(name: "张德福", address: "a@qq.com")])
    }

    @Test("quoted names containing commas do not split the list")
    func quotedCommas() {
        #expect(parse("\"石桥镇人民政府, 民情信箱\" <mqxx@x.cn>, \"李四, 综治办\" <lisi@x.cn>, c@x.cn") == [
            MailAddress(name: "石桥镇人民政府, 民情信箱", address: "mqxx@x.cn"),
            MailAddress(name: "李四, 综治办", address: "lisi@x.cn"),
            MailAddress(name: nil, address: "c@x.cn"),
        ])
    }

    @Test("raw GBK names, quoted or not, decode with one warning")
    func rawGBKNames() {
        let raw = "李秀兰".gbk + Array(" <lxl@sina.com>, \"".utf8) + "王主任, 办公室".gbk + Array("\" <w@x.cn>".utf8)
        let (list, warnings) = parse(raw)
        #expect(list == [MailAddress(name: "李秀兰", address: "lxl@sina.com"),
                         MailAddress(name: "王主任, 办公室", address: "w@x.cn")])
        #expect(warnings == ["To: unlabelled 8-bit text; decoded as GB18030"])
    }

    @Test("groups, comments, bare addresses and empty groups")
    func otherForms() {
        #expect(parse("村委会: a@x.cn, \"B\" <b@x.cn>;, c@x.cn") == [
            MailAddress(name: nil, address: "a@x.cn"), MailAddress(name: "B", address: "b@x.cn"),
            MailAddress(name: nil, address: "c@x.cn"),
        ])
        #expect(parse("zhangsan@163.com (张三)") == [MailAddress(name: "张三", address: "zhangsan@163.com")])
        #expect(parse("undisclosed-recipients:;").isEmpty)
        #expect(parse("<only@x.cn>") == [MailAddress(name: nil, address: "only@x.cn")])
        #expect(parse("'王五' <w@x.cn>") == [MailAddress(name: "王五", address: "w@x.cn")])
    }

    @Test("a name written before a bare address is still a name")
    func nameWithoutAngles() {
        #expect(parse("张三 zhangsan@163.com") == [MailAddress(name: "张三", address: "zhangsan@163.com")])
    }

    @Test("entries without an address are skipped with a warning")
    func noAddress() {
        let (list, warnings) = parse(Array("村委会, a@x.cn".utf8))
        #expect(list == [MailAddress(name: nil, address: "a@x.cn")])
        #expect(warnings == ["To: \"村委会\" is not an address; skipped"])
    }

    @Test("a message's From, To and Cc come from the address parser; several To fields are merged")
    func throughParser() {
        let mail = MailParser().parse(TestBytes.mail(
            "From: =?UTF-8?B?\("赵志明".utf8Bytes.base64)?= <z@x.cn>", "To: a@x.cn", "To: b@x.cn",
            "Cc: \"李四, 综治办\" <lisi@x.cn>", "", "正文"))
        #expect(mail.from == MailAddress(name: "赵志明", address: "z@x.cn"))
        #expect(mail.to.map(\.address) == ["a@x.cn", "b@x.cn"])
        #expect(mail.cc == [MailAddress(name: "李四, 综治办", address: "lisi@x.cn")])
    }
}
