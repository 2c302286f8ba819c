import Foundation
import MinqingCore
import MinqingStore

/// The behaviour every store implementing `RelatedCaseStore` and `WarningStore` must show (run by each store's
/// test target like `CaseStoreConformance`). Time moves on a `ManualClock`; nothing sleeps.
public enum RelatedCaseConformance {
    public typealias Store = any CaseStore & RelatedCaseStore & WarningStore
    public typealias Opener = @Sendable (LedgerSettings) async throws -> Store

    public struct Check: Sendable, CustomStringConvertible {
        public let description: String
        let body: @Sendable (Opener) async throws -> Void

        public func run(_ makeFixture: @Sendable () async throws -> Opener) async throws {
            try await body(try await makeFixture())
        }
    }

    static let villageRule = WarningRule(
        name: "同村同类诉求集中", kind: .similarInVillage(minCases: 3, within: 24 * 3600, minScore: 0.2),
        notify: ["leaders-dingtalk", "county-webhook"])

    static func settings(rules: [WarningRule] = [villageRule]) -> LedgerSettings {
        var s = LedgerSettings(caseIDPrefix: "MQ", factory: CaseFactory(vocabulary: CaseStoreConformance.vocabulary))
        s.warnings = WarningSettings(related: RelatedSettings(), rules: rules, names: ["qingshan": "青山村", "hexi": "河西村"])
        return s
    }

    /// Four villagers' reports of one water cut, and an unrelated one.
    static let waterCut = [
        "青山村三组从昨天早上开始停水，到现在还没有来水，家里老人孩子没水喝，请尽快恢复供水。",
        "我是青山村三组村民，我们组从昨天早上停水到现在，一直没来水，请尽快恢复供水。",
        "反映青山村三组停水问题：从昨天早上开始没有来水，生活用水困难，希望尽快恢复供水。",
        "青山村三組停水一天多了，從昨天早上到現在沒來水，老人孩子沒水喝，麻煩儘快恢復供水。",
    ]
    static let streetLight = "河西村村口的路灯不亮好几天了，晚上一片漆黑，出行很不安全，请派人维修。"

    static func message(_ ref: String, _ body: String, phone: String?, village: String = "青山村", channel: Channel = .webform) -> InboundMessage {
        InboundMessage(
            channel: channel, sourceRef: ref, complainant: Complainant(name: "村民", phone: phone), village: village,
            subject: nil, body: body, raw: Data(body.utf8), rawContentType: "text/plain")
    }

    /// Stores `m` and runs repeat detection for it, as the hub's `RepeatDetector` does right after intake.
    static func ingest(_ store: Store, _ m: InboundMessage, _ clock: ManualClock) async throws -> CaseID {
        let id = try await store.ingest([m], at: clock.now())[0].get().caseID
        try await detect(store, clock)
        return id
    }

    /// Empties the repeat-detection queue.
    static func detect(_ store: Store, _ clock: ManualClock) async throws {
        while try await store.detectPendingRepeats(limit: 100, at: clock.now()) > 0 {}
    }

    /// A detection batch in which one case's comparison fails (`refuse` makes the store refuse to store that case's
    /// fingerprint — each store's test does it its own way, e.g. with a trigger): that case stays stored, without
    /// fingerprint, links or warning membership; the rest of the batch is linked and warned as if it were not there.
    public static func oneFailingCaseInABatch(_ open: Opener, refuse: @Sendable (CaseID) async throws -> Void) async throws {
        let (store, clock, ids) = try await fourWaterCutReports(open, prefix: "batch-", phone: "1380000000")
        let bad = ids[1]
        try await refuse(bad)
        try requireEqual(try await store.detectPendingRepeats(limit: 100, at: clock.now()), 4, "one batch takes all four")
        try requireEqual(try await store.pendingRepeatCount(), 0, "the failing case is not retried forever")
        try require(try await store.fetchCase(bad) != nil, "the failing case itself is untouched")
        try require(try await store.fingerprint(of: bad) == nil, "the failing case has no fingerprint")
        try requireEqual(try await store.relatedCases(of: bad).map(\.caseID), [], "the failing case has no links, either way")
        try await requireLinkedAndWarnedWithout(bad, among: ids, store)
    }

