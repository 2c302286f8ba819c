import Foundation
import HotlineAdapter
import MinqingCore
import MinqingStore
import MinqingTesting
import Testing

@Suite("Hotline call flow")
struct CallFlowTests {
    @Test("a missed call opens a call-back assigned to the duty staff; repeats within 24 h fold in; a later answered call closes it")
    func foldAndAutoClose() async throws {
        let kit = try HotlineKit(now: Date(iso: "2026-11-16T09:05:00+08:00"))
        let first = try await kit.take(kit.call("m1", at: "2026-11-16T09:00:00+08:00", .missed))[0]
        let callback = try #require(first.caseID)
        #expect(first.role == "callback")
        var record = try #require(try await kit.store.fetchCase(callback))
        #expect(record.status == .assigned)
        #expect(record.leader == exampleConfig.hotline!.duty.leader)
        #expect(exampleConfig.hotline!.duty.staff.contains(record.staff ?? ""))
        #expect(record.deadline == Date(iso: "2026-11-16T11:05:00+08:00"))

        kit.clock.advance(by: 3600)
        let again = try await kit.take(kit.call("m2", at: "2026-11-16T10:00:00+08:00", .busy),
                                       kit.call("m3", at: "2026-11-17T08:59:00+08:00", .abandoned))
        #expect(again.map(\.caseID) == [callback, callback])
        #expect(again.map(\.role) == ["folded", "folded"])
        #expect(try await kit.store.auditTrail(of: callback).filter { $0.action == CaseFactory.followUpAction }.count == 2)

        let late = try await kit.take(kit.call("m4", at: "2026-11-17T09:00:01+08:00", .missed))[0]
        #expect(late.role == "callback" && late.caseID != callback, "past the 24 h window a new call-back is opened")

        kit.clock.advance(by: 86_400)
        let answered = try await kit.take(kit.call("a1", at: "2026-11-17T10:00:00+08:00", .answered))[0]
        #expect(Set(answered.closed) == Set([callback, late.caseID!]))
        record = try #require(try await kit.store.fetchCase(callback))
        #expect(record.status == .closed)
        #expect(record.outcome == .resolved)
        let path = try await kit.store.auditTrail(of: callback).map(\.action)
        #expect(path == ["received", "accept", "assign", "message", "message", "reply", "follow_up", "close"])
        #expect(try await kit.allCases().count == 2, "no case for an answered call without notes")
    }

    @Test("a call posted first as ringing and then as ended is one record and one case")
    func ringingThenEnded() async throws {
        let kit = try HotlineKit()
        let ringing = try await kit.take(kit.call("r1", at: "2026-11-16T09:00:00+08:00", .ringing))[0]
        #expect(ringing.caseID == nil)
        var ended = kit.call("r1", at: "2026-11-16T09:00:00+08:00", .answered, notes: "反映村口路灯不亮，请派人维修")
        ended.ringAt = nil
        ended.endAt = Date(iso: "2026-11-16T09:04:00+08:00")
        let first = try await kit.take(ended)[0]
        let again = try await kit.take(ended)[0]
        #expect(first.caseID != nil && first.caseID == again.caseID)
        let stored = try #require(try await kit.store.call("r1"))
        #expect(stored.result == "answered" && stored.caseID == first.caseID && stored.role == "notes")
        let decoded = try CallRecord(document: stored.document)
        #expect(decoded.ringAt == Date(iso: "2026-11-16T09:00:00+08:00"), "the ringing report's time is kept")
        let record = try #require(try await kit.store.fetchCase(first.caseID!))
        #expect(record.body == "反映村口路灯不亮，请派人维修")
        #expect(record.sourceRef == "call:r1")
        #expect(try await kit.allCases().count == 1)
        // A late "ringing" report never undoes the final result.
        _ = try await kit.take(kit.call("r1", at: "2026-11-16T09:00:00+08:00", .ringing))
        #expect(try await kit.store.call("r1")?.result == "answered")
    }

