import Foundation
import MailboxAdapter
import MinqingConfig
import MinqingCore
import MinqingDispatch
import MinqingStore
import MinqingTesting
import Testing

/// The privacy sweep (信访工作条例 第三十条; docs/privacy.md): one case whose citizen text holds every hostile form
/// — numbers written every way, a phishing link, mentions, HTML and markdown — is filed through the real intake on a
/// real SQLite ledger of the example township, the real dispatcher delivers it to real loopback receivers for every
/// target kind and to a real SMTP server, and then everything every receiver got is searched.
@Suite("Privacy sweep over everything every target received", .enabled(if: Peers.smtpRunnable, Comment(rawValue: Peers.smtpHint)),
       .timeLimit(.minutes(5)))
struct PrivacySweepTests {
    static let t0 = Date(iso: "2026-11-23T09:00:00+08:00")

    /// A number as the citizen wrote it, and the 4 characters at its end that a mask must never show.
    struct Hostile: Sendable {
        var written: String
        var digits: String
        var suffix: String { String(digits.suffix(4)) }
    }

    static let numbers: [Hostile] = [
        .init(written: "13812345678", digits: "13812345678"),
        .init(written: "139-2345-6789", digits: "13923456789"),
        .init(written: "137 3456 7890", digits: "13734567890"),
        .init(written: "+86 136 4567 8901", digits: "13645678901"),
        .init(written: "0086-135-5678-9012", digits: "13556789012"),
        .init(written: "１３４６７８９０１２３", digits: "13467890123"),
        .init(written: "一五九七八九〇一二三四", digits: "15978901234"),
        .init(written: "(0771) 123-4567", digits: "07711234567"),
        .init(written: "110105 19491231 002X", digits: "11010519491231002X"),
        .init(written: "43012419900315731x", digits: "43012419900315731X"),
        .init(written: "４４０５２４１８８００１０１００１４", digits: "440524188001010014"),
        .init(written: "三二〇一〇二一九八五〇六〇七四三二一", digits: "320102198506074321"),
    ]
    /// The complainant's own fields.
    static let phone = Hostile(written: "158 0000 1111", digits: "15800001111")
    static let idNumber = Hostile(written: "110101199001011237", digits: "110101199001011237")

    /// Markup, links and mentions of the citizen's that must not survive anywhere.
    static let markup = [
        "[点此核实]", "http://evil", "evil.example", "<@someone>", "@someone", "<font", "**紧急**", "@all",
        "<at ", "## 假通知", "![二维码]", "`sudo`", "www.phish",
    ]

    static func message() -> InboundMessage {
        let n = numbers.map(\.written)
        return InboundMessage(
            channel: .webform, sourceRef: "sweep-1",
            complainant: Complainant(name: "**张秀英**<@someone>", phone: phone.written, idNumber: idNumber.written),
            village: "青山村", category: "劳资",
            subject: "**紧急**工资拖欠 电话\(n[0]) <font color=red>速办</font>",
            body: """
                老板拖欠工资三个月。我的电话 \(n[1])，备用 \(n[2])，\(n[3])，\(n[4])，\(n[5])，\(n[6])，座机\(n[7])。
                身份证 \(n[8])；妻子 \(n[9])；父亲 \(n[10])；母亲 \(n[11])。
                ## 假通知
                [点此核实](http://evil.example/phish) ![二维码](http://evil.example/qr.png) 或访问 www.phish.example
                <@someone> @all <at user_id="all">所有人</at> <font color=red>**紧急**</font> `sudo`
                """)
    }

