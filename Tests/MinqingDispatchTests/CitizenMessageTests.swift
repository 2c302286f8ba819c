import Foundation
import MinqingCore
import MinqingDispatch
import MinqingStore
import MinqingTesting
import Testing

/// The reply reaches the citizen: the example township's `citizen-sms` target (Tencent Cloud SMS) pointed at a
/// real loopback receiver, cases stored in a real SQLite ledger and driven through the dispatcher.
@Suite("Messages to citizens (receipt and reply by SMS, opt-out, timeline)", .timeLimit(.minutes(5)))
struct CitizenMessageTests {
    static let t0 = Date(iso: "2026-11-23T09:00:00+08:00")
    static let verifier = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Adapters/Outbound/SMS/Tests/Fixtures/verify_sms_signature.py")
    static let secretID = "AKIDqingshan0123456789EXAMPLE"
    static let secretKey = "qingshan-sms-secret-key-EXAMPLE"
    static let ok = #"{"Response":{"SendStatusSet":[{"SerialNo":"5000:1","PhoneNumber":"+8613812345678","Fee":1,"SessionContext":"","Code":"Ok","Message":"send success","IsoCode":"CN"}],"RequestId":"r1"}}"#

    func withSMS(_ body: (LoopbackHTTPReceiver, DispatchHarness) async throws -> Void) async throws {
        let receiver = try await LoopbackHTTPReceiver.start { _ in .json(Self.ok) }
        let harness = try DispatchHarness(environment: [
            "MINQING_SMS_URL": receiver.url("/"), "MINQING_SMS_SECRET_ID": Self.secretID, "MINQING_SMS_SECRET_KEY": Self.secretKey,
            "MINQING_WEBHOOK_URL": receiver.url("/county"),
        ])
        do { try await body(receiver, harness) } catch { Issue.record(error) }
        await receiver.stop()
        await harness.shutdown()
    }

    /// Accepted, assigned to 陈志强 under 孙伟, started and replied.
    static func reply(_ h: DispatchHarness, _ id: CaseID) async throws {
        let actions: [CaseAction] = [
            .accept(note: nil),
            .assign(Assignment(leader: "sun-wei", staff: "chen-zhiqiang", deadline: t0.addingTimeInterval(15 * 86_400))),
            .start,
            .note(text: "内部备注：王主任说先别告诉群众费用由谁出。"),
            .reply(outcome: .resolved, text: "经核查，村口垃圾已于11月24日清运完毕，今后每周二、五各清运一次。"),
        ]
        for action in actions {
            _ = try await h.store.apply(action, to: id, actor: "wang-li", expectedVersion: nil, at: t0)
        }
    }

    /// The requests that reached the SMS gateway (the county webhook shares the receiver).
    func sms(_ receiver: LoopbackHTTPReceiver) -> [LoopbackHTTPReceiver.RecordedRequest] {
        receiver.snapshot.requests.filter { $0.header("X-TC-Action") == "SendSms" }
    }

    func requests(_ receiver: LoopbackHTTPReceiver, template: String) -> [LoopbackHTTPReceiver.RecordedRequest] {
        sms(receiver).filter {
            ((try? JSONSerialization.jsonObject(with: Data($0.body))) as? [String: Any])?["TemplateId"] as? String == template
        }
    }

