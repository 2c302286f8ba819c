import Foundation
import MailboxAdapter
import MinqingCore
import MinqingDispatch
import MinqingStore
import MinqingTesting
import Testing

/// E-mail through a real SMTP server (aiosmtpd on loopback), read back with the hub's own MIME parser.
@Suite("E-mail target against a real SMTP server", .enabled(if: Peers.smtpRunnable, Comment(rawValue: Peers.smtpHint)),
       .timeLimit(.minutes(5)))
struct EmailTargetTests {
    static let t0 = Date(iso: "2026-11-23T09:00:00+08:00")

    func withSink(_ body: (SMTPSink, DispatchHarness) async throws -> Void) async throws {
        guard Peers.require(Peers.aiosmtpdInstalled, Peers.smtpHint) else { return }
        let sink = try await SMTPSink.start()
        let harness = try DispatchHarness(environment: ["MINQING_SMTP_URL": sink.url])
        do {
            try await body(sink, harness)
        } catch {
            Issue.record(error)
        }
        await sink.stop()
        await harness.shutdown()
    }

    @Test("a new case e-mails the village's 包村 cadre as UTF-8 MIME with text and HTML, numbers masked while nobody is assigned")
    func newCaseMail() async throws {
        try await withSink { sink, h in
            try await h.withDispatcher(clock: ManualClock(Self.t0)) {
                let receipt = try await h.store.ingest([DispatchHarness.message("mail-1")], at: Self.t0)[0].get()
                await h.records.wait { $0.contains { $0.attempt.target == "staff-email" } }
                let record = try #require(h.records.events.first { $0.attempt.target == "staff-email" })
                #expect(record.state == .delivered, "\(record)")
                #expect(record.attempt.detail?.hasPrefix("250") == true, "the server's reply is kept")
                let mails = try sink.received()
                try #require(mails.count == 1)
                let village = try #require(h.config.directory.villages.first { $0.name == "青山村" })
                let cadre = try #require(h.config.directory.person(village.cadre))
                #expect(mails[0].recipients == [cadre.email!])
                #expect(mails[0].from == "qunzhong@qingshan.gov.cn")
                let raw = String(decoding: mails[0].data, as: UTF8.self)
                #expect(raw.contains("Subject: =?UTF-8?B?"), "non-ASCII subject is RFC 2047 encoded")
                #expect(raw.contains("Content-Type: multipart/alternative"))
                #expect(!raw.contains("张秀英"), "no raw UTF-8 in headers or bodies (base64 parts)")
                let parsed = MailParser().parse(Data(mails[0].data))
                #expect(parsed.subject.hasPrefix("[\(receipt.caseID)] 【新案件】\(receipt.caseID) 垃圾清运"))
                #expect(parsed.from?.name == "青山镇群工办")
                #expect(parsed.to.map(\.address) == [cadre.email!])
                #expect(parsed.to.first?.name == cadre.name)
                #expect(!parsed.text.contains("13812345678") && !parsed.text.contains("张秀英") && parsed.text.contains("138＊＊＊＊78"),
                        "nobody is assigned to a new case yet: the 包村 cadre's e-mail has the numbers masked")
                #expect(parsed.html?.contains("<strong>编号</strong>") == true)
                #expect(parsed.date == Self.t0)
                let messageID = try #require(parsed.messageID)
                #expect(HubMessageID.caseID(in: messageID) == receipt.caseID, "a reply threads back to the case")
            }
        }
    }

    @Test("a citizen's letter by e-mail gets one receipt with the case number, masked nowhere and sent once")
    func acknowledgement() async throws {
        try await withSink { sink, h in
            var message = DispatchHarness.message("<20261123.abc@qq.com>")
            message.channel = .mailbox
            message.complainant.email = "zhangxiuying@qq.com"
            try await h.withDispatcher(clock: ManualClock(Self.t0)) {
                let receipt = try await h.store.ingest([message], at: Self.t0)[0].get()
                _ = try await h.store.ingest([message], at: Self.t0.addingTimeInterval(60))
                await h.records.wait { $0.filter { $0.attempt.target == "staff-email" }.count == 2 }
                let mails = try sink.received()
                let receipts = mails.filter { $0.recipients == ["zhangxiuying@qq.com"] }
                try #require(receipts.count == 1, "one receipt, even after a redelivery")
                let parsed = MailParser().parse(Data(receipts[0].data))
                #expect(parsed.subject.contains("\(receipt.caseID)"))
                #expect(parsed.text.contains("编号为 \(receipt.caseID)"))
            }
        }
    }

    @Test("a recipient the case is about is left out; with nobody left the e-mail is dead-lettered with the reason")
    func conflictOfInterest() async throws {
        try await withSink { sink, h in
            let cadre = try #require(h.config.directory.villages.first { $0.name == "青山村" }?.cadre)
            try await h.withDispatcher(clock: ManualClock(Self.t0)) {
                let receipt = try await h.store.ingest([DispatchHarness.message("about-cadre")], at: Self.t0)[0].get()
                _ = try await h.store.apply(.classify(Classification(concerns: [cadre])), to: receipt.caseID, actor: "wang-li",
                                            expectedVersion: nil, at: Self.t0)
                await h.records.wait { $0.contains { $0.attempt.target == "staff-email" } }
            }
            let record = try #require(h.records.events.first { $0.attempt.target == "staff-email" })
            #expect(record.state == .dead && record.attempt.result == .suppressed)
            #expect(record.lastError?.contains("回避") == true)
            #expect(try sink.received().isEmpty)
        }
    }
}