    /// Every target kind the township has, each on its own path: the example's group robots and webhook, a copy of
    /// the leaders' DingTalk group that is not private, and e-mail — of the new case (nobody assigned yet), of the
    /// assignment to the assigned people, and of the assignment to the village's 包村 cadre, who is not assigned
    /// to a 劳资 case.
    static func adjust(_ receiver: LoopbackHTTPReceiver) -> (inout HubConfig) -> Void {
        { config in
            var group = config.targets.first { $0.name == "leaders-dingtalk" }!
            group.name = "village-dingtalk"
            group.url = Secret(receiver.url("/dingtalk-group"))
            group.isPrivate = false
            group.members = []
            var cadreMail = config.targets.first { $0.name == "staff-email" }!
            cadreMail.name = "cadre-email"
            config.targets += [group, cadreMail]
            config.notifications = [
                NotificationRule(events: [.created], targets: createdTargets, recipients: [.responsible, .leader]),
                NotificationRule(events: [.assigned], targets: ["staff-email"], recipients: [.responsible, .leader]),
                NotificationRule(events: [.assigned], targets: ["cadre-email"], recipients: [.villageCadre]),
            ]
        }
    }

    static let createdTargets = ["county-webhook", "office-wecom", "leaders-dingtalk", "village-dingtalk", "cadres-feishu", "staff-email"]