    /// A queued case whose stored document cannot be read (`corrupt` breaks it — each store's test writes something
    /// that is not JSON into it): detection sets that case aside, uncompared, and goes on with the rest of the queue
    /// instead of failing on it at every retry. The others are linked and warned as if it were not there.
    public static func unreadableCaseInTheQueue(_ open: Opener, corrupt: @Sendable (CaseID) async throws -> Void) async throws {
        let (store, clock, ids) = try await fourWaterCutReports(open, prefix: "unreadable-", phone: "1390000000")
        let bad = ids[1]
        try await corrupt(bad)
        var taken = 0
        for _ in 0..<10 {  // a few rounds at most: the store may take the unreadable case in a round of its own
            let n = try await store.detectPendingRepeats(limit: 100, at: clock.now())
            if n == 0 { break }
            taken += n
        }
        try requireEqual(taken, 4, "every queued case is taken off the queue, the unreadable one too")
        try requireEqual(try await store.pendingRepeatCount(), 0, "the queue is empty")
        try require(try await store.fingerprint(of: bad) == nil, "the unreadable case is not compared")
        try await requireLinkedAndWarnedWithout(bad, among: ids, store)
    }

    /// Stores the four water-cut reports a minute apart from four phones, without running detection.
    static func fourWaterCutReports(_ open: Opener, prefix: String, phone: String) async throws -> (Store, ManualClock, [CaseID]) {
        let store = try await open(settings())
        let clock = ManualClock(CaseStoreConformance.start)
        var ids: [CaseID] = []
        for (i, body) in waterCut.prefix(4).enumerated() {
            ids.append(try await store.ingest([message("\(prefix)\(i)", body, phone: "\(phone)\(i)")], at: clock.now())[0].get().caseID)
            clock.advance(by: 60)
        }
        return (store, clock, ids)
    }

    /// The cases of `ids` other than `bad` have fingerprints, are linked to each other and share one warning that
    /// leaves `bad` out.
    static func requireLinkedAndWarnedWithout(_ bad: CaseID, among ids: [CaseID], _ store: Store) async throws {
        let good = ids.filter { $0 != bad }
        for id in good {
            try require(try await store.fingerprint(of: id) != nil, "\(id) has its fingerprint")
            try requireEqual(
                Set(try await store.relatedCases(of: id).map(\.caseID)), Set(good).subtracting([id]), "\(id) is linked to the others")
        }
        let warnings = try await store.warnings(containing: good[0])
        try requireEqual(warnings.count, 1, "the other reports raise one warning")
        try requireEqual(Set(warnings.first?.members ?? []), Set(good), "without \(bad)")
    }

