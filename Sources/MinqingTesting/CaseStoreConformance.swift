import Foundation
import MinqingCore
import MinqingStore

/// The behaviour every `CaseStore` must show, one list per part (`ledgerChecks`, `deliveryChecks`, `outboxChecks`,
/// `scheduleChecks`, `scheduleReadChecks`, `cursorChecks`; `checks` is all of them). A store's test target runs each check against its own fixture:
///
/// ```swift
/// @Test(arguments: CaseStoreConformance.checks)
/// func conforms(_ check: CaseStoreConformance.Check) async throws {
///     try await check.run { let path = tempPath(); return { try SQLiteCaseStore(path: path, settings: $0) } }
/// }
/// ```
///
/// `makeFixture` is called once per check and returns an opener; every call of the opener must open the SAME
/// underlying database (so checks can close and reopen it) with the given settings.
public enum CaseStoreConformance {
    public typealias Opener = @Sendable (LedgerSettings) async throws -> any CaseStore

    public struct Check: Sendable, CustomStringConvertible {
        public let description: String
        let body: @Sendable (Opener) async throws -> Void

        public func run(_ makeFixture: @Sendable () async throws -> Opener) async throws {
            try await body(try await makeFixture())
        }
    }

    /// 2026-11-22 09:30 in Shanghai.
    public static let start = Date(iso: "2026-11-22T09:30:00+08:00")

    public static var vocabulary: IntakeVocabulary {
        var v = IntakeVocabulary()
        v.addVillage(code: "qingshan", aliases: ["青山村"])
        v.addVillage(code: "hexi", aliases: ["河西村"])
        v.addCategory(code: "land", aliases: ["土地"])
        v.addCategory(code: "wages", aliases: ["劳资"])
        return v
    }

    static func settings(_ planner: any NotificationPlanner = ClosurePlanner { _ in [] }) -> LedgerSettings {
        LedgerSettings(caseIDPrefix: "MQ", factory: CaseFactory(vocabulary: vocabulary), planner: planner)
    }

    static func message(_ ref: String, body: String = "村口道路塌陷，雨天无法通行，请尽快修复。", village: String? = "青山村",
                        category: String? = "土地", subject: String? = "道路损坏") -> InboundMessage {
        InboundMessage(
            channel: .webform, sourceRef: ref, receivedAt: start.addingTimeInterval(-60),
            complainant: Complainant(name: "张秀英", phone: "13812345678", idNumber: "11010519491231002X"),
            village: village, category: category, subject: subject, body: body,
            raw: Data("{\"source_ref\":\"\(ref)\"}".utf8), rawContentType: "application/json")
    }

    static func ingestOne(_ store: any CaseStore, _ m: InboundMessage, at now: Date = start) async throws -> IntakeReceipt {
        try await store.ingest([m], at: now)[0].get()
    }

    static let assignPlanner = ClosurePlanner { change in
        switch change.event.action {
        case "received": [OutboxDraft(target: "office-wecom", event: "case.created")]
        case "assign": [OutboxDraft(target: "email", event: "case.assigned", recipients: [change.after.staff ?? ""])]
        default: []
        }
    }

    /// Every check of every part of `CaseStore`.
    public static var checks: [Check] {
        ledgerChecks + searchChecks + deliveryChecks + outboxChecks + scheduleChecks + scheduleReadChecks + cursorChecks
    }