    @Test("a caller's new case links to their earlier cases on any channel; an SMS joins their open case")
    func repeatsAcrossChannels() async throws {
        let kit = try HotlineKit()
        let web = try await kit.store.ingest([InboundMessage(
            channel: .webform, sourceRef: "F-1", complainant: Complainant(phone: "138-1234-5678"), body: "垃圾堆放多日无人清运")],
            at: kit.clock.now())[0].get()
        let call = try await kit.take(kit.call("n1", from: "+8613812345678", at: "2026-11-16T09:00:00+08:00", .answered,
                                               notes: "再次反映垃圾问题，情绪激动"))[0]
        let record = try #require(try await kit.store.fetchCase(call.caseID!))
        #expect(record.repeatOf == [web.caseID])
        let sms = try await kit.hotline.takeSMS(SMSMessage(messageID: "s1", from: "13812345678", text: "垃圾还没清走", receivedAt: nil))
        #expect(sms.followUp && sms.caseID == call.caseID)
        let stranger = try await kit.hotline.takeSMS(SMSMessage(messageID: "s2", from: "13900001111", text: "路灯坏了", receivedAt: nil))
        #expect(stranger.created && !stranger.followUp)
    }

    @Test("a 12345 work order keeps its deadline; replying and closing it write report-back outbox rows in the same transaction")
    func workOrderReportsBack() async throws {
        let kit = try HotlineKit(planner: WorkOrderPlanner(target: "county-12345"))
        let due = Date(iso: "2026-11-20T17:30:00+08:00")
        let answer = try await kit.hotline.takeWorkOrder(WorkOrder(
            number: "GD202611160001", content: "反映青山村自来水停水三天", name: "张秀英", phone: "13812345678",
            address: "青山村五组", category: "水利", deadline: due, dispatchedAt: Date(iso: "2026-11-16T07:50:00+08:00")))
        #expect(answer.receipt.created && answer.deadline == due && answer.receipt.status == .assigned)
        let id = answer.receipt.caseID
        #expect(try await kit.store.fetchCase(id)?.sourceRef == "12345:GD202611160001")
        #expect(try await kit.store.outboxEntries(state: nil, limit: 10).isEmpty)
        let now = kit.clock.now()
        _ = try await kit.store.apply(.reply(outcome: .resolved, text: "已抢修管道，恢复供水"), to: id, actor: "王丽", expectedVersion: nil, at: now)
        #expect(try await kit.store.outboxEntries(state: nil, limit: 10).map(\.event) == ["case.replied"])
        _ = try await kit.store.apply(.followUp(satisfaction: .satisfied, note: nil), to: id, actor: "王丽", expectedVersion: nil, at: now)
        _ = try await kit.store.apply(.close(note: nil), to: id, actor: "王丽", expectedVersion: nil, at: now)
        let outbox = try await kit.store.outboxEntries(state: nil, limit: 10)
        #expect(outbox.map(\.event).sorted() == ["case.closed", "case.replied"])
        #expect(outbox.allSatisfy { $0.target == "county-12345" && $0.caseID == id })
        #expect(outbox.first { $0.event == "case.closed" }?.snapshot?.status == .closed)
        let again = try await kit.hotline.takeWorkOrder(WorkOrder(number: "GD202611160001", content: "重发", deadline: due))
        #expect(!again.receipt.created && again.receipt.caseID == id)
        // A case that is not a work order reports nothing.
        let other = try await kit.take(kit.call("c9", at: "2026-11-16T09:00:00+08:00", .missed))[0]
        _ = try await kit.store.apply(.reply(outcome: .resolved, text: "已回拨"), to: other.caseID!, actor: "王丽", expectedVersion: nil, at: now)
        #expect(try await kit.store.outboxEntries(state: nil, limit: 10).count == 2)
    }
}
