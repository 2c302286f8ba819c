import Foundation
import Hummingbird
import HummingbirdTesting
import MinqingCore
import Testing

@Suite("Paper letters API")
struct LetterAPITests {
    static var letter: [String: Any] { [
        "letter_no": "XF-2026-0101", "received_at": "2026-11-21", "name": "张秀英", "phone": "13812345678",
        "village": "青山村", "category": "土地", "subject": "宅基地纠纷", "body": "邻居建房占了我家宅基地，请派人丈量。",
        "scans": [["filename": "第1页.jpg", "data": Data("page-one".utf8).base64EncodedString()]],
    ] }

    @Test("a typed letter with scans becomes a mailbox case (201); the same letter number again answers 200 with it")
    func registerThenRepeat() async throws {
        let hub = try TestHub()
        try await hub.test { client in
            let first = try await client.execute(uri: "/api/v1/letters", method: .post, headers: auth, body: json(Self.letter))
            #expect(first.status == .created)
            let again = try await client.execute(uri: "/api/v1/letters", method: .post, headers: auth, body: json(Self.letter))
            #expect(again.status == .ok)
            #expect(try decode(again)["case_id"] as? String == (try decode(first))["case_id"] as? String)
        }
        let record = try #require(try await hub.store.searchCases(.init()).items.first)
        #expect(record.channel == .mailbox)
        #expect(record.sourceRef == "letter:XF-2026-0101")
        #expect(record.receivedAt == Date(iso: "2026-11-21T00:00:00+08:00"))
        #expect(record.attachments.map(\.filename) == ["第1页.jpg"])
        #expect(record.attachments.first?.contentType == "image/jpeg")
        #expect(try await hub.store.attachmentData(sha256: record.attachments[0].sha256) == Data("page-one".utf8))
    }

    @Test("a letter without its number or text, or with a bad date or scan, is refused naming the field; nothing is stored")
    func refused() async throws {
        let hub = try TestHub()
        try await hub.test { client in
            for (field, change) in [("letter_no", ["letter_no": ""]), ("body", ["body": " "]), ("received_at", ["received_at": "上周"]),
                                    ("scans[0].data", ["scans": [["filename": "a.jpg", "data": "%%%"]]])] as [(String, [String: Any])] {
                let body = Self.letter.merging(change) { $1 }
                let r = try await client.execute(uri: "/api/v1/letters", method: .post, headers: auth, body: json(body))
                #expect(r.status == .unprocessableContent, "\(field)")
                let errors = try decode(r)["errors"] as? [[String: Any]]
                #expect(errors?.first?["field"] as? String == field)
            }
        }
        #expect(try await hub.store.searchCases(.init()).total == 0)
    }
}
