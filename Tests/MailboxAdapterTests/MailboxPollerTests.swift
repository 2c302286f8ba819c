import Foundation
import Logging
import MailboxAdapter
import MinqingCore
import MinqingCurl
import MinqingStore
import MinqingTesting
import Testing

@Suite("Mailbox poller against a real Dovecot", .enabled(if: Peers.imapRunnable, Comment(rawValue: Peers.imapHint)))
struct MailboxPollerTests {
    @Test("500 mixed messages are ingested exactly once, acknowledged once each, and moved to the processed folder")
    func fiveHundredExactlyOnce() async throws {
        try await MailboxHarness.with { h in
            let messages = SampleMail.mixed(500)
            for m in messages { try h.server.deliver(m) }
            let poller = h.poller()
            let started = ContinuousClock.now
            let report = try await poller.pollOnce()
            let elapsed = ContinuousClock.now - started
            print("mailbox: 500 messages polled in \(elapsed)")
            #expect(report.created == 500)
            #expect(report.redelivered == 0)
            #expect(report.items.map(\.uid) == Array(1...500))
            #expect(try await h.total() == 500)
            #expect(Set(report.items.map(\.receipt.caseID)).count == 500)
            #expect(try await h.store.mailboxCursor("office")?.lastUID == 500)
            #expect(try h.server.files(in: "INBOX").isEmpty)
            #expect(try h.server.files(in: "已登记", encodedName: MailboxHarness.processedMaildirName).count == 500)
            #expect(try await h.acknowledgements().count == 500)

            let again = try await poller.pollOnce()
            #expect(again.items.isEmpty)
            #expect(try await h.total() == 500)

            // Spot checks of what the cases hold.
            let html = try #require(report.items.first { $0.sourceRef == "mid:html-1@163.com" })
            let htmlCase = try #require(try await h.store.fetchCase(html.receipt.caseID))
            #expect(htmlCase.body.contains("河西村垃圾无人清运"))
            #expect(htmlCase.complainant == Complainant(name: "李四", email: "li1@163.com"))
            let attached = try #require(try await h.store.fetchCase(report.items[1].receipt.caseID))
            #expect(attached.attachments.map(\.filename) == ["照片2.jpg"])
            #expect(report.items.filter { $0.sourceRef.hasPrefix("sha256:") }.count == 63)
        }
    }

    @Test("the same message delivered again is no second case and no second acknowledgement")
    func redeliveryIsANoOp() async throws {
        try await MailboxHarness.with { h in
            try h.server.deliver(SampleMail.plain(1))
            let poller = h.poller(.flag("$MinqingRegistered"))
            let first = try await poller.pollOnce()
            try h.server.deliver(SampleMail.plain(1))
            let second = try await poller.pollOnce()
            #expect(first.created == 1)
            #expect(second.redelivered == 1 && second.created == 0)
            #expect(second.items.first?.receipt.caseID == first.items.first?.receipt.caseID)
            #expect(try await h.total() == 1)
            let acks = try await h.acknowledgements()
            #expect(acks.map(\.recipients) == [[Contact.complainantKey]])
            #expect(acks.first?.target == "email")
            #expect(try h.server.files(in: "INBOX").count == 2, "flag disposition leaves both copies in place")
            #expect(first.dispositionFailures == 0 && second.dispositionFailures == 0)
        }
    }

    @Test("two different messages that reuse one Message-ID are both stored; each redelivered is still one case")
    func reusedMessageID() async throws {
        try await MailboxHarness.with { h in
            try h.server.deliver(SampleMail.plain(1, messageID: "same@client"))
            try h.server.deliver(SampleMail.plain(2, messageID: "same@client"))
            let poller = h.poller()
            let first = try await poller.pollOnce()
            #expect(first.created == 2)
            #expect(first.items.map { $0.sourceRef.hasPrefix("sha256:") } == [false, true])
            try h.server.deliver(SampleMail.plain(1, messageID: "same@client"))
            try h.server.deliver(SampleMail.plain(2, messageID: "same@client"))
            let again = try await poller.pollOnce()
            #expect(again.redelivered == 2, "\(again.items) \(again.vanished)")
            #expect(try await h.total() == 2)
        }
    }

    @Test("replies to the hub's mail, [MQ-…] subjects and replies to an earlier letter join the case as follow-ups")
    func threading() async throws {
        try await MailboxHarness.with { h in
            try h.server.deliver(SampleMail.plain(1))
            let poller = h.poller()
            let original = try #require(try await poller.pollOnce().items.first?.receipt.caseID)
            let hubID = HubMessageID.make(caseID: original, token: "3f2a9c", domain: "qingshan.gov.cn")
            try h.server.deliver(SampleMail.plain(2, subject: "Re: 回执", inReplyTo: hubID))
            try h.server.deliver(SampleMail.plain(3, subject: "回复：[\(original)] 补充照片"))
            try h.server.deliver(SampleMail.plain(4, subject: "又一封", references: ["letter-1@qq.com"]))
            try h.server.deliver(SampleMail.plain(5, subject: "[MQ-20991231-0001] 编号不存在"))
            let report = try await poller.pollOnce()
            #expect(report.items.map(\.receipt.followUp) == [true, true, true, false])
            #expect(report.items.prefix(3).allSatisfy { $0.receipt.caseID == original })
            #expect(try await h.total() == 2)
            let trail = try await h.store.auditTrail(of: original)
            #expect(trail.map(\.action) == ["received", "message", "message", "message"])
            #expect(try await h.acknowledgements().count == 2, "follow-ups are not acknowledged again")
        }
    }