    /// `CaseLedger`: intake, ids, cases, transitions, search.
    public static let ledgerChecks: [Check] = [
        Check(description: "a new message becomes a received case with a day-sequenced id, an audit event and its raw message kept") { open in
            let store = try await open(settings())
            let receipt = try await ingestOne(store, message("form-1"))
            try requireEqual(receipt, IntakeReceipt(caseID: CaseID("MQ-20261122-0001")!, status: .received, created: true), "receipt")
            let record = try await store.fetchCase(receipt.caseID)
            try require(record != nil, "case is stored")
            try requireEqual(record!.status, .received, "status")
            try requireEqual(record!.village, "qingshan", "village code")
            try requireEqual(record!.category, "land", "category code")
            try requireEqual(record!.complainant.phone, "13812345678", "phone kept in full")
            try requireEqual(record!.flags, [], "flags")
            let trail = try await store.auditTrail(of: receipt.caseID)
            try requireEqual(trail.map(\.action), ["received"], "audit trail")
            let raw = try await store.inboundMessage(channel: .webform, sourceRef: "form-1")
            try requireEqual(raw?.raw, Data("{\"source_ref\":\"form-1\"}".utf8), "raw message verbatim")
            try requireEqual(raw?.caseID, receipt.caseID, "raw message linked to case")
        },
        Check(description: "sending facts tell who a case is about and whether its citizen opted out, as the case is now") { open in
            let store = try await open(settings())
            let receipt = try await ingestOne(store, message("form-facts"))
            try requireEqual(try await store.sendingFacts(of: receipt.caseID), CaseSendingFacts(concerns: [], citizenOptOut: false), "as filed")
            _ = try await store.apply(
                .classify(Classification(concerns: ["赵红梅", "青山村村委会"], citizenOptOut: true)), to: receipt.caseID,
                actor: "wang-li", onBehalfOf: nil, expectedVersion: nil, at: start.addingTimeInterval(60))
            let now = try await store.sendingFacts(of: receipt.caseID)
            try requireEqual(now?.citizenOptOut, true, "opt-out recorded after intake")
            try requireEqual(now.map { Set($0.concerns) }, ["赵红梅", "青山村村委会"], "concerns recorded after intake")
            try requireEqual(try await store.sendingFacts(of: CaseID("MQ-20261122-0999")!), nil, "no such case")
        },
        Check(description: "a redelivered message returns the existing case and writes nothing new") { open in
            let store = try await open(settings(assignPlanner))
            let first = try await ingestOne(store, message("form-7"))
            var changed = message("form-7", body: "重发的内容不一样也不应成为新案件")
            changed.subject = "重发"
            let again = try await ingestOne(store, changed, at: start.addingTimeInterval(3600))
            try requireEqual(again, IntakeReceipt(caseID: first.caseID, status: .received, created: false), "redelivery receipt")
            try requireEqual(try await store.searchCases(CaseQuery()).total, 1, "case count")
            try requireEqual(try await store.auditTrail(of: first.caseID).count, 1, "audit events")
            try requireEqual(try await store.outboxEntries(state: nil, limit: 100).count, 1, "outbox rows")
            try requireEqual(try await store.fetchCase(first.caseID)?.subject, "道路损坏", "first version kept")
        },
        Check(description: "a follow-up message joins its case as a message event; redelivering it changes nothing") { open in
            let planner = ClosurePlanner { change in
                change.event.action == CaseFactory.followUpAction
                    ? [OutboxDraft(target: "email", event: "case.message", recipients: ["chenzq"])] : []
            }
            let store = try await open(settings(planner))
            let first = try await ingestOne(store, message("mail-1"))
            var reply = message("mail-2", body: "补充：塌陷处又扩大了，附照片。", subject: "Re: [\(first.caseID)] 道路损坏")
            reply.channel = .mailbox
            reply.followUpOf = first.caseID
            reply.attachments = [InboundAttachment(filename: "塌陷.jpg", contentType: "image/jpeg", data: Data([1, 2, 3]))]
            let attached = try await ingestOne(store, reply, at: start.addingTimeInterval(600))
            try requireEqual(attached, IntakeReceipt(caseID: first.caseID, status: .received, created: true, followUp: true), "follow-up receipt")
            let again = try await ingestOne(store, reply, at: start.addingTimeInterval(900))
            try requireEqual(again, IntakeReceipt(caseID: first.caseID, status: .received, created: false, followUp: true), "redelivered follow-up")
            try requireEqual(try await store.searchCases(CaseQuery()).total, 1, "no second case")
            let trail = try await store.auditTrail(of: first.caseID)
            try requireEqual(trail.map(\.action), ["received", "message"], "audit trail")
            try requireEqual(trail[1].details["body"], "补充：塌陷处又扩大了，附照片。", "message text in the trail")
            try requireEqual(try await store.fetchCase(first.caseID)?.attachments.map(\.filename), ["塌陷.jpg"], "attachment added")
            try requireEqual(try await store.inboundMessage(channel: .mailbox, sourceRef: "mail-2")?.caseID, first.caseID, "raw kept")
            try requireEqual(try await store.outboxEntries(state: nil, limit: 10).map(\.event), ["case.message"], "notified once")
            var orphan = message("mail-3")
            orphan.channel = .mailbox
            orphan.followUpOf = CaseID("MQ-20250101-0099")
            let opened = try await ingestOne(store, orphan)
            try require(opened.created && !opened.followUp && opened.caseID != first.caseID, "an unknown case id opens a new case")
        },
        Check(description: "the same source reference twice in one batch makes one case") { open in
            let store = try await open(settings())
            let results = try await store.ingest([message("dup"), message("dup"), message("other")], at: start)
            let receipts = try results.map { try $0.get() }
            try requireEqual(receipts.map(\.created), [true, false, true], "created flags")
            try requireEqual(receipts[0].caseID, receipts[1].caseID, "same case")
            try requireEqual(try await store.searchCases(CaseQuery()).total, 2, "case count")
        },
        Check(description: "a mixed batch answers every message in order and stores each new one whole") { open in
            // A store may take a batch's plain new messages together (PostgreSQL does): the answers and the rows
            // must be those of taking them one by one.
            let store = try await open(settings(assignPlanner))
            let stored = try await ingestOne(store, message("mix-old"))
            var followUp = message("mix-reply", body: "补充：塌陷处旁边的排水沟也堵了。")
            followUp.channel = .mailbox
            followUp.followUpOf = stored.caseID
            var withPhoto = message("mix-photo", body: "现场照片见附件。")
            withPhoto.attachments = [InboundAttachment(filename: "现场.jpg", contentType: "image/jpeg", data: Data([7, 8, 9]))]
            let batch = [
                message("mix-1", body: "河西村三组自来水停了两天。", village: "河西村"), message("mix-old"), followUp,
                message("", body: "没有来源编号"), withPhoto, message("mix-1"), message("mix-2", category: "劳资"),
            ]
            let results = try await store.ingest(batch, at: start.addingTimeInterval(60))
            try requireEqual(results.count, batch.count, "one answer per message")
            try require((try? results[3].get()) == nil, "the message without a source reference is refused alone")
            let r = try [0, 1, 2, 4, 5, 6].map { try results[$0].get() }
            try requireEqual(r.map(\.created), [true, false, true, true, false, true], "created flags, in order")
            try requireEqual(r[1].caseID, stored.caseID, "the stored message answers with its case")
            try requireEqual(r[2], IntakeReceipt(caseID: stored.caseID, status: .received, created: true, followUp: true), "follow-up")
            try requireEqual(r[4].caseID, r[0].caseID, "the batch's own duplicate answers with the batch's case")
            let new = [r[0].caseID, r[3].caseID, r[5].caseID]
            try requireEqual(Set(new.map(\.sequence)), [2, 3, 4], "new cases numbered after the stored one, none skipped")
            try requireEqual(try await store.searchCases(CaseQuery()).total, 4, "case count")
            let first = try await store.fetchCase(r[0].caseID)
            try requireEqual(first?.village, "hexi", "village resolved")
            try requireEqual(first?.body, "河西村三组自来水停了两天。", "text kept")
            try requireEqual(try await store.fetchCase(r[5].caseID)?.category, "wages", "category resolved")
            try requireEqual(try await store.fetchCase(r[3].caseID)?.attachments.map(\.filename), ["现场.jpg"], "attachment kept")
            for id in new {
                try requireEqual(try await store.auditTrail(of: id).map(\.action), ["received"], "audit trail of \(id)")
            }
            try requireEqual(try await store.inboundMessage(channel: .webform, sourceRef: "mix-2")?.caseID, r[5].caseID, "raw kept")
            let outbox = try await store.outboxEntries(state: nil, limit: 20)
            try requireEqual(outbox.filter { $0.event == "case.created" }.compactMap(\.caseID).count, 4, "one notification per new case")
            try requireEqual(outbox.first { $0.caseID == r[0].caseID }?.snapshot?.id, r[0].caseID, "the notification's snapshot")
            var text = CaseQuery()
            text.text = "自来水"
            let search = try await store.searchCases(text)
            try requireEqual(search.items.map(\.id), [r[0].caseID], "new case found by its text")
        },
        Check(description: "a batch of 300 new messages stores each once, numbered without gaps, each notified once") { open in
            let store = try await open(settings(assignPlanner))
            let batch = (0..<300).map { message("big-\($0)", body: "第 \($0) 件：村道路灯不亮，晚上出行不便。") }
            let receipts = try await store.ingest(batch, at: start).map { try $0.get() }
            try require(receipts.allSatisfy(\.created), "every message opens a case")
            try requireEqual(Set(receipts.map(\.caseID.sequence)), Set(1...300), "numbers 1…300, none twice, none skipped")
            try requireEqual(try await store.searchCases(CaseQuery()).total, 300, "case count")
            try requireEqual(try await store.outboxEntries(state: nil, limit: 500).count, 300, "one notification each")
            try requireEqual(try await store.inboundMessage(channel: .webform, sourceRef: "big-299")?.caseID, receipts[299].caseID, "last raw kept")
        },
        Check(description: "the same source reference on another channel is another message") { open in
            let store = try await open(settings())
            var mail = message("42")
            mail.channel = .mailbox
            let a = try await ingestOne(store, message("42"))
            let b = try await ingestOne(store, mail)
            try require(a.caseID != b.caseID && b.created, "different channels are independent")
        },
        Check(description: "case numbers follow the registration day in the office time zone and never repeat") { open in
            let store = try await open(settings())
            let lateEvening = Date(iso: "2026-11-22T23:59:59+08:00")
            let a = try await ingestOne(store, message("a"), at: lateEvening)
            let b = try await ingestOne(store, message("b"), at: lateEvening)
            let c = try await ingestOne(store, message("c"), at: lateEvening.addingTimeInterval(1))
            try requireEqual([a, b, c].map(\.caseID.description), ["MQ-20261122-0001", "MQ-20261122-0002", "MQ-20261123-0001"], "ids")
            let reopened = try await open(settings())
            let d = try await ingestOne(reopened, message("d"), at: lateEvening)
            try requireEqual(d.caseID.description, "MQ-20261122-0003", "sequence survives reopening")
        },
        Check(description: "an unknown village or category is kept as written and flagged, never refused") { open in
            let store = try await open(settings())
            let r = try await ingestOne(store, message("u1", village: "桃花坞", category: "噪音扰民", subject: nil))
            let record = try await store.fetchCase(r.caseID)!
            try requireEqual(record.village, "桃花坞", "village as written")
            try requireEqual(record.category, "噪音扰民", "category as written")
            try requireEqual(Set(record.flags), [.unknownVillage, .unknownCategory, .missingSubject], "flags")
            try requireEqual(record.subject, "村口道路塌陷，雨天无法通行，请尽快修复。", "subject derived from body")
        },
        Check(description: "attachments are stored once by content hash") { open in
            let store = try await open(settings())
            let photo = Data((0..<5000).map { UInt8($0 % 251) })
            var m1 = message("p1")
            m1.attachments = [InboundAttachment(filename: "现场照片.jpg", contentType: "image/jpeg", data: photo)]
            var m2 = message("p2")
            m2.attachments = [InboundAttachment(filename: "同一张.jpg", contentType: "image/jpeg", data: photo)]
            let r1 = try await ingestOne(store, m1)
            let r2 = try await ingestOne(store, m2)
            let a1 = try await store.fetchCase(r1.caseID)!.attachments
            let a2 = try await store.fetchCase(r2.caseID)!.attachments
            try requireEqual(a1.count, 1, "attachment ref")
            try requireEqual(a1[0].sha256, a2[0].sha256, "same hash")
            try requireEqual(a1[0].size, 5000, "size")
            try requireEqual(a2[0].filename, "同一张.jpg", "each case keeps its own file name")
            try requireEqual(try await store.attachmentData(sha256: a1[0].sha256), photo, "content")
        },
        Check(description: "a bad message in a batch fails alone; the others commit") { open in
            let store = try await open(settings())
            let results = try await store.ingest([message("ok-1"), message(""), message("ok-2")], at: start)
            try require((try? results[0].get()) != nil, "first ok")
            try require((try? results[1].get()) == nil, "empty source reference refused")
            try require((try? results[2].get()) != nil, "third ok")
            try requireEqual(try await store.searchCases(CaseQuery()).total, 2, "case count")
        },
        Check(description: "a transition writes the case, its audit event and its notifications together") { open in
            let store = try await open(settings(assignPlanner))
            let r = try await ingestOne(store, message("t1"))
            try requireEqual(try await store.outboxEntries(state: .pending, limit: 10).map(\.event), ["case.created"], "intake outbox")
            _ = try await store.apply(.accept(note: nil), to: r.caseID, actor: "王丽", expectedVersion: 1, at: start)
            let deadline = start.addingTimeInterval(15 * 86_400)
            let assigned = try await store.apply(
                .assign(Assignment(leader: "刘建国", staff: "陈志强", deadline: deadline)), to: r.caseID, actor: "王丽",
                expectedVersion: nil, at: start.addingTimeInterval(60))
            try requireEqual(assigned.status, .assigned, "status")
            try requireEqual(assigned.version, 3, "version")
            let stored = try await store.fetchCase(r.caseID)!
            try requireEqual(stored, assigned, "stored record equals returned record")
            let trail = try await store.auditTrail(of: r.caseID)
            try requireEqual(trail.map(\.action), ["received", "accept", "assign"], "audit")
            try requireEqual(trail[2].details["staff"], "陈志强", "audit details")
            let outbox = try await store.outboxEntries(state: nil, limit: 10)
            try requireEqual(outbox.map(\.event), ["case.created", "case.assigned"], "outbox events")
            try requireEqual(outbox[1].recipients, ["陈志强"], "recipients")
            try requireEqual(outbox[1].snapshot?.staff, "陈志强", "snapshot is the changed case")
            try requireEqual(Set(outbox.map(\.id)).count, 2, "distinct idempotency ids")
        },
        Check(description: "the ledger leaves out cases about a person, and a masked reader's text never matches personal data") { open in
            let store = try await open(settings())
            var about = message("c1", body: "反映村干部陈志强，我的电话 13812345678")
            about.concerns = ["chen-zhiqiang"]
            _ = try await ingestOne(store, about)
            _ = try await ingestOne(store, message("c2", body: "路灯不亮"))
            var q = CaseQuery()
            q.excludingConcerns = ["chen-zhiqiang", "陈志强"]
            try requireEqual(try await store.searchCases(q).items.map(\.sourceRef), ["c2"], "the case about him is left out")
            q = CaseQuery(); q.text = "1381234"; q.textMatchesPII = false
            try requireEqual(try await store.searchCases(q).total, 0, "phone digits find nothing for a masked reader")
            q.text = "路灯"
            try requireEqual(try await store.searchCases(q).total, 1, "text without digits still searches the body")
            q.text = "MQ-20261122-0002"
            try requireEqual(try await store.searchCases(q).total, 1, "case ids still match")
        },
        Check(description: "an illegal or stale transition changes nothing") { open in
            let store = try await open(settings(assignPlanner))
            let r = try await ingestOne(store, message("t2"))
            do {
                _ = try await store.apply(.close(note: nil), to: r.caseID, actor: "王丽", expectedVersion: nil, at: start)
                throw ConformanceFailure("closing a received case must fail")
            } catch let e as TransitionError {
                guard case .illegal(.close, .received, _) = e.code else { throw ConformanceFailure("wrong error \(e)") }
            }
            do {
                _ = try await store.apply(.accept(note: nil), to: r.caseID, actor: "王丽", expectedVersion: 7, at: start)
                throw ConformanceFailure("a stale version must fail")
            } catch let e as TransitionError {
                try requireEqual(e.code, .staleVersion(expected: 7, actual: 1), "stale")
            }
            try requireEqual(try await store.fetchCase(r.caseID)?.version, 1, "version unchanged")
            try requireEqual(try await store.auditTrail(of: r.caseID).count, 1, "no audit event")
            try requireEqual(try await store.outboxEntries(state: nil, limit: 10).count, 1, "no outbox row")
            do {
                _ = try await store.apply(.accept(note: nil), to: CaseID("MQ-20200101-0001")!, actor: "王丽", expectedVersion: nil, at: start)
                throw ConformanceFailure("unknown case must fail")
            } catch let e as CaseStoreError {
                try requireEqual(e, .caseNotFound(CaseID("MQ-20200101-0001")!), "not found")
            }
        },
        Check(description: "a case merges only into an existing, unmerged case") { open in
            let store = try await open(settings())
            let a = try await ingestOne(store, message("m1"))
            let b = try await ingestOne(store, message("m2"))
            do {
                _ = try await store.apply(.merge(into: CaseID("MQ-20261122-0099")!, reason: nil), to: b.caseID, actor: "王丽", expectedVersion: nil, at: start)
                throw ConformanceFailure("merge into a missing case must fail")
            } catch let e as TransitionError {
                try requireEqual(e.field, "fields.into", "field at fault")
            }
            let merged = try await store.apply(.merge(into: a.caseID, reason: "同一事项重复反映"), to: b.caseID, actor: "王丽", expectedVersion: nil, at: start)
            try requireEqual(merged.status, .merged, "status")
            try requireEqual(merged.mergedInto, a.caseID, "merged into")
        },
        Check(description: "the ledger filters by status, channel, village, category, dates and Chinese text, paginated with a total") { open in
            let store = try await open(settings())
            for i in 1...12 {
                var m = message("s\(i)", body: i % 3 == 0 ? "拖欠农民工工资三个月" : "垃圾堆放污染河道",
                                village: i % 2 == 0 ? "河西村" : "青山村", category: i % 3 == 0 ? "劳资" : "土地")
                m.channel = i % 4 == 0 ? .hotline : .webform
                _ = try await ingestOne(store, m, at: start.addingTimeInterval(Double(i) * 3600))
            }
            var q = CaseQuery()
            q.text = "工资"
            try requireEqual(try await store.searchCases(q).total, 4, "text")
            q = CaseQuery(); q.village = "hexi"; q.category = "land"
            try requireEqual(try await store.searchCases(q).total, 4, "village+category")
            q = CaseQuery(); q.channel = .hotline
            try requireEqual(try await store.searchCases(q).total, 3, "channel")
            q = CaseQuery(); q.registeredFrom = start.addingTimeInterval(3 * 3600); q.registeredTo = start.addingTimeInterval(6 * 3600)
            try requireEqual(try await store.searchCases(q).total, 3, "date range [from, to)")
            q = CaseQuery(); q.text = "1381234"
            try requireEqual(try await store.searchCases(q).total, 12, "phone")
            q = CaseQuery(); q.text = "20%"
            try requireEqual(try await store.searchCases(q).total, 0, "LIKE wildcards are literal")
            q = CaseQuery(); q.limit = 5; q.offset = 10
            let page = try await store.searchCases(q)
            try requireEqual(page.total, 12, "total")
            try requireEqual(page.items.map(\.sourceRef), ["s2", "s1"], "last page, newest first")
            q = CaseQuery(); q.statuses = [.accepted]
            try requireEqual(try await store.searchCases(q).total, 0, "status")
        },
        Check(description: "the overdue filter finds open cases past their deadline") { open in
            let store = try await open(settings())
            let r = try await ingestOne(store, message("o1"))
            _ = try await store.apply(.accept(note: nil), to: r.caseID, actor: "王丽", expectedVersion: nil, at: start)
            _ = try await store.apply(.assign(Assignment(leader: "刘建国", staff: "陈志强", deadline: start.addingTimeInterval(86_400))),
                                      to: r.caseID, actor: "王丽", expectedVersion: nil, at: start)
            var q = CaseQuery()
            q.overdueAt = start.addingTimeInterval(86_399)
            try requireEqual(try await store.searchCases(q).total, 0, "not yet overdue")
            q.overdueAt = start.addingTimeInterval(86_401)
            try requireEqual(try await store.searchCases(q).total, 1, "overdue")
        },
        Check(description: "a reply stamps its follow-up deadline; the follow-up-overdue filter finds replied cases past it, and a recorded follow-up leaves it") { open in
            var s = settings()
            s.policy.followUp = FollowUpRule("2 days") { $0.addingTimeInterval(2 * 86_400) }
            let store = try await open(s)
            let due = try await ingestOne(store, message("f1"))
            let followed = try await ingestOne(store, message("f2"))
            let waiting = try await ingestOne(store, message("f3"))
            for (id, at) in [(due.caseID, start), (followed.caseID, start), (waiting.caseID, start.addingTimeInterval(86_400))] {
                _ = try await store.apply(.accept(note: nil), to: id, actor: "王丽", expectedVersion: nil, at: start)
                _ = try await store.apply(.assign(Assignment(leader: "刘建国", staff: "陈志强", deadline: start.addingTimeInterval(10 * 86_400))),
                                          to: id, actor: "王丽", expectedVersion: nil, at: start)
                let replied = try await store.apply(.reply(outcome: .resolved, text: "已安排施工队修复村口道路。"), to: id, actor: "陈志强",
                                                    expectedVersion: nil, at: at)
                try requireEqual(replied.repliedAt, at, "reply time kept")
                try requireEqual(replied.followUpDue, at.addingTimeInterval(2 * 86_400), "follow-up deadline stamped")
            }
            _ = try await store.apply(.followUp(satisfaction: .satisfied, note: "群众表示路已修好"), to: followed.caseID, actor: "王丽",
                                      expectedVersion: nil, at: start.addingTimeInterval(3 * 86_400))
            var q = CaseQuery()
            q.followUpOverdueAt = start.addingTimeInterval(2 * 86_400 - 1)
            try requireEqual(try await store.searchCases(q).total, 0, "nothing overdue before the deadline")
            q.followUpOverdueAt = start.addingTimeInterval(2 * 86_400 + 1)
            try requireEqual(try await store.searchCases(q).items.map(\.id), [due.caseID], "only the replied case past its follow-up deadline")
            q.followUpOverdueAt = start.addingTimeInterval(4 * 86_400)
            try requireEqual(Set(try await store.searchCases(q).items.map(\.id)), [due.caseID, waiting.caseID], "both waiting cases later")
            let reloaded = try await store.fetchCase(due.caseID)
            try requireEqual(reloaded?.isFollowUpOverdue(at: start.addingTimeInterval(2 * 86_400 + 1)), true, "the record agrees with the filter")
        },
        Check(description: "concurrent submissions through the intake make exactly one case per message") { open in
            let store = try await open(settings())
            let intake = IntakeService(store: store, clock: ManualClock(start), maxBatch: 16)
            let receipts = try await withThrowingTaskGroup(of: IntakeReceipt.self) { group in
                for i in 0..<200 { group.addTask { try await intake.submit(message("c\(i % 100)")) } }
                return try await group.reduce(into: [IntakeReceipt]()) { $0.append($1) }
            }
            try requireEqual(receipts.count, 200, "every caller answered")
            try requireEqual(receipts.filter(\.created).count, 100, "one creation per message")
            try requireEqual(Set(receipts.map(\.caseID)).count, 100, "one case per message")
            try requireEqual(try await store.searchCases(CaseQuery()).total, 100, "stored cases")
            let ids = try await store.searchCases({ var q = CaseQuery(); q.limit = 500; return q }()).items.map(\.id.sequence)
            try requireEqual(Set(ids), Set(1...100), "sequence has no gaps")
        },
        Check(description: "the complainant's e-mail address is stored with the case") { open in
            let store = try await open(settings())
            var m = message("mail-1")
            m.channel = .mailbox
            m.complainant = Complainant(name: "李四", email: " lisi@163.com ")
            let r = try await ingestOne(store, m)
            try requireEqual(try await store.fetchCase(r.caseID)?.complainant.email, "lisi@163.com", "e-mail kept, trimmed")
        },
        Check(description: "adapter flags reach the case") { open in
            let store = try await open(settings())
            var m = message("flag-1")
            m.flags = [.unreadableMessage]
            let r = try await ingestOne(store, m)
            try requireEqual(try await store.fetchCase(r.caseID)?.flags, [.unreadableMessage], "flags")
        },
    ] + routingChecks + scheduledChecks

