import Foundation
import Testing
@testable import MailboxAdapter

struct MultipartTests {
    @Test("multipart/alternative gives the plain part as text and keeps the HTML")
    func alternative() throws {
        let mail = MailParser().parse(try Fixtures.data("01-qq-gbk-land-dispute.eml"))
        #expect(mail.text.hasPrefix("尊敬的石桥镇领导："))
        #expect(mail.html?.contains("<div>") == true)
    }

    @Test("HTML-only mail is converted to text")
    func htmlOnly() throws {
        let mail = MailParser().parse(try Fixtures.data("11-html-only-web-form.eml"))
        #expect(mail.text.contains("姓名 黄伟"))
        #expect(!mail.text.contains("不应出现"))
        #expect(mail.html?.contains("<script") == true)
    }

    @Test("several inline text parts are joined with one blank line")
    func inlineTextParts() throws {
        let mail = MailParser().parse(try Fixtures.data("06-apple-mail-rfc2231-filename.eml"))
        #expect(mail.text.contains("足额支付工资。\n\n联系人：何长青"))
    }

    @Test("CRLF and bare LF line endings parse to the same mail", arguments: [
        "01-qq-gbk-land-dispute.eml", "05-outlook-qp-related-inline-image.eml", "12-thunderbird-rfc2231-continuations.eml",
        "16-crlf-sina-gbk-quoted-printable.eml", "17-bare-lf-iphone-reply.eml", "22-nested-mixed-related-cp936.eml",
    ])
    func lineEndings(name: String) throws {
        let original = [UInt8](try Fixtures.data(name))
        var lf: [UInt8] = []
        var index = 0
        while index < original.count {
            if original[index] == 0x0D, index + 1 < original.count, original[index + 1] == 0x0A { index += 1 }
            lf.append(original[index])
            index += 1
        }
        var crlf: [UInt8] = []
        for byte in lf {
            if byte == 0x0A { crlf.append(0x0D) }
            crlf.append(byte)
        }
        let fromLF = MailParser().parse(Data(lf))
        let fromCRLF = MailParser().parse(Data(crlf))
        #expect(fromLF.text == fromCRLF.text)
        #expect(fromLF.subject == fromCRLF.subject)
        #expect(fromLF.attachments.map(\.sha256) == fromCRLF.attachments.map(\.sha256))
        #expect(!fromLF.text.contains("\r"))
    }

    @Test("format=flowed text is unwrapped, delsp honoured, signature separator kept")
    func formatFlowed() {
        #expect(FormatFlowed.unflow("一二 \n三\n-- \n签名", deleteSpace: false) == "一二 三\n-- \n签名")
        #expect(FormatFlowed.unflow("一二 \n三", deleteSpace: true) == "一二三")
        #expect(FormatFlowed.unflow("> 引用 \n> 续\n正文", deleteSpace: false) == "> 引用 续\n正文")
        #expect(FormatFlowed.unflow(" stuffed", deleteSpace: false) == "stuffed")
    }

    @Test("message/rfc822 is the default type inside multipart/digest")
    func digest() {
        let raw = TestBytes.mail(
            "Content-Type: multipart/digest; boundary=d", "", "--d", "", "Subject: =?UTF-8?B?\("第一封".utf8Bytes.base64)?=",
            "", "一", "--d--", "")
        let mail = MailParser().parse(raw)
        #expect(mail.attachments.map(\.messageSubject) == ["第一封"])
    }

    @Test("a multipart body wrongly base64-encoded is decoded before splitting")
    func encodedMultipart() {
        let inner = "--x\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n正文\r\n--x--\r\n".utf8Bytes.base64
        let mail = MailParser().parse(TestBytes.mail(
            "Content-Type: multipart/mixed; boundary=x", "Content-Transfer-Encoding: base64", "", inner))
        #expect(mail.text == "正文")
        #expect(mail.warnings == ["multipart/mixed body has transfer encoding base64; decoded before splitting"])
    }

    @Test("a boundary that is a prefix of another boundary does not split the inner part")
    func prefixBoundaries() {
        let raw = TestBytes.mail(
            "Content-Type: multipart/mixed; boundary=abc", "", "--abc",
            "Content-Type: multipart/alternative; boundary=abc_1", "", "--abc_1", "Content-Type: text/plain", "",
            "inner", "--abc_1--", "--abc--", "")
        let mail = MailParser().parse(raw)
        #expect(mail.text == "inner")
        #expect(mail.warnings.isEmpty)
    }

    @Test("message ids lose their angle brackets; references keep their order")
    func messageIDs() throws {
        let mail = MailParser().parse(try Fixtures.data("17-bare-lf-iphone-reply.eml"))
        #expect(mail.messageID == "tencent_9E3C1A5B7D2F4E6A8C0B@qq.com")
        #expect(mail.inReplyTo == "reply-20240314102000.71a3@shiqiaozhen.gov.cn")
        #expect(mail.references == ["000501da74d8$8e4b1a30$aae14e90$@hedongcun.org.cn",
                                    "reply-20240314102000.71a3@shiqiaozhen.gov.cn"])
        #expect(MessageIDList.parse("no-brackets@x.cn".utf8Bytes[...]) == ["no-brackets@x.cn"])
    }
}
