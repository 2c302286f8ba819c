import Foundation
import HotlineAdapter
import MinqingCore
import MinqingTesting
import Testing

@Suite("Call-back decisions")
struct CallbackPolicyTests {
    let policy = CallbackPolicy(deadlineWorkingHours: 2, foldWindow: 24 * 3600, calendar: exampleConfig.hotline!.calendar)

    @Test("a call-back deadline counts 2 office hours, skipping the evening and the weekend")
    func deadlineSkipsEveningAndWeekend() {
        // Friday 16:30: one hour left today (to 17:30), the second from Monday 08:30.
        let friday = Date(iso: "2026-11-20T16:30:00+08:00")
        #expect(policy.callbackDeadline(callAt: friday, now: friday) == Date(iso: "2026-11-23T09:30:00+08:00"))
        // Tuesday 11:00: one hour to 12:00, then 14:30 + 1 h.
        let tuesday = Date(iso: "2026-11-17T11:00:00+08:00")
        #expect(policy.callbackDeadline(callAt: tuesday, now: tuesday) == Date(iso: "2026-11-17T15:30:00+08:00"))
        // A call imported days late counts from when the hub learns of it.
        let lastWeek = Date(iso: "2026-11-13T16:30:00+08:00")
        #expect(policy.callbackDeadline(callAt: lastWeek, now: tuesday) == Date(iso: "2026-11-17T15:30:00+08:00"))
    }

    @Test("a missed call folds into the newest open call-back at most 24 h old, not an older or a later one")
    func foldWindow() {
        let first = OpenCallback(caseID: CaseID("MQ-20261116-0001")!, firstCallAt: Date(iso: "2026-11-16T09:00:00+08:00"))
        let second = OpenCallback(caseID: CaseID("MQ-20261117-0001")!, firstCallAt: Date(iso: "2026-11-17T08:00:00+08:00"))
        #expect(policy.foldTarget(callAt: Date(iso: "2026-11-16T20:00:00+08:00"), open: [first]) == first)
        #expect(policy.foldTarget(callAt: Date(iso: "2026-11-17T09:00:00+08:00"), open: [first]) == first)
        #expect(policy.foldTarget(callAt: Date(iso: "2026-11-17T09:00:01+08:00"), open: [first]) == nil)
        #expect(policy.foldTarget(callAt: Date(iso: "2026-11-17T09:00:00+08:00"), open: [first, second]) == second)
        #expect(policy.foldTarget(callAt: Date(iso: "2026-11-16T08:00:00+08:00"), open: [first]) == nil)
    }

    @Test("outcome mapping: notes open a case, missed/abandoned/busy a call-back, answered settles earlier call-backs")
    func outcomes() {
        let now = Date(iso: "2026-11-16T10:00:00+08:00")
        func call(_ r: CallResult, notes: String? = nil, dir: CallDirection = .inbound) -> CallRecord {
            CallRecord(callID: "x", caller: "13812345678", callee: "13812345678", direction: dir, ringAt: now, result: r, notes: notes)
        }
        let open = [OpenCallback(caseID: CaseID("MQ-20261116-0001")!, firstCallAt: now.addingTimeInterval(-600))]
        let later = [OpenCallback(caseID: CaseID("MQ-20261116-0002")!, firstCallAt: now.addingTimeInterval(600))]
        #expect(policy.plan(for: call(.ringing), open: open, now: now).step == nil)
        #expect(policy.plan(for: call(.answered, notes: "路灯坏了"), open: [], now: now).step == .notesCase)
        #expect(policy.plan(for: call(.answered), open: [], now: now).step == nil)
        #expect(policy.plan(for: call(.answered), open: open, now: now).closes == open.map(\.caseID))
        #expect(policy.plan(for: call(.answered), open: later, now: now).closes == [])
        #expect(policy.plan(for: call(.answered, dir: .outbound), open: open, now: now).closes == open.map(\.caseID))
        for r in [CallResult.missed, .abandoned, .busy] {
            #expect(policy.plan(for: call(r), open: [], now: now).step == .callbackCase(deadline: Date(iso: "2026-11-16T12:00:00+08:00")))
            #expect(policy.plan(for: call(r), open: open, now: now).step == .fold(into: open[0].caseID))
        }
        #expect(policy.plan(for: call(.missed, dir: .outbound), open: [], now: now).step == nil)
    }

    @Test("times arrive as ISO-8601, local text, epoch seconds or epoch milliseconds")
    func times() {
        let expected = Date(iso: "2026-11-16T10:00:00+08:00")
        let zone = TimeZone(identifier: "Asia/Shanghai")!
        #expect(CallTime.parse("2026-11-16T10:00:00+08:00", timeZone: zone) == expected)
        #expect(CallTime.parse("2026-11-16 10:00:00", timeZone: zone) == expected)
        #expect(CallTime.parse("\(Int(expected.timeIntervalSince1970))", timeZone: zone) == expected)
        #expect(CallTime.parse("\(Int(expected.timeIntervalSince1970) * 1000)", timeZone: zone) == expected)
        #expect(CallTime.parse("昨天", timeZone: zone) == nil)
    }
}
