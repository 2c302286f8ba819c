import Foundation
import Testing
@testable import MailboxAdapter

struct AttachmentTests {
    private func fixture(_ name: String, limits: MailParser.Limits = .init()) throws -> ParsedMail {
        MailParser(limits: limits).parse(try Fixtures.data(name))
    }

    @Test("size and sha256 match values computed independently (Python hashlib) from the fixture payloads")
    func knownDigests() throws {
        let foxmail = try fixture("04-foxmail-pollution-photo.eml").attachments
        #expect(foxmail.map(\.size) == [1558])
        #expect(foxmail.map(\.sha256) == ["311f226044ef1b41e76faa20b4c89d6dd6cc60d086654a6de275e06fb030fa32"])
        let forwarded = try fixture("13-forwarded-message-rfc822.eml").attachments
        #expect(forwarded.map(\.size) == [529])
        #expect(forwarded.map(\.sha256) == ["e53c4630b608d9cc0db37627319ca2ec945c1ec87df0ae5694aa9d82a9247869"])
    }

    @Test("data, size and digest of a small attachment")
    func smallAttachment() throws {
        let raw = TestBytes.mail(
            "Content-Type: multipart/mixed; boundary=b", "", "--b", "Content-Type: text/plain", "", "正文", "--b",
            "Content-Type: application/octet-stream; name=abc.bin", "Content-Transfer-Encoding: base64", "",
            "YWJj", "--b--", "")
        let attachment = try #require(MailParser().parse(raw).attachments.first)
        #expect(attachment == MailAttachment(
            filename: "abc.bin", contentType: "application/octet-stream", size: 3,
            sha256: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", data: Data("abc".utf8)))
    }

    @Test("over-limit attachments are listed with size and digest, flagged too large, without data")
    func tooLarge() throws {
        let mail = try fixture("04-foxmail-pollution-photo.eml", limits: .init(maxAttachmentBytes: 1000))
        let photo = try #require(mail.attachments.first)
        #expect(photo.tooLarge)
        #expect(photo.data == nil)
        #expect(photo.size == 1558)
        #expect(photo.sha256 == "311f226044ef1b41e76faa20b4c89d6dd6cc60d086654a6de275e06fb030fa32")
        #expect(mail.warnings == ["attachment 养殖场排污口.jpg: 1558 bytes exceeds the limit of 1000; data dropped"])
        #expect(try fixture("04-foxmail-pollution-photo.eml").attachments.first?.data?.count == 1558)
    }

    @Test("inline images of multipart/related are attachments with their Content-ID")
    func inlineImages() throws {
        let mail = try fixture("05-outlook-qp-related-inline-image.eml")
        let image = try #require(mail.attachments.first)
        #expect(image.isInline)
        #expect(image.contentID == "image001.jpg@01DA6F2C.8D1E4B20")
        #expect(mail.html?.contains("cid:image001.jpg@01DA6F2C.8D1E4B20") == true)
        #expect(try fixture("22-nested-mixed-related-cp936.eml").attachments.map(\.isInline) == [true, false])
    }

    @Test("a forwarded message/rfc822 stays one attachment whose subject is visible")
    func forwardedMessage() throws {
        let mail = try fixture("13-forwarded-message-rfc822.eml")
        let message = try #require(mail.attachments.first)
        #expect(mail.attachments.count == 1)
        #expect(message.contentType == "message/rfc822")
        #expect(message.messageSubject == "反映宏发砖厂拖欠工资问题")
        #expect(message.filename == "反映宏发砖厂拖欠工资问题.eml")
        let enclosed = MailParser().parse(try #require(message.data))
        #expect(enclosed.from?.name == "邓小龙")
        #expect(enclosed.text.hasPrefix("河东村村委会："))
    }

    @Test("file names lose leaked directories and control characters; unnamed parts get a generated name")
    func fileNames() {
        #expect(AttachmentName.resolve("C:\\Users\\张三\\Desktop\\材料.doc", contentType: "x/y", messageSubject: nil,
                                       ordinal: 1) == "材料.doc")
        #expect(AttachmentName.resolve("../../etc/passwd", contentType: "x/y", messageSubject: nil, ordinal: 1)
            == "passwd")
        #expect(AttachmentName.resolve("a\u{0}b\u{7}.txt", contentType: "x/y", messageSubject: nil, ordinal: 1)
            == "ab.txt")
        #expect(AttachmentName.resolve(nil, contentType: "image/png", messageSubject: nil, ordinal: 3)
            == "unnamed-3.png")
        #expect(AttachmentName.resolve("..", contentType: "x/y", messageSubject: nil, ordinal: 2) == "unnamed-2")
        #expect(AttachmentName.resolve(nil, contentType: "message/rfc822", messageSubject: "回复: a/b", ordinal: 1)
            == "回复: a_b.eml")
        #expect(AttachmentName.resolve(nil, contentType: "message/rfc822", messageSubject: "", ordinal: 1)
            == "forwarded-message.eml")
    }

    @Test("text parts that are attachment-disposed or named are attachments, not body")
    func textAttachments() {
        let raw = TestBytes.mail(
            "Content-Type: multipart/mixed; boundary=b", "", "--b", "Content-Type: text/plain; charset=utf-8", "",
            "正文", "--b", "Content-Type: text/plain; charset=utf-8", "Content-Disposition: attachment", "", "附件一",
            "--b", "Content-Type: text/html; name=\"page.html\"", "", "<p>附件二</p>", "--b--", "")
        let mail = MailParser().parse(raw)
        #expect(mail.text == "正文")
        #expect(mail.html == nil)
        #expect(mail.attachments.map(\.filename) == ["unnamed-1.txt", "page.html"])
    }
}