    @Test("a web-form case gets a receipt and then the reply by SMS, signed so that Tencent's own SDK verifies it, with nothing internal in it")
    func receiptAndReply() async throws {
        try await withSMS { receiver, h in
            let id = try await h.withDispatcher(clock: ManualClock(Self.t0)) { () -> CaseID in
                let receipt = try await h.store.ingest([DispatchHarness.message("form-sms-1")], at: Self.t0)[0].get()
                await h.records.wait { $0.contains { $0.attempt.target == "citizen-sms" } }
                try await Self.reply(h, receipt.caseID)
                await h.records.wait { $0.filter { $0.attempt.target == "citizen-sms" && $0.state == .delivered }.count == 2 }
                return receipt.caseID
            }
            let receipts = requests(receiver, template: "2000001"), replies = requests(receiver, template: "2000002")
            try #require(receipts.count == 1 && replies.count == 1, "one receipt, one reply")
            let body = try #require(try JSONSerialization.jsonObject(with: Data(replies[0].body)) as? [String: Any])
            #expect(body["PhoneNumberSet"] as? [String] == ["+8613812345678"])
            #expect(body["SignName"] as? String == "青山镇群工办")
            let params = try #require(body["TemplateParamSet"] as? [String])
            #expect(params.first == id.description)
            #expect(params[1].hasPrefix("经核查，村口垃圾已于11月24日清运完毕") && params[1].count <= 35)
            #expect(params[2].count == 8 && params[2].allSatisfy(\.isNumber), "the /status lookup code, to read the reply and rate it")
            for request in sms(receiver) {
                let text = request.bodyText
                for secret in ["陈志强", "chen-zhiqiang", "孙伟", "sun-wei", "王主任", "内部备注", "张秀英", "11010519491231002X", "form-sms-1", "wang-li"] {
                    #expect(!text.contains(secret), "「\(secret)」must not reach the citizen")
                }
                if SMSVendorSDK.python != nil {
                    let check = try SMSVendorSDK.verify(script: Self.verifier, vendor: .tencent, method: request.method, uri: request.uri,
                                                        headers: request.headers, body: request.body, secretID: Self.secretID, secretKey: Self.secretKey)
                    #expect(check.ok, "Tencent SDK: \(check.output)")
                } else if Peers.isCI {
                    Issue.record("missing test peer (CI=true): \(SMSVendorSDK.hint)")
                }
            }
            // Both messages are outbox rows of the case: the case page lists them with their attempts.
            let rows = try await h.store.caseNotifications(id).filter { $0.entry.target == "citizen-sms" }
            #expect(rows.map(\.entry.event).sorted() == ["case.created", "case.replied"])
            #expect(rows.allSatisfy { $0.entry.state == .delivered && $0.attempts.count == 1 && $0.entry.recipients == [Contact.complainantKey] },
                    "the outbox names the complainant, never their number")
        }
    }

    @Test("a citizen who ticks 不用短信通知我 gets no receipt and no reply; staff notifications still go out")
    func optOutAtIntake() async throws {
        try await withSMS { receiver, h in
            var message = DispatchHarness.message("form-sms-2")
            message.citizenOptOut = true
            let receipt = try await h.store.ingest([message], at: Self.t0)[0].get()
            try await Self.reply(h, receipt.caseID)
            let rows = try await h.store.caseNotifications(receipt.caseID)
            #expect(rows.contains { $0.entry.target == "county-webhook" }, "staff systems are still notified")
            #expect(!rows.contains { $0.entry.target == "citizen-sms" || Contact.isCitizen($0.entry.recipients) })
            #expect(try await h.store.fetchCase(receipt.caseID)?.citizenOptOut == true)
            #expect(sms(receiver).isEmpty)
        }
    }

    @Test("a clerk's opt-out stops the reply, and a row written before the opt-out is not sent either")
    func optOutByClerk() async throws {
        try await withSMS { receiver, h in
            let receipt = try await h.store.ingest([DispatchHarness.message("form-sms-3")], at: Self.t0)[0].get()
            // The receipt row exists (written at intake, not yet sent); the clerk records the opt-out, then replies.
            _ = try await h.store.apply(.classify(Classification(citizenOptOut: true)), to: receipt.caseID, actor: "wang-li",
                                        expectedVersion: nil, at: Self.t0)
            try await Self.reply(h, receipt.caseID)
            try await h.withDispatcher(clock: ManualClock(Self.t0)) {
                await h.records.wait { $0.contains { $0.attempt.target == "citizen-sms" } }
            }
            let rows = try await h.store.caseNotifications(receipt.caseID).filter { $0.entry.target == "citizen-sms" }
            #expect(rows.map(\.entry.event) == ["case.created"], "no reply row after the opt-out")
            #expect(rows.first?.entry.state == .dead && rows.first?.entry.lastError?.contains("不接收") == true)
            #expect(sms(receiver).isEmpty)
        }
    }

    @Test("without MINQING_SMS_URL the citizen-sms target is unconfigured and writes no rows")
    func unconfigured() async throws {
        let h = try DispatchHarness(environment: [:])
        #expect(h.setup.unconfigured.contains("citizen-sms"))
        let receipt = try await h.store.ingest([DispatchHarness.message("form-sms-4")], at: Self.t0)[0].get()
        #expect(try await !h.store.caseNotifications(receipt.caseID).contains { $0.entry.target == "citizen-sms" })
        await h.shutdown()
    }
}