    /// The scheduler's side of the outbox: at most one row per job key and target, across reopens.
    static let scheduledChecks: [Check] = [
    ]

    /// `OutboxLedger`: what people read of the outbox.
    public static let outboxChecks: [Check] = [
        Check(description: "a case's notifications are read with their attempts, and only that case's") { open in
            let store = try await open(settings(assignPlanner))
            let a = try await ingestOne(store, message("n1"))
            let b = try await ingestOne(store, message("n2"))
            let created = try await store.outboxEntries(state: .pending, limit: 10)
            let first = created.first { $0.caseID == a.caseID }!
            try await store.recordDeliveries([DeliveryRecord(
                attempt: DeliveryAttempt(notificationID: first.id, target: first.target, number: 1, startedAt: start,
                                         result: .failed, httpStatus: 500, detail: "服务器错误"),
                state: .retrying, nextAttemptAt: start.addingTimeInterval(60), lastError: "服务器错误")])
            let notifications = try await store.caseNotifications(a.caseID)
            try requireEqual(notifications.map(\.entry.id), [first.id], "only the case's own rows")
            try requireEqual(notifications[0].attempts.map(\.httpStatus), [500], "with their attempts")
            try requireEqual(try await store.caseNotifications(b.caseID).map(\.attempts.count), [0], "other case, no attempts")
        },
    ]

