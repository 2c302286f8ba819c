import Foundation
import MailboxAdapter
import MinqingCore
import Testing

@Suite("Mail to inbound message")
struct MailIntakeTests {
    let mapper = MailIntakeMapper()

    func mail(_ lines: [String]) -> Data { Data(lines.joined(separator: "\r\n").utf8) }

    @Test("a message with a Message-ID is keyed by it; without one, by the hash of its bytes")
    func sourceRefs() {
        let with = mail(["From: a@b.cn", "Message-ID: <x1@qq.com>", "Subject: s", "", "正文"])
        #expect(mapper.message(from: with).message.sourceRef == "mid:x1@qq.com")
        let without = mail(["From: a@b.cn", "Subject: s", "", "正文"])
        let ref = mapper.message(from: without).message.sourceRef
        #expect(ref.hasPrefix("sha256:") && ref.count == 7 + 64)
        #expect(mapper.message(from: mail(["From: a@b.cn", "Subject: s", "", "正文2"])).message.sourceRef != ref)
    }

    @Test("the sender's name and address become the complainant; channel is mailbox; the raw bytes are kept")
    func complainant() {
        let raw = mail(["From: =?UTF-8?B?546L5aSn5aiY?= <wang@qq.com>", "Message-ID: <x2@qq.com>", "Subject: 路灯", "", "路灯坏了"])
        let m = mapper.message(from: raw).message
        #expect(m.complainant == Complainant(name: "王大娘", email: "wang@qq.com"))
        #expect(m.channel == .mailbox)
        #expect(m.raw == raw)
        #expect(m.flags.isEmpty)
        #expect(m.body == "路灯坏了")
    }

    @Test("an attachment over the limit is named in the body and not stored")
    func tooLargeAttachment() {
        let small = MailIntakeMapper(parser: MailParser(limits: .init(maxAttachmentBytes: 10)))
        let raw = mail(["From: a@b.cn", "Message-ID: <x3@qq.com>", "Subject: s", "Content-Type: multipart/mixed; boundary=b", "",
                        "--b", "Content-Type: text/plain; charset=utf-8", "", "见附件", "--b",
                        "Content-Type: application/pdf; name=big.pdf", "Content-Transfer-Encoding: base64", "",
                        Data(repeating: 7, count: 100).base64EncodedString(), "--b--", ""])
        let m = small.message(from: raw).message
        #expect(m.attachments.isEmpty)
        #expect(m.body.contains("「big.pdf」") && m.body.contains("超过大小上限"))
    }

    @Test("a message with no headers and no content is flagged unreadable with the raw attached")
    func unreadable() {
        let raw = Data([0xFF, 0xFE, 0x01, 0x02, 0x80])
        let m = mapper.message(from: raw).message
        #expect(m.flags == [.unreadableMessage])
        #expect(m.attachments.map(\.filename) == [MailIntakeMapper.rawAttachmentName])
        #expect(m.attachments.first?.data == raw)
        #expect(throws: Never.self) { try m.validate() }
    }

    @Test("thread hints: hub Message-IDs in In-Reply-To/References and [case id] or 【case id】 in the subject")
    func threadHints() {
        let id = CaseID("MQ-20261122-0042")!
        let hub = HubMessageID.make(caseID: id, token: "abc-1", domain: "qingshan.gov.cn")
        #expect(HubMessageID.caseID(in: "<\(hub)>") == id)
        #expect(HubMessageID.caseID(in: "letter-1@qq.com") == nil)
        let reply = ParsedMail(inReplyTo: "other@qq.com", references: [hub, "other@qq.com"], subject: "回复")
        #expect(MailThreadHints(mail: reply).namedCase == id)
        #expect(MailThreadHints(mail: reply).referencedIDs == ["other@qq.com", hub])
        let tagged = ParsedMail(subject: "回复：【MQ-20261122-0042】补充 [不是编号]")
        #expect(MailThreadHints(mail: tagged).subjectCases == [id])
        #expect(MailThreadHints(mail: ParsedMail(subject: "普通来信")).namedCase == nil)
    }
}

@Suite("Acknowledgement")
struct AcknowledgementTests {
    static let now = Date(timeIntervalSince1970: 1_795_000_000)

    func change(channel: Channel = .mailbox, email: String? = "wang@qq.com", action: String = "received", before: Bool = false) -> CaseChange {
        var record = CaseRecord(id: CaseID("MQ-20261122-0042")!, channel: channel, sourceRef: "mid:x", receivedAt: Self.now,
                                registeredAt: Self.now, complainant: Complainant(name: "王大娘", email: email), subject: "路灯不亮", body: "…")
        record.version = 1
        let event = AuditEvent(caseID: record.id, at: Self.now, actor: "intake:mailbox", action: action, from: nil, to: .received, details: [:])
        return CaseChange(before: before ? record : nil, after: record, event: event)
    }

    @Test("a new mailbox case with a sender address gets one receipt to its complainant on the configured target")
    func fires() {
        #expect(AcknowledgementPlanner(target: "office-smtp").plan(for: change())
            == [OutboxDraft(target: "office-smtp", event: "case.acknowledged", recipients: [Contact.complainantKey])])
    }

    @Test("no receipt when disabled, for other channels, without an address, or for follow-ups and transitions")
    func doesNotFire() {
        let planner = AcknowledgementPlanner()
        #expect(AcknowledgementPlanner(enabled: false).plan(for: change()).isEmpty)
        #expect(planner.plan(for: change(channel: .webform)).isEmpty)
        #expect(planner.plan(for: change(email: nil)).isEmpty)
        #expect(planner.plan(for: change(action: "message", before: true)).isEmpty)
        #expect(planner.plan(for: change(action: "accept", before: true)).isEmpty)
        var optedOut = change()
        optedOut.after.citizenOptOut = true
        #expect(planner.plan(for: optedOut).isEmpty, "a sender who asked for no messages gets no receipt")
    }
}