    @Test("with disposition leave, unread mail stays unread and read mail stays read")
    func leaveAsItWas() async throws {
        try await MailboxHarness.with { h in
            for n in 1...3 { try h.server.deliver(SampleMail.plain(n)) }
            let imap = IMAPClient(curl: h.curl, account: h.server.account)
            let uids = try await imap.searchUIDs(in: "INBOX", from: 1)
            try #require(uids.count == 3)
            try await imap.addFlags(["\\Seen"], uid: uids[1], in: "INBOX")
            let report = try await h.poller(.leave).pollOnce()
            #expect(report.created == 3)
            #expect(try await imap.searchUnseenUIDs(in: "INBOX", from: 1) == [uids[0], uids[2]])
            #expect(try await imap.searchUIDs(in: "INBOX", from: 1) == uids, "nothing moved or deleted")
        }
    }

    @Test("a UIDVALIDITY change re-scans the folder without duplicating what was stored")
    func uidValidityChange() async throws {
        try await MailboxHarness.with { h in
            for n in 1...3 { try h.server.deliver(SampleMail.plain(n)) }
            let first = try await h.poller(.leave).pollOnce()
            #expect(first.created == 3)
            let (status, output) = try await ChildProcess.run(
                Peers.doveadm!, ["-c", h.server.config.path, "mailbox", "update", "-u", h.server.user,
                                 "--uid-validity", "\(first.uidValidity &+ 1000)", "INBOX"])
            try #require(status == 0, "doveadm mailbox update: \(output)")
            try h.server.deliver(SampleMail.plain(4))
            let fresh = try CurlClient()  // a new session, as after the change a server drops the old ones
            let report = try await h.poller(.leave, curl: fresh).pollOnce()
            await fresh.shutdown()
            #expect(report.rescanned)
            #expect(report.uidValidity == first.uidValidity &+ 1000)
            #expect(report.redelivered == 3)
            #expect(report.created == 1)
            #expect(try await h.total() == 4)
            #expect(try await h.store.mailboxCursor("office") == MailboxCursor(mailbox: "office", uidValidity: report.uidValidity, lastUID: report.lastUID))
        }
    }

    @Test("an unparseable message becomes a flagged case with the raw message attached, and the next one is read")
    func unparseable() async throws {
        try await MailboxHarness.with { h in
            try h.server.deliver(SampleMail.garbage)
            try h.server.deliver(SampleMail.plain(2))
            let report = try await h.poller().pollOnce()
            #expect(report.items.map(\.unreadable) == [true, false])
            #expect(report.created == 2)
            let flagged = try #require(try await h.store.fetchCase(report.items[0].receipt.caseID))
            #expect(flagged.flags.contains(.unreadableMessage))
            #expect(flagged.body.contains("无法正常解析"))
            let raw = try #require(flagged.attachments.first { $0.filename == MailIntakeMapper.rawAttachmentName })
            #expect(try await h.store.attachmentData(sha256: raw.sha256) == Data(SampleMail.garbage))
            #expect(try h.server.files(in: "INBOX").isEmpty)
        }
    }
}

@Suite("Mailbox poller failures")
struct MailboxPollerFailureTests {
    @Test("an unreachable server is retried with growing back-off and reported in health, never thrown")
    func backoffOnConnectionFailure() async throws {
        let store = try SQLiteCaseStore(path: FileManager.default.temporaryDirectory
            .appendingPathComponent("minqing-backoff-\(UUID().uuidString)/l.sqlite").path)
        let curl = try CurlClient()
        let sleeper = RecordingSleeper()
        let clock = ManualClock(Date(iso: "2026-11-22T09:30:00+08:00"))
        let poller = MailboxPoller(
            settings: MailboxPollerSettings(name: "office", interval: 60, backoff: MailboxBackoff(base: 5, max: 30)),
            imap: IMAPClient(curl: curl, account: MailEndpoint(url: "imap://127.0.0.1:\(try FreePort.pick())", username: "u", password: "p")),
            intake: IntakeService(store: store), store: store, clock: clock, sleeper: sleeper,
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        let task = Task { try await poller.run() }
        var failures: [MailboxFailure] = []
        for await outcome in poller.outcomes {
            if case .failure(let f) = outcome { failures.append(f) }
            if failures.count == 4 { break }
        }
        task.cancel()
        _ = try? await task.value
        await curl.shutdown()
        #expect(failures.allSatisfy { $0.kind == .connection })
        #expect(Array(sleeper.delays.withLock { $0 }.prefix(4)) == [5, 10, 20, 30])
        let health = await poller.health
        #expect(health.consecutiveFailures >= 4)
        #expect(health.problem?.contains("连不上邮箱服务器") == true)
        #expect(health.nextAttempt != nil)
    }

    @Test("back-off doubles from its base up to the cap; login failures start higher")
    func backoffPolicy() {
        let b = MailboxBackoff(base: 5, max: 900, loginBase: 60)
        #expect((1...9).map { b.delay(afterFailures: $0, kind: .connection) } == [5, 10, 20, 40, 80, 160, 320, 640, 900])
        #expect(b.delay(afterFailures: 1, kind: .login) == 60)
        #expect(b.delay(afterFailures: 100, kind: .login) == 900)
    }
}