    /// `ScheduleLedger`: scheduled jobs written once.
    public static let scheduleChecks: [Check] = [
        Check(description: "scheduled notifications are written once per job key and target, case-bound ones with the case as it is now, others with their context") { open in
            let store = try await open(settings())
            let receipt = try await ingestOne(store, message("sched-1"))
            let items = [
                ScheduledNotification(jobKey: "remind:x", caseID: receipt.caseID, target: "email", event: "case.reminder", recipients: ["chen"]),
                ScheduledNotification(jobKey: "remind:x", caseID: receipt.caseID, target: "wecom", event: "case.reminder", recipients: []),
                ScheduledNotification(jobKey: "market:m:2026-12-11:evening", caseID: nil, target: "wecom", event: "market.duty",
                                      recipients: ["liu"], context: "{\"market\":{\"name\":\"青山集\"}}"),
                ScheduledNotification(jobKey: "remind:y", caseID: CaseID("MQ-20990101-0001")!, target: "email", event: "case.reminder", recipients: []),
            ]
            try requireEqual(try await store.enqueueScheduled(items, at: start), 3, "rows written (the missing case skipped)")
            try requireEqual(try await store.enqueueScheduled(items, at: start.addingTimeInterval(60)), 0, "a second run writes nothing")
            let reopened = try await open(settings())
            try requireEqual(try await reopened.enqueueScheduled(items, at: start.addingTimeInterval(120)), 0, "nor after a reopen")
            let rows = try await reopened.outboxEntries(state: .pending, limit: 10)
            try requireEqual(rows.count, 3, "three rows")
            let market = rows.first { $0.event == "market.duty" }
            try requireEqual(market?.caseID, nil, "market alert belongs to no case")
            try requireEqual(market?.snapshot, nil, "and has no snapshot")
            try requireEqual(market?.context, "{\"market\":{\"name\":\"青山集\"}}", "its context is kept")
            try requireEqual(market?.jobKey, "market:m:2026-12-11:evening", "with its job key")
            try requireEqual(rows.first { $0.target == "email" }?.snapshot?.id, receipt.caseID, "case-bound row carries the case")
            try requireEqual(
                try await reopened.writtenJobKeys(["remind:x", "market:m:2026-12-11:evening", "remind:y", "digest:2026-12-11"]),
                ["remind:x", "market:m:2026-12-11:evening"], "written job keys among those asked")
            try requireEqual(try await reopened.writtenJobKeys([]), [], "none asked, none written")
            let claimed = try await reopened.claimNotifications(dueAt: start.addingTimeInterval(180), leaseUntil: start.addingTimeInterval(480),
                                                                limits: ["wecom": 5, "email": 5])
            try requireEqual(claimed.count, 3, "the dispatcher claims them like any other row")
        },
    ]

