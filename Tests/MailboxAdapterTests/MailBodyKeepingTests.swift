import Foundation
import MinqingCore
import Testing
@testable import MailboxAdapter

/// Mail whose content used to be lost: the body only in a named text part, raw 8-bit headers in the message's own
/// charset, and a sender who wrote a name but no address.
@Suite("Mail bodies nothing loses")
struct MailBodyKeepingTests {
    let mapper = MailIntakeMapper()

    func bytes(_ lines: [String]) -> [UInt8] { Array(lines.joined(separator: "\r\n").utf8) }

    @Test("a message whose only text is a text/plain part with a file name uses that part as the body (and keeps it attached)")
    func namedPlainPartIsTheBody() {
        let raw = bytes([
            "From: 张秀英 <zxy@163.com>", "Subject: 反映问题", "Message-ID: <n1@163.com>",
            "Content-Type: multipart/mixed; boundary=\"b1\"", "", "--b1",
            "Content-Type: text/plain; charset=gbk; name=\"正文.txt\"", "Content-Disposition: attachment; filename=\"zhengwen.txt\"",
            "Content-Transfer-Encoding: base64", "", Data("青山村村口路灯坏了三天，晚上看不见路。".gbk).base64EncodedString(),
            "--b1", "Content-Type: image/jpeg; name=\"photo.jpg\"", "Content-Transfer-Encoding: base64", "", "/9j/4AAQ", "--b1--", "",
        ])
        let (message, mail) = mapper.message(from: Data(raw))
        #expect(mail.text == "青山村村口路灯坏了三天，晚上看不见路。")
        #expect(message.body == "青山村村口路灯坏了三天，晚上看不见路。")
        #expect(message.attachments.map(\.filename) == ["zhengwen.txt", "photo.jpg"])
        #expect(!message.flags.contains(.unreadableMessage))
    }

    @Test("an inline text body wins over a named text part")
    func inlineBodyWins() {
        let raw = bytes([
            "From: a@b.cn", "Subject: s", "Content-Type: multipart/mixed; boundary=b", "", "--b",
            "Content-Type: text/plain; charset=utf-8", "", "正文在这里", "--b",
            "Content-Type: text/plain; charset=utf-8; name=\"附件.txt\"", "", "附件内容", "--b--",
        ])
        #expect(MailParser().parse(Data(raw)).text == "正文在这里")
    }

    @Test("a raw 8-bit Big5 subject and name are decoded with the charset the message declares for its text, without a guess")
    func rawHeaderInDeclaredCharset() {
        let raw = Array("From: ".utf8) + "許文雄".big5 + Array(" <hsu@example.tw>\r\nSubject: ".utf8) + "臺灣鄉親來信".big5
            + bytes(["", "Content-Type: text/plain; charset=big5", "", ""]) + "路燈壞了".big5
        let mail = MailParser().parse(Data(raw))
        #expect(mail.subject == "臺灣鄉親來信")
        #expect(mail.from == MailAddress(name: "許文雄", address: "hsu@example.tw"))
        #expect(mail.text == "路燈壞了")
        #expect(!mail.warnings.contains { $0.contains("GB18030") }, "\(mail.warnings)")
    }

    @Test("without a declared charset a raw GBK subject is still guessed as before")
    func rawHeaderGuessedWithoutDeclaration() {
        let raw = Array("From: a@b.cn\r\nSubject: ".utf8) + "路灯坏了".gbk + Array("\r\n\r\nbody".utf8)
        let mail = MailParser().parse(Data(raw))
        #expect(mail.subject == "路灯坏了")
        #expect(mail.warnings.contains("Subject: unlabelled 8-bit text; decoded as GB18030"))
    }

    @Test("a From without an address keeps the display text as the complainant's name and is flagged",
          arguments: ["From: 张三", "From: \"李四\" <>", "From: =?UTF-8?B?546L5aSn5aiY?="])
    func fromWithoutAddress(_ from: String) {
        let raw = bytes([from, "Subject: 路灯", "Message-ID: <f1@x>", "", "路灯坏了"])
        let (message, mail) = mapper.message(from: Data(raw))
        #expect(mail.from == nil)
        let name = mail.fromDisplay
        #expect(["张三", "李四", "王大娘"].contains(name ?? ""))
        #expect(message.complainant.name == name)
        #expect(message.complainant.email == nil)
        #expect(message.flags == [.senderWithoutAddress])
        #expect(message.subject == "路灯")
        #expect(mail.warnings.contains { $0.hasPrefix("From: no address") })
    }

    @Test("a normal sender is not flagged")
    func normalSenderNotFlagged() {
        let (message, mail) = mapper.message(from: Data(bytes(["From: 张三 <zs@qq.com>", "Subject: s", "", "正文"])))
        #expect(mail.fromDisplay == nil && message.flags.isEmpty)
    }
}