    @Test("no number in any form and none of the citizen's links, markup or mentions reach any target; only the assigned people's e-mail and the private group carry the numbers")
    func sweep() async throws {
        guard Peers.require(Peers.aiosmtpdInstalled, Peers.smtpHint) else { return }
        let sink = try await SMTPSink.start()
        let receiver = try await LoopbackHTTPReceiver.start { request in
            request.uri.hasPrefix("/feishu") ? .json(#"{"code":0,"msg":"success"}"#)
                : request.uri.hasPrefix("/webhook") ? .json("{}") : .json(#"{"errcode":0,"errmsg":"ok"}"#)
        }
        let h = try DispatchHarness(environment: [
            "MINQING_WEBHOOK_URL": receiver.url("/webhook"), "MINQING_WEBHOOK_SECRET": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "MINQING_WECOM_URL": receiver.url("/wecom"), "MINQING_DINGTALK_URL": receiver.url("/dingtalk-leaders"),
            "MINQING_DINGTALK_SECRET": "SECtest", "MINQING_FEISHU_URL": receiver.url("/feishu"), "MINQING_FEISHU_SECRET": "feishu-test",
            "MINQING_SMTP_URL": sink.url,
        ], routed: true, adjust: Self.adjust(receiver))
        do {
            let clock = ManualClock(Self.t0)
            let village = try #require(h.config.directory.villages.first { $0.name == "青山村" })
            let cadreEmail = try #require(h.config.directory.person(village.cadre)?.email)
            try await h.withDispatcher(clock: clock) {
                // Filed through the real intake; nobody is assigned yet, so every target, e-mail included, gets masks.
                let receipt = try await IntakeService(store: h.store, clock: clock).submit(Self.message())
                await h.records.wait { records in Self.createdTargets.allSatisfy { t in records.contains { $0.attempt.target == t } } }
                // 三定: the 劳资 route's own staff is assigned, not the village's 包村 cadre.
                let accepted = try await h.store.apply(.accept(note: nil), to: receipt.caseID, actor: "wang-li", expectedVersion: nil, at: clock.now())
                let routing = try #require(accepted.routing)
                let staff = try #require(routing.staff)
                #expect(staff != village.cadre, "the 劳资 route assigns its own staff, so the 包村 cadre is not assigned")
                _ = try await h.store.apply(
                    .assign(Assignment(leader: try #require(routing.leader), staff: staff,
                                       deadline: try #require(accepted.deadline ?? routing.deadline))),
                    to: receipt.caseID, actor: "wang-li", expectedVersion: nil, at: clock.now())
                await h.records.wait { records in
                    records.filter { $0.attempt.target == "staff-email" }.count == 2 && records.contains { $0.attempt.target == "cadre-email" }
                }
            }
            for t in Self.createdTargets + ["cadre-email"] {
                let delivered = h.records.events.filter { $0.attempt.target == t }
                #expect(delivered.map(\.state) == (t == "staff-email" ? [.delivered, .delivered] : [.delivered]), "\(t): \(delivered)")
            }

            var texts: [(place: String, text: String, data: Bool, entitled: Bool)] = []
            let requests = receiver.snapshot.requests
            for path in ["/webhook", "/wecom", "/dingtalk-leaders", "/dingtalk-group", "/feishu"] {
                let bodies = requests.filter { $0.uri.hasPrefix(path) }
                #expect(bodies.count == 1, "\(path) got one message")
                for request in bodies {
                    let json = try JSONSerialization.jsonObject(with: Data(request.body))
                    for (key, value) in Self.strings(in: json, path: path) where !["sign", "timestamp", "notification_id"].contains(key.split(separator: "/").last.map(String.init) ?? key) {
                        // The webhook's case snapshot is data for another system (JSON-escaped, masked), not text to render.
                        texts.append((key, value, data: path == "/webhook" && key.hasPrefix("/webhook/data/case/"),
                                      entitled: path == "/dingtalk-leaders"))
                    }
                }
            }
            let mails = try sink.received()
            #expect(mails.count == 3, "the new case and its assignment to the assigned people; the assignment to the 包村 cadre")
            #expect(mails.filter { $0.recipients == [cadreEmail] }.count == 1, "the cadre, not assigned, gets one")
            for mail in mails {
                let parsed = MailParser().parse(Data(mail.data))
                let entitled = !mail.recipients.contains(cadreEmail)
                for (part, text) in [("subject", parsed.subject), ("text", parsed.text), ("html", parsed.html ?? "")] {
                    texts.append(("mail to \(mail.recipients.joined(separator: ","))/\(part)", text, false, entitled))
                }
            }

            for (place, text, data, entitled) in texts {
                let projection = Self.digitProjection(text)
                for n in Self.numbers + [Self.phone, Self.idNumber] where !entitled {
                    #expect(!projection.contains(n.suffix), "\(place) shows the last 4 of \(n.written)")
                }
                guard !data else { continue }
                for mark in Self.markup {
                    #expect(!text.contains(mark), "\(place) carries the citizen's \(mark)")
                }
            }
            // The rule the masks keep: the assigned people's e-mail and the private leaders' group see the numbers.
            let entitledText = texts.filter(\.entitled).map(\.text).joined(separator: "\n")
            #expect(entitledText.contains(Self.numbers[0].written), "the entitled audiences get the real number")
            for place in ["/wecom", "/dingtalk-group", "/feishu", "/webhook/data/text", "mail to \(cadreEmail)/text"] {
                // 139-2345-6789 of the body, as every group and the unassigned cadre read it.
                #expect(texts.contains { $0.place.hasPrefix(place) && $0.text.contains("139＊＊＊＊89") },
                        "\(place): a mask shows the first 3 and last 2 digits")
            }
            let wecom = texts.filter { $0.place.hasPrefix("/wecom") }.map(\.text).joined()
            #expect(wecom.contains("http[:]//evil[.]example/phish"), "the link is shown, defanged: \(wecom)")
        } catch {
            Issue.record(error)
        }
        await receiver.stop()
        await sink.stop()
        await h.shutdown()
    }

    /// Every string leaf of a JSON value, keyed by its path.
    static func strings(in value: Any, path: String) -> [(String, String)] {
        switch value {
        case let s as String: [(path, s)]
        case let d as [String: Any]: d.flatMap { strings(in: $0.value, path: path + "/" + $0.key) }
        case let a as [Any]: a.flatMap { strings(in: $0, path: path) }
        default: []
        }
    }

    /// The text with every digit form written as an ASCII digit, separators people put inside numbers dropped and
    /// anything else a break: a number survives in it as a run of digits, however it was written.
    static func digitProjection(_ text: String) -> String {
        let chinese = Array("〇一二三四五六七八九")
        var out = ""
        for ch in text {
            if let v = ch.wholeNumberValue, ch.unicodeScalars.count == 1, (0...9).contains(v) { out.append(Character(String(v))) }
            else if let i = chinese.firstIndex(of: ch) { out.append(Character(String(i))) }
            else if ch == "零" { out.append("0") }
            else if "Xx".contains(ch) { out.append("X") }
            else if " -－.()（）+\u{3000}".contains(ch) { continue }
            else { out.append("|") }
        }
        return out
    }
}