    /// `ScheduleLedger`: what a scheduler pass reads, through indexes.
    public static let scheduleReadChecks: [Check] = [
        Check(description: "a scheduler pass reads the cases under a deadline before its horizon and every replied case; market alerts and digests count in the ledger") { open in
            let store = try await open(settings())
            func assigned(_ ref: String, village: String = "青山村", deadlineIn days: Double) async throws -> CaseID {
                let id = try await ingestOne(store, message(ref, village: village)).caseID
                _ = try await store.apply(.accept(note: nil), to: id, actor: "王丽", expectedVersion: nil, at: start)
                _ = try await store.apply(.assign(Assignment(leader: "刘建国", staff: "陈志强", deadline: start.addingTimeInterval(days * 86_400))),
                                          to: id, actor: "王丽", expectedVersion: nil, at: start)
                return id
            }
            let soon = try await assigned("h-soon", deadlineIn: 2)
            let overdue = try await assigned("h-tomorrow", deadlineIn: 1)
            let later = try await assigned("h-later", village: "河西村", deadlineIn: 30)
            let replied = try await assigned("h-replied", deadlineIn: 40)
            _ = try await store.apply(.reply(outcome: .resolved, text: "已修复。"), to: replied, actor: "陈志强", expectedVersion: nil, at: start)
            let closed = try await assigned("h-closed", deadlineIn: 1)
            _ = try await store.apply(.reply(outcome: .resolved, text: "已修复。"), to: closed, actor: "陈志强", expectedVersion: nil, at: start)
            _ = try await store.apply(.followUp(satisfaction: .satisfied, note: "群众表示已修好"), to: closed, actor: "王丽",
                                      expectedVersion: nil, at: start.addingTimeInterval(30))
            _ = try await store.apply(.close(note: "群众满意"), to: closed, actor: "王丽", expectedVersion: nil, at: start.addingTimeInterval(60))
            let unassigned = try await ingestOne(store, message("h-new")).caseID

            let read = try await store.scheduleCases(deadlineBefore: start.addingTimeInterval(7 * 86_400))
            try requireEqual(Set(read.map(\.id)), [soon, overdue, replied], "deadline before the horizon, or replied; never closed, later or without deadline")
            try requireEqual(read.count, 3, "each once")
            try requireEqual(Set(try await store.scheduleCases(deadlineBefore: start.addingTimeInterval(60 * 86_400)).map(\.id)),
                             [soon, overdue, later, replied], "a later horizon takes the later case")

            let market = try await store.openCases(inVillages: ["qingshan"], limit: 2)
            try requireEqual(market.total, 4, "open cases of the village (the closed one left out)")
            try requireEqual(market.cases.map(\.id), [soon, overdue, replied, unassigned].sorted { $0.description < $1.description }.prefix(2).map { $0 },
                             "the first by id, up to the limit")
            try requireEqual(try await store.openCases(inVillages: ["hexi", "qingshan"], limit: 10).total, 5, "several villages (by code)")
            try requireEqual(try await store.openCases(inVillages: [], limit: 10).total, 0, "no village, no cases")

            let counts = try await store.digestCounts(from: start.addingTimeInterval(-3600), to: start.addingTimeInterval(3600))
            try requireEqual(counts, DigestCounts(open: 5, openRegistered: 5, closed: 1), "open, registered in the day, closed in the day")
            let tomorrow = try await store.digestCounts(from: start.addingTimeInterval(86_400), to: start.addingTimeInterval(2 * 86_400))
            try requireEqual(tomorrow, DigestCounts(open: 5, openRegistered: 0, closed: 0), "another day")
        },
    ]

