import Foundation
import MinqingCore
import RobotsAdapter
import MinqingTesting
import Testing
@testable import MinqingDispatch

@Suite("Retry, rate-limit and size decisions")
struct PolicyTests {
    let t0 = Date(iso: "2026-11-23T09:00:00+08:00")

    @Test("the default schedule is Svix's: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, then dead")
    func defaultSchedule() {
        let policy = RetryPolicy(jitter: 0)
        let failure = DeliveryFailure(.retryable, reason: "503")
        let expected: [TimeInterval] = [5, 300, 1800, 7200, 18000, 36000, 36000]
        for (i, delay) in expected.enumerated() {
            #expect(policy.decide(after: i + 1, failure: failure, now: t0, random: 0.9) == .retry(at: t0.addingTimeInterval(delay)))
        }
        guard case .giveUp(let reason) = policy.decide(after: 8, failure: failure, now: t0, random: 0.5) else {
            Issue.record("the eighth failure must dead-letter")
            return
        }
        #expect(reason.contains("已尝试 8 次"))
    }

    @Test("jitter spreads a delay by at most ±20 %")
    func jitterBounds() {
        let policy = RetryPolicy()
        let failure = DeliveryFailure(.retryable, reason: "timeout")
        for random in [0.0, 0.25, 0.5, 0.999] {
            guard case .retry(let at) = policy.decide(after: 2, failure: failure, now: t0, random: random) else {
                Issue.record("expected a retry")
                continue
            }
            let delay = at.timeIntervalSince(t0)
            #expect(delay >= 240 && delay <= 360, "5 min ± 20 %: \(delay)")
        }
    }

    @Test("Retry-After and a robot's block lengthen the wait; permanent and gone failures are not retried")
    func failureKinds() {
        let policy = RetryPolicy(jitter: 0)
        let asked = DeliveryFailure(.rateLimited, reason: "429", retryAfter: .seconds(120))
        #expect(policy.decide(after: 1, failure: asked, now: t0, random: 0.5) == .retry(at: t0.addingTimeInterval(120)))
        let blocked = DeliveryFailure(.rateLimited, reason: "130101", pauseTarget: .seconds(600))
        #expect(policy.decide(after: 3, failure: blocked, now: t0, random: 0.5) == .retry(at: t0.addingTimeInterval(1800)))
        #expect(policy.decide(after: 1, failure: blocked, now: t0, random: 0.5) == .retry(at: t0.addingTimeInterval(600)))
        guard case .giveUp = policy.decide(after: 1, failure: DeliveryFailure(.permanent, reason: "400"), now: t0, random: 0.5),
              case .giveUp(let gone) = policy.decide(after: 1, failure: DeliveryFailure(.gone, reason: "410"), now: t0, random: 0.5)
        else {
            Issue.record("permanent and gone failures must dead-letter at once")
            return
        }
        #expect(gone.contains("已停用"))
    }

    @Test("a sliding window never lets more than its count through in any period")
    func slidingWindow() {
        let limit = RateLimit([RateWindow(count: 20, per: .seconds(60))])
        var sent: [Date] = []
        var now = t0
        for _ in 0..<65 {
            let at = limit.earliestSend(after: sent, now: now)
            sent.append(at)
            now = at
        }
        for (i, start) in sent.enumerated() {
            let inWindow = sent[i...].prefix { $0 < start.addingTimeInterval(60) }.count
            #expect(inWindow <= 20, "\(inWindow) sends within 60 s of send \(i)")
        }
        // Slots are a period plus the margin apart: 3 s on a minute.
        #expect(sent[20] == sent[0].addingTimeInterval(63))
        #expect(sent[64].timeIntervalSince(t0) == 189)
    }

    @Test("a send that leaves up to the tolerance late still arrives within the receiver's window")
    func lateSendsKeepTheLimit() {
        let limit = RateLimit([RateWindow(count: 20, per: .seconds(60))])
        #expect(limit.lateSendTolerance == 1.5)
        #expect(RateLimit([RateWindow(count: 100, per: .seconds(60)), RateWindow(count: 5, per: .seconds(1))]).lateSendTolerance == 0.1)
        #expect(RateLimit.unlimited.lateSendTolerance == .infinity)
        // Every third send leaves as late as allowed, the others on time, and the network adds up to 0.5 s more to
        // the late ones: the receiver still never counts more than 20 in any 60 s.
        var planned: [Date] = []
        for _ in 0..<80 { planned.append(limit.earliestSend(after: planned, now: planned.last ?? t0)) }
        let arrivals = planned.enumerated().map { i, at in at.addingTimeInterval(i % 3 == 0 ? limit.lateSendTolerance + 0.5 : 0) }.sorted()
        for (i, start) in arrivals.enumerated() {
            #expect(arrivals[i...].prefix { $0 < start.addingTimeInterval(60) }.count <= 20)
        }
    }

    @Test("Feishu's two limits hold together: 5 a second and 100 a minute")
    func twoWindows() {
        let limit = RateLimit([RateWindow(count: 100, per: .seconds(60)), RateWindow(count: 5, per: .seconds(1))])
        var sent: [Date] = []
        for _ in 0..<130 { sent.append(limit.earliestSend(after: sent, now: sent.last ?? t0)) }
        for (i, start) in sent.enumerated() {
            #expect(sent[i...].prefix { $0 < start.addingTimeInterval(1) }.count <= 5)
            #expect(sent[i...].prefix { $0 < start.addingTimeInterval(60) }.count <= 100)
        }
        #expect(sent[5] == t0.addingTimeInterval(1.2))
        #expect(sent[100] == t0.addingTimeInterval(63))
    }

    @Test("text over a byte limit is cut between characters with a visible notice and the link")
    func truncation() {
        let text = String(repeating: "村口垃圾堆积多日无人清运。", count: 400)
        let link = "http://127.0.0.1:8080/console/cases/MQ-20261123-0001"
        let fitted = TextBudget.fit(text, maxBytes: 4096, link: link)
        #expect(fitted.utf8.count <= 4096)
        #expect(fitted.hasSuffix(TextBudget.notice + "\n" + link))
        #expect(fitted.utf8.count > 4000, "uses the room it has")
        #expect(TextBudget.fit("短消息", maxBytes: 4096, link: link) == "短消息")
    }

    @Test("markdown-lite becomes plain text and escaped HTML")
    func markdownLite() {
        let content = NotificationContent(title: "t", markdown: "**编号**：MQ-1 <b>\n> 群众原话\n[查看](http://x/a?b=1&c=2)")
        #expect(content.plainText == "编号：MQ-1 <b>\n群众原话\n查看（http://x/a?b=1&c=2）")
        #expect(content.html.contains("<strong>编号</strong>：MQ-1 &lt;b&gt;<br>"))
        #expect(content.html.contains("<blockquote>群众原话</blockquote>"))
        #expect(content.html.contains("<a href=\"http://x/a?b=1&amp;c=2\">查看</a>"))
    }
}