    public static let checks: [Check] = [
        Check(description: "similar reports from different phones and channels are linked both ways, an unrelated one is not") { open in
            let store = try await open(settings(rules: []))
            let clock = ManualClock(CaseStoreConformance.start)
            let a = try await ingest(store, message("w1", waterCut[0], phone: "13800000001"), clock)
            clock.advance(by: 3600)
            let b = try await ingest(store, message("w2", waterCut[1], phone: "13800000002", channel: .mailbox), clock)
            clock.advance(by: 3600)
            let c = try await ingest(store, message("w3", streetLight, phone: "13800000003", village: "河西村"), clock)
            let fromB = try await store.relatedCases(of: b)
            try requireEqual(fromB.map(\.caseID), [a], "b is related to a")
            try requireEqual(fromB.first?.reason, .similarText, "reason")
            try require((0.25...1).contains(fromB.first?.score ?? 0), "score \(fromB.first?.score ?? 0) in 0.25…1")
            try requireEqual(try await store.relatedCases(of: a).map(\.caseID), [b], "a sees the later b")
            try requireEqual(try await store.relatedCases(of: c), [], "the street light is related to nothing")
            try require(try await store.fingerprint(of: c) != nil, "the fingerprint is stored once the case is compared")
        },
        Check(description: "intake only queues a new case; detection takes each queued case once, in order, and never a redelivery") { open in
            let store = try await open(settings(rules: []))
            let clock = ManualClock(CaseStoreConformance.start)
            let a = try await store.ingest([message("q1", waterCut[0], phone: nil)], at: clock.now())[0].get().caseID
            clock.advance(by: 60)
            let b = try await store.ingest([message("q2", waterCut[1], phone: nil)], at: clock.now())[0].get().caseID
            _ = try await store.ingest([message("q2", waterCut[1], phone: nil)], at: clock.now())  // a redelivery
            try requireEqual(try await store.pendingRepeatCount(), 2, "two new cases queued, the redelivery not")
            try requireEqual(try await store.relatedCases(of: b), [], "nothing linked before detection")
            try require(try await store.fingerprint(of: a) == nil, "no fingerprint before detection")
            try requireEqual(try await store.detectPendingRepeats(limit: 1, at: clock.now()), 1, "one at a time when asked so")
            try requireEqual(try await store.pendingRepeatCount(), 1, "the other still queued")
            try requireEqual(try await store.detectPendingRepeats(limit: 10, at: clock.now()), 1, "the second")
            try requireEqual(try await store.detectPendingRepeats(limit: 10, at: clock.now()), 0, "nothing left")
            try requireEqual(try await store.relatedCases(of: b).map(\.caseID), [a], "b, compared after a, is linked to it")
            try requireEqual(try await store.relatedCases(of: a).map(\.caseID), [b], "and a to b")
        },
        Check(description: "cases compared in one detection batch are linked and warned about as if compared one by one") { open in
            // The SQLite store prepares a batch's comparisons on a reader before its write: the batch's own earlier
            // cases are not in that snapshot and must still be found.
            let store = try await open(settings())
            let clock = ManualClock(CaseStoreConformance.start)
            var ids: [CaseID] = []
            for i in 0..<3 {
                ids.append(try await store.ingest([message("t\(i)", waterCut[i], phone: "1380000003\(i)")], at: clock.now())[0].get().caseID)
                clock.advance(by: 600)
            }
            let same = try await store.ingest([message("t3", streetLight, phone: "13800000030", village: "河西村")], at: clock.now())[0].get().caseID
            try requireEqual(try await store.detectPendingRepeats(limit: 100, at: clock.now()), 4, "all four in one batch")
            try requireEqual(Set(try await store.relatedCases(of: ids[2]).map(\.caseID)), Set(ids.prefix(2)), "the third finds the two before it")
            try requireEqual(Set(try await store.relatedCases(of: ids[1]).map(\.caseID)), [ids[0], ids[2]], "the second both others")
            try requireEqual(try await store.relatedCases(of: same).map(\.reason), [.samePhone], "the same phone, in the same batch")
            let warnings = try await store.warnings(states: [], limit: 10)
            try requireEqual(warnings.map(\.members), [ids], "one warning of the three water cuts")
        },
        Check(description: "the same whole phone links whatever the text; a masked phone links nothing") { open in
            let store = try await open(settings(rules: []))
            let clock = ManualClock(CaseStoreConformance.start)
            let a = try await ingest(store, message("p1", waterCut[0], phone: "138 1234 5678"), clock)
            clock.advance(by: 60)
            let b = try await ingest(store, message("p2", streetLight, phone: "+8613812345678"), clock)
            try requireEqual(try await store.relatedCases(of: b).map(\.reason), [.samePhone], "same phone")
            clock.advance(by: 60)
            let m1 = try await ingest(store, message("p3", "拖欠工资三个月", phone: "139****0000"), clock)
            clock.advance(by: 60)
            let m2 = try await ingest(store, message("p4", "路面塌陷", phone: "139****0000"), clock)
            try requireEqual(try await store.relatedCases(of: m2).map(\.caseID).contains(m1), false, "masked numbers are not compared")
            _ = a
        },
        Check(description: "the same resident ID number links whatever the text and phone; an invalid number links nothing") { open in
            let store = try await open(settings(rules: []))
            let clock = ManualClock(CaseStoreConformance.start)
            func withID(_ ref: String, _ body: String, phone: String, _ idNumber: String) -> InboundMessage {
                var m = message(ref, body, phone: phone)
                m.complainant.idNumber = idNumber
                return m
            }
            let a = try await ingest(store, withID("i1", waterCut[0], phone: "13800000041", "11010519491231002X"), clock)
            clock.advance(by: 60)
            let b = try await ingest(store, withID("i2", streetLight, phone: "13800000042", "11010519491231002x"), clock)
            try requireEqual(try await store.relatedCases(of: b).map(\.caseID), [a], "same ID number, lower-case x")
            try requireEqual(try await store.relatedCases(of: b).map(\.reason), [.sameIDNumber], "linked for the ID number")
            clock.advance(by: 60)
            let c = try await ingest(store, withID("i3", "拖欠工资三个月", phone: "13800000043", "440524188001010015"), clock)
            clock.advance(by: 60)
            let d = try await ingest(store, withID("i4", "路面塌陷", phone: "13800000044", "440524188001010015"), clock)
            try requireEqual(try await store.relatedCases(of: d).map(\.caseID).contains(c), false, "a number failing its check digit is not compared")
        },
        Check(description: "a case merged into another drops out of related lists and counts toward no warning; links are never merges") { open in
            let store = try await open(settings())
            let clock = ManualClock(CaseStoreConformance.start)
            let a = try await ingest(store, message("m1", waterCut[0], phone: nil), clock)
            clock.advance(by: 60)
            let b = try await ingest(store, message("m2", waterCut[1], phone: nil), clock)
            try requireEqual(try await store.fetchCase(b)?.status, .received, "not merged automatically")
            _ = try await store.apply(.merge(into: a, reason: "同一事项"), to: b, actor: "王丽", expectedVersion: nil, at: clock.now())
            try requireEqual(try await store.relatedCases(of: a), [], "merged case left out")
            clock.advance(by: 60)
            let c = try await ingest(store, message("m3", waterCut[2], phone: nil), clock)
            try requireEqual(try await store.relatedCases(of: c).map(\.caseID), [a], "a later report meets the case, not the one merged into it")
            try requireEqual(try await store.warnings(states: [], limit: 10).count, 0, "two reports of one village, not three: no warning")
        },
        Check(description: "three similar cases in one village raise one warning with one outbox row per target; the fourth updates it") { open in
            let store = try await open(settings())
            let clock = ManualClock(CaseStoreConformance.start)
            var ids: [CaseID] = []
            for (i, text) in waterCut.prefix(2).enumerated() {
                ids.append(try await ingest(store, message("v\(i)", text, phone: "1380000000\(i)"), clock))
                clock.advance(by: 1800)
            }
            try requireEqual(try await store.warnings(states: [], limit: 10).count, 0, "two cases raise nothing")
            _ = try await ingest(store, message("light", streetLight, phone: "13900000009", village: "青山村"), clock)
            ids.append(try await ingest(store, message("v2", waterCut[2], phone: "13800000002"), clock))
            let raised = try await store.warnings(states: [.open], limit: 10)
            try requireEqual(raised.count, 1, "one warning")
            try requireEqual(raised[0].members, ids, "members: the three water-cut cases, not the street light")
            try requireEqual(raised[0].scope, "qingshan", "scope")
            let rows = try await store.outboxEntries(state: nil, limit: 100).filter { $0.event.hasPrefix("warning.") }
            try requireEqual(rows.map(\.event), ["warning.raised", "warning.raised"], "one raised row per target")
            try requireEqual(Set(rows.map(\.target)), ["leaders-dingtalk", "county-webhook"], "targets")
            try require(rows.allSatisfy { $0.caseID == nil && ($0.context ?? "").contains("青山村") }, "rows carry the warning as context")
            clock.advance(by: 3600)
            ids.append(try await ingest(store, message("v3", waterCut[3], phone: "13800000003", channel: .hotline), clock))
            let grown = try await store.warnings(states: [], limit: 10)
            try requireEqual(grown.count, 1, "still one warning")
            try requireEqual(grown[0].members, ids, "the fourth joined")
            let after = try await store.outboxEntries(state: nil, limit: 100).filter { $0.event.hasPrefix("warning.") }
            try requireEqual(after.filter { $0.event == "warning.updated" }.count, 2, "one update row per target")
            try requireEqual(try await store.warnings(containing: ids[3]).map(\.id), [grown[0].id], "warnings of a case")
        },
        Check(description: "updates are throttled per warning and target: one per interval, refreshed with the latest count until handed over, the final count sent later") { open in
            var s = settings()
            s.warnings?.updateInterval = 3600
            let store = try await open(s)
            let clock = ManualClock(CaseStoreConformance.start)
            let raisedAt = clock.now()
            func join(_ i: Int) async throws {
                _ = try await ingest(store, message("t\(i)", waterCut[i % waterCut.count], phone: "1380000001\(i)"), clock)
            }
            for i in 0..<3 { try await join(i) }  // raised at once
            func updates() async throws -> [OutboxEntry] {
                try await store.outboxEntries(state: nil, limit: 100).filter { $0.event == "warning.updated" }
                    .sorted { ($0.nextAttemptAt, $0.target) < ($1.nextAttemptAt, $1.target) }
            }
            func count(_ e: OutboxEntry) -> String? {
                let json = (try? JSONSerialization.jsonObject(with: Data((e.context ?? "").utf8))) as? [String: Any]
                return (json?["warning"] as? [String: Any])?["count"] as? String
            }
            clock.advance(by: 600)
            try await join(3)
            clock.advance(by: 600)
            try await join(4)
            var rows = try await updates()
            try requireEqual(rows.count, 2, "one waiting update per target for two joining cases")
            try requireEqual(Set(rows.map(\.nextAttemptAt)), [raisedAt.addingTimeInterval(3600)], "due an interval after the raising")
            try requireEqual(rows.map(count), ["5", "5"], "refreshed with the latest count")
            let early = try await store.claimNotifications(dueAt: clock.now(), leaseUntil: clock.now().addingTimeInterval(60),
                                                           limits: ["leaders-dingtalk": 10, "county-webhook": 10])
            try requireEqual(early.filter { $0.event == "warning.updated" }.count, 0, "nothing goes before the interval")
            clock.set(raisedAt.addingTimeInterval(3600))
            let claimed = try await store.claimNotifications(dueAt: clock.now(), leaseUntil: clock.now().addingTimeInterval(60),
                                                             limits: ["leaders-dingtalk": 10, "county-webhook": 10])
            try requireEqual(claimed.filter { $0.event == "warning.updated" }.map(count), ["5", "5"], "handed over with the latest state")
            clock.advance(by: 600)
            try await join(5)  // after the hand-over: a new update, an interval after the last one
            rows = try await updates()
            try requireEqual(rows.count, 4, "a second update per target")
            try requireEqual(rows.suffix(2).map(\.nextAttemptAt), [raisedAt.addingTimeInterval(7200), raisedAt.addingTimeInterval(7200)],
                             "due an interval after the first update")
            try requireEqual(rows.suffix(2).map(count), ["6", "6"], "the final count is sent")
            try requireEqual(rows.prefix(2).map(count), ["5", "5"], "the handed-over update is not rewritten")
        },
        Check(description: "cases joining a warning in one detection batch write one update per target, with the count after the batch") { open in
            var s = settings()
            s.warnings?.updateInterval = 0  // each update at once: only the batching keeps it to one
            let store = try await open(s)
            let clock = ManualClock(CaseStoreConformance.start)
            for i in 0..<3 {
                _ = try await ingest(store, message("b\(i)", waterCut[i], phone: "1380000002\(i)"), clock)
                clock.advance(by: 600)
            }
            let burst = (3..<6).map { message("b\($0)", waterCut[$0 % waterCut.count], phone: "1380000002\($0)") }
            let receipts = try await store.ingest(burst, at: clock.now())
            try require(receipts.allSatisfy { (try? $0.get().created) == true }, "the batch's cases are stored")
            try requireEqual(try await store.detectPendingRepeats(limit: 100, at: clock.now()), 3, "compared in one detection batch")
            let warning = try await store.warnings(states: [], limit: 10)
            try requireEqual(warning.first?.members.count, 6, "all three joined")
            let updates = try await store.outboxEntries(state: nil, limit: 100).filter { $0.event == "warning.updated" }
            try requireEqual(updates.count, 2, "one update per target for the whole batch")
            let counts = updates.map { e -> String? in
                let json = (try? JSONSerialization.jsonObject(with: Data((e.context ?? "").utf8))) as? [String: Any]
                return (json?["warning"] as? [String: Any])?["count"] as? String
            }
            try requireEqual(counts, ["6", "6"], "with the count after the batch")
        },
        Check(description: "a leader acknowledges a warning once, audited; a second acknowledgement is refused") { open in
            let store = try await open(settings())
            let clock = ManualClock(CaseStoreConformance.start)
            for (i, text) in waterCut.prefix(3).enumerated() {
                _ = try await ingest(store, message("a\(i)", text, phone: nil), clock)
                clock.advance(by: 600)
            }
            let w = try await store.warnings(states: [.open], limit: 10)[0]
            let acked = try await store.acknowledgeWarning(id: w.id, by: "liu-jianguo", note: "已安排水利站排查", at: clock.now())
            try requireEqual(acked.state, .acknowledged, "state")
            try requireEqual(acked.acknowledgedBy, "liu-jianguo", "by")
            try requireEqual(acked.acknowledgedAt, clock.now(), "at")
            try requireEqual(try await store.warningEvents(id: w.id).map(\.action), ["raised", "acknowledged"], "audit")
            do {
                _ = try await store.acknowledgeWarning(id: w.id, by: "sun-wei", note: nil, at: clock.now())
                throw ConformanceFailure("a second acknowledgement must be refused")
            } catch let error as WarningStoreError {
                guard case .alreadyAcknowledged(let by, _) = error else { throw ConformanceFailure("wrong error \(error)") }
                try requireEqual(by, "liu-jianguo", "first acknowledger named")
            }
            try requireEqual(try await store.warnings(states: [.open], limit: 10).count, 0, "no open warnings left")
        },
        Check(description: "cases a day apart do not form a cluster; a redelivery is not compared twice") { open in
            let store = try await open(settings())
            let clock = ManualClock(CaseStoreConformance.start)
            for (i, text) in waterCut.prefix(3).enumerated() {
                _ = try await ingest(store, message("d\(i)", text, phone: nil), clock)
                _ = try await ingest(store, message("d\(i)", text, phone: nil), clock)
                clock.advance(by: 25 * 3600)
            }
            try requireEqual(try await store.warnings(states: [], limit: 10).count, 0, "no warning")
        },
    ]
}