    /// `ChannelCursors`: where each polled channel is.
    public static let cursorChecks: [Check] = [
        Check(description: "a mailbox cursor is durable, only moves forward within one UIDVALIDITY, and is replaced by a new UIDVALIDITY") { open in
            let store = try await open(settings())
            try requireEqual(try await store.mailboxCursor("office"), nil, "no cursor before the first poll")
            try await store.saveMailboxCursor(MailboxCursor(mailbox: "office", uidValidity: 7, lastUID: 10), at: start)
            try await store.saveMailboxCursor(MailboxCursor(mailbox: "office", uidValidity: 7, lastUID: 4), at: start)
            try await store.saveMailboxCursor(MailboxCursor(mailbox: "leader", uidValidity: 3, lastUID: 2), at: start)
            let reopened = try await open(settings())
            try requireEqual(try await reopened.mailboxCursor("office"), MailboxCursor(mailbox: "office", uidValidity: 7, lastUID: 10),
                             "kept the higher UID after reopening")
            try await reopened.saveMailboxCursor(MailboxCursor(mailbox: "office", uidValidity: 9, lastUID: 1), at: start)
            try requireEqual(try await reopened.mailboxCursor("office"), MailboxCursor(mailbox: "office", uidValidity: 9, lastUID: 1),
                             "a new UIDVALIDITY starts over")
            try requireEqual(try await reopened.mailboxCursor("leader")?.lastUID, 2, "mailboxes are independent")
        },
    ]