/// A mailbox case's reply goes back to the citizen in the thread of their own letter.
@Suite("E-mail replies to citizens", .enabled(if: Peers.smtpRunnable, Comment(rawValue: Peers.smtpHint)), .timeLimit(.minutes(5)))
struct CitizenEmailTests {
    static let t0 = Date(iso: "2026-11-23T09:00:00+08:00")

    @Test("the receipt and the reply to a letter by e-mail go to its sender with In-Reply-To and References naming the original Message-ID, nothing internal in them")
    func replyThreads() async throws {
        guard Peers.require(Peers.aiosmtpdInstalled, Peers.smtpHint) else { return }
        let sink = try await SMTPSink.start()
        let h = try DispatchHarness(environment: ["MINQING_SMTP_URL": sink.url])
        var message = DispatchHarness.message("mid:20261123093015.4F2A@qq.com")
        message.channel = .mailbox
        message.complainant.email = "zhangxiuying@qq.com"
        try await h.withDispatcher(clock: ManualClock(Self.t0)) {
            let id = try await h.store.ingest([message], at: Self.t0)[0].get().caseID
            try await CitizenMessageTests.reply(h, id)
            await h.records.wait { records in
                records.filter { $0.attempt.target == "staff-email" && $0.state == .delivered }.count >= 4
            }
            let toCitizen = try sink.received().filter { $0.recipients == ["zhangxiuying@qq.com"] }
            let replies = toCitizen.filter { String(decoding: $0.data, as: UTF8.self).contains("In-Reply-To:") }
            // staff-email: new case to the cadre, the receipt (mailbox acknowledgement), the assignment, the reply.
            try #require(toCitizen.count == 2 && replies.count == 2, "receipt and reply, both in the sender's thread")
            let receiptRaw = String(decoding: try #require(toCitizen.first { MailParser().parse(Data($0.data)).text.contains("已于") }).data,
                                    as: UTF8.self)
            #expect(receiptRaw.contains("In-Reply-To: <20261123093015.4F2A@qq.com>\r\n"))
            #expect(receiptRaw.contains("References: <20261123093015.4F2A@qq.com>\r\n"))
            let receipt = MailParser().parse(Data(receiptRaw.utf8))
            #expect(HubMessageID.caseID(in: try #require(receipt.messageID)) == id, "an answer to the receipt threads back to the case")
            for secret in ["陈志强", "孙伟", "11010519491231002X", "/console/"] {
                #expect(!receipt.text.contains(secret), "「\(secret)」must not be in the receipt")
            }
            let reply = try #require(toCitizen.map { MailParser().parse(Data($0.data)) }.first { $0.text.contains("答复如下") })
            let raw = String(decoding: try #require(toCitizen.first { MailParser().parse(Data($0.data)).text.contains("答复如下") }).data, as: UTF8.self)
            #expect(raw.contains("In-Reply-To: <20261123093015.4F2A@qq.com>\r\n"))
            #expect(raw.contains("References: <20261123093015.4F2A@qq.com>\r\n"))
            #expect(HubMessageID.caseID(in: try #require(reply.messageID)) == id, "the citizen's next answer threads back to the case")
            #expect(reply.subject.contains(id.description))
            #expect(reply.text.contains("经核查，村口垃圾已于11月24日清运完毕"))
            #expect(reply.text.contains("/status"), "how to look it up and rate it")
            for secret in ["陈志强", "孙伟", "内部备注", "王主任", "11010519491231002X", "/console/"] {
                #expect(!reply.text.contains(secret) && !(reply.html ?? "").contains(secret), "「\(secret)」must not reach the citizen")
            }
        }
        await sink.stop()
        await h.shutdown()
    }
}
