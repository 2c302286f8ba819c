import Foundation
import MinqingCore
import MinqingStore

extension CaseStoreConformance {
    /// The `HotlineLedger` part of the store contract. Run like `checks`, with an opener whose stores are also
    /// `HotlineLedger`s.
    public static let hotlineChecks: [Check] = [
        Check(description: "a call record upserts by call id and keeps its case link when saved again without one") { open in
            let store = try await open(settings())
            let ledger = try hotline(store)
            let r = try await ingestOne(store, message("call:c-1"))
            let ringing = StoredCall(callID: "c-1", caller: "13812345678", startedAt: start, result: "ringing",
                                     document: Data("{\"r\":1}".utf8), updatedAt: start)
            try await ledger.saveCalls([ringing], cursor: nil)
            var ended = ringing
            ended.result = "answered"
            ended.document = Data("{\"r\":2}".utf8)
            ended.caseID = r.caseID
            ended.role = "notes"
            try await ledger.saveCalls([ended], cursor: nil)
            var again = ended
            again.caseID = nil
            again.role = nil
            try await ledger.saveCalls([again], cursor: nil)
            let stored = try await ledger.call("c-1")
            try requireEqual(stored?.result, "answered", "result updated")
            try requireEqual(stored?.document, Data("{\"r\":2}".utf8), "document updated")
            try requireEqual(stored?.caseID, r.caseID, "case link kept")
            try requireEqual(stored?.role, "notes", "role kept")
            try requireEqual(try await ledger.call("nope"), nil, "unknown call")
        },
        Check(description: "cases are found by normalised phone on every channel, newest first; call-back cases by their role") { open in
            let store = try await open(settings())
            let ledger = try hotline(store)
            var web = message("w-1")
            web.complainant.phone = "+86 138-1234-5678"
            let a = try await ingestOne(store, web)
            var call = message("call:c-2")
            call.channel = .hotline
            let b = try await ingestOne(store, call, at: start.addingTimeInterval(60))
            var other = message("w-2")
            other.complainant.phone = "13900000000"
            _ = try await ingestOne(store, other)
            let found = try await ledger.cases(withPhone: "008613812345678", limit: 10)
            try requireEqual(found.map(\.id), [b.caseID, a.caseID], "both channels, newest first")
            try requireEqual(try await ledger.cases(withPhone: "", limit: 10), [], "no phone, no cases")
            try await ledger.saveCalls([StoredCall(callID: "c-2", caller: "13812345678", startedAt: start, result: "missed",
                                                   document: Data(), caseID: b.caseID, role: "callback", updatedAt: start)],
                                       cursor: nil)
            try requireEqual(try await ledger.caseIDs(withPhone: "13812345678", limit: 1), [b.caseID], "ids, newest first, limited")
            try requireEqual(try await ledger.openCallbackCases(for: "138 1234 5678").map(\.id), [b.caseID], "open call-back case")
            try requireEqual(try await ledger.openCallbackCases(for: "13900000000"), [], "no call-back for another number")
            for action in [CaseAction.reject(reason: "重复来电")] {
                _ = try await store.apply(action, to: b.caseID, actor: "王丽", expectedVersion: nil, at: start)
            }
            try requireEqual(try await ledger.openCallbackCases(for: "13812345678"), [], "a closed-off call-back is not open")
        },
        Check(description: "a new case links to the earlier cases its message names; a follow-up does not") { open in
            let store = try await open(settings())
            let a = try await ingestOne(store, message("r-1"))
            var repeated = message("r-2")
            repeated.repeatOf = [a.caseID]
            let b = try await ingestOne(store, repeated)
            try requireEqual(try await store.fetchCase(b.caseID)?.repeatOf, [a.caseID], "repeat link")
            try requireEqual(try await store.auditTrail(of: b.caseID).first?.details["repeat_of"], a.caseID.description, "audit names it")
            try requireEqual(try await store.fetchCase(a.caseID)?.repeatOf, [], "the earlier case is unchanged")
        },
        Check(description: "a cursor commits with its call records and survives reopening; rejected input is kept once") { open in
            let store = try await open(settings())
            let ledger = try hotline(store)
            try requireEqual(try await ledger.cursor(for: "asterisk:Master.csv"), nil, "no cursor yet")
            let cursor = SourceCursor(fileID: "2049:1234", offset: 4096, line: 17)
            try await ledger.saveCalls([], cursor: ("asterisk:Master.csv", cursor))
            let reopened = try hotline(try await open(settings()))
            try requireEqual(try await reopened.cursor(for: "asterisk:Master.csv"), cursor, "cursor after reopening")
            let bad = RejectedInput(source: "asterisk:Master.csv", line: 3, column: 10, field: "start",
                                    reason: "时间格式不对", raw: Data("x,y".utf8), at: start)
            try require(try await reopened.keepRejected(bad), "first time kept")
            var sameAgain = bad
            sameAgain.line = 9
            try require(!(try await reopened.keepRejected(sameAgain)), "same input again is not kept twice")
            let kept = try await reopened.rejectedInputs(source: nil, limit: 10)
            try requireEqual(kept.count, 1, "one row")
            try requireEqual(kept.first?.line, 3, "line")
            try requireEqual(kept.first?.column, 10, "column")
            try requireEqual(kept.first?.field, "start", "field")
            try requireEqual(try await reopened.rejectedInputs(source: "other", limit: 10).count, 0, "filtered by source")
        },
        Check(description: "a rejected body keeps an excerpt and the hash of the whole; old and surplus rows are pruned") { open in
            var limited = settings()
            limited.rejectedRetention = RejectedRetention(maxRows: 3, maxAge: 7 * 86_400)
            let ledger = try hotline(try await open(limited))
            let huge = Data(String(repeating: "热线通话记录", count: 100_000).utf8)  // 1.8 MB
            try require(try await ledger.keepRejected(RejectedInput(
                source: "hotline.calls", field: "ring_time", reason: "时间格式不对", raw: huge, at: start)), "kept")
            let row = try await ledger.rejectedInputs(source: "hotline.calls", limit: 10).first
            try requireEqual(row?.raw.count ?? 0 <= RejectedInput.excerptLimit, true, "only an excerpt is stored")
            try requireEqual(row.map { String(decoding: $0.raw, as: UTF8.self).contains("\u{FFFD}") }, false, "cut at a character boundary")
            try requireEqual(row?.rawBytes, huge.count, "size of the whole body")
            try requireEqual(row?.rawSHA256, RejectedInput(source: "x", field: "", reason: "", raw: huge, at: start).rawSHA256, "hash of the whole body")
            try requireEqual(row?.isTruncated, true, "marked as truncated")
            // Three more a day apart: the cap keeps the newest three.
            for day in 1...3 {
                try await ledger.keepRejected(RejectedInput(
                    source: "hotline.sms", field: "text", reason: "缺少内容", raw: Data("短信 \(day)".utf8),
                    at: start.addingTimeInterval(Double(day) * 86_400)))
            }
            let capped = try await ledger.rejectedInputs(source: nil, limit: 10)
            try requireEqual(capped.map(\.source), ["hotline.sms", "hotline.sms", "hotline.sms"], "the oldest row went over the cap")
            // One more ten days later: everything older than seven days before it goes.
            try await ledger.keepRejected(RejectedInput(
                source: "hotline.sms", field: "text", reason: "缺少内容", raw: Data("短信 最新".utf8),
                at: start.addingTimeInterval(13 * 86_400)))
            let pruned = try await ledger.rejectedInputs(source: nil, limit: 10)
            try requireEqual(pruned.map { String(decoding: $0.raw, as: UTF8.self) }, ["短信 最新"], "rows past the age limit are pruned")
        },
    ]

    static func hotline(_ store: any CaseStore) throws -> any HotlineLedger {
        guard let ledger = store as? any HotlineLedger else { throw ConformanceFailure("the store is not a HotlineLedger") }
        return ledger
    }
}