    /// New cases filed by the factory's router (三定 at registration): stored with the case and its audit event,
    /// seen by the planner in the same transaction, kept across a reopen.
    static let routingChecks: [Check] = [
        Check(description: "a new case is filed by the router in the same transaction: 三定, reasons and concerns stored, the planner sees them") { open in
            let deadline = start.addingTimeInterval(7200)
            let router = ClosureRouter { record, now in
                RoutingOutcome(
                    rules: ["测试规则"], reasons: ["匹配规则「测试规则」", "承办人员：陈志强"], leader: "sun-wei",
                    staff: record.concerns.contains("chen") ? "wang-li" : "chen", deadline: now.addingTimeInterval(7200),
                    priority: .urgent, severity: .major, notify: ["leaders"], concerns: ["zhou"])
            }
            let planner = ClosurePlanner { change in
                change.event.action == "received"
                    ? (change.after.routing?.notify ?? []).map { OutboxDraft(target: $0, event: "case.created", recipients: [change.after.staff ?? ""]) }
                    : []
            }
            var ledger = settings(planner)
            ledger.factory.router = router
            let store = try await open(ledger)
            var m = message("routed-1")
            m.concerns = ["chen"]
            let receipt = try await ingestOne(store, m)
            let record = try await store.fetchCase(receipt.caseID)
            try requireEqual(record?.status, .received, "status stays received")
            try requireEqual(record?.leader, "sun-wei", "leader")
            try requireEqual(record?.staff, "wang-li", "staff avoids the concerned person")
            try requireEqual(record?.deadline, deadline, "deadline")
            try requireEqual(record?.priority, .urgent, "priority")
            try requireEqual(record?.severity, .major, "severity")
            try requireEqual(record?.concerns, ["chen", "zhou"], "concerns from the message and the router")
            try requireEqual(record?.routing?.reasons, ["匹配规则「测试规则」", "承办人员：陈志强"], "reasons on the case")
            let trail = try await store.auditTrail(of: receipt.caseID)
            try requireEqual(trail.first?.details["routing"], "匹配规则「测试规则」；承办人员：陈志强", "reasons in the audit event")
            try requireEqual(trail.first?.details["staff"], "wang-li", "staff in the audit event")
            let outbox = try await store.outboxEntries(state: nil, limit: 10)
            try requireEqual(outbox.map(\.target), ["leaders"], "routed target planned in the same transaction")
            try requireEqual(outbox.first?.recipients, ["wang-li"], "recipient from the routed case")
            let reopened = try await open(ledger)
            try requireEqual(try await reopened.fetchCase(receipt.caseID)?.routing, record?.routing, "routing survives a reopen")
        },
        Check(description: "rules replaced in the settings' slot (a configuration reload) file the next case: new router, new vocabulary") { open in
            func router(_ staff: String) -> ClosureRouter { ClosureRouter { _, _ in RoutingOutcome(rules: [staff], staff: staff) } }
            let slot = IntakeRulesSlot(IntakeRules(factory: CaseFactory(vocabulary: vocabulary, router: router("chen"))))
            var ledger = settings()
            ledger.rules = slot
            let store = try await open(ledger)
            let before = try await ingestOne(store, message("reload-1", category: "耕地"))
            var wider = vocabulary
            wider.addCategory(code: "land", aliases: ["土地", "耕地"])
            slot.set(IntakeRules(factory: CaseFactory(vocabulary: wider, router: router("wang-li"))))
            let after = try await ingestOne(store, message("reload-2", category: "耕地"))
            let first = try await store.fetchCase(before.caseID), second = try await store.fetchCase(after.caseID)
            try requireEqual(first?.staff, "chen", "the case before the reload keeps the old rules' staff")
            try requireEqual(first?.flags, [.unknownCategory], "耕地 was no category before")
            try requireEqual(second?.staff, "wang-li", "the next case is routed by the new rules")
            try requireEqual(second?.category, "land", "and filed with the new vocabulary")
            try requireEqual(second?.flags, [], "no flag with the new vocabulary")
        },
    ]
}
