import Foundation
import Hummingbird
import HummingbirdTesting
import MinqingCore
import Testing

@Suite("Intake API")
struct IntakeAPITests {
    @Test("a new message answers 201 with the case id; the same message again answers 200 with the same id")
    func createThenRedeliver() async throws {
        let hub = try TestHub()
        try await hub.test { client in
            let first = try await client.execute(uri: "/api/v1/messages", method: .post, headers: auth, body: json(sampleMessage))
            #expect(first.status == .created)
            let body = try decode(first)
            #expect(body["case_id"] as? String == "MQ-20261122-0001")
            #expect(body["status"] as? String == "received")
            #expect(first.headers[.location] == "/api/v1/cases/MQ-20261122-0001")
            let again = try await client.execute(uri: "/api/v1/messages", method: .post, headers: auth, body: json(sampleMessage))
            #expect(again.status == .ok)
            #expect(try decode(again)["case_id"] as? String == "MQ-20261122-0001")
        }
        let stored = try await hub.store.fetchCase(CaseID("MQ-20261122-0001")!)
        #expect(stored?.village == "431028101201")
        #expect(stored?.category == "land")
        #expect(stored?.receivedAt == Date(iso: "2026-11-22T08:15:00+08:00"))
        #expect(try await hub.store.searchCases(.init()).total == 1)
    }

    @Test("only channel, source_ref and body are required; unknown village and category are kept and flagged")
    func minimalAndUnknown() async throws {
        let hub = try TestHub()
        try await hub.test { client in
            let r = try await client.execute(uri: "/api/v1/messages", method: .post, headers: auth, body: json([
                "channel": "hotline", "source_ref": "call-88", "body": "桃花坞组路灯坏了半个月", "village": "桃花坞", "category": "路灯照明",
            ]))
            #expect(r.status == .created)
        }
        let record = try await hub.store.searchCases(.init()).items[0]
        #expect(record.village == "桃花坞" && record.category == "路灯照明")
        #expect(Set(record.flags) == [.unknownVillage, .unknownCategory, .missingSubject])
    }

    @Test("each malformed request is refused with a problem naming the field, and nothing is stored", arguments: [
        (["source_ref": "x", "body": "b"], "channel", 422),
        (["channel": "fax", "source_ref": "x", "body": "b"], "channel", 422),
        (["channel": "webform", "body": "b"], "source_ref", 422),
        (["channel": "webform", "source_ref": "  ", "body": "b"], "source_ref", 422),
        (["channel": "webform", "source_ref": "x"], "body", 422),
        (["channel": "webform", "source_ref": "x", "body": 42], "body", 422),
        (["channel": "webform", "source_ref": "x", "body": "b", "received_at": "昨天"], "received_at", 422),
        (["channel": "webform", "source_ref": "x", "body": "b", "complainant": ["phone": 138]], "complainant.phone", 422),
        (["channel": "webform", "source_ref": "x", "body": "b", "attachments": [["filename": "a.jpg", "data": "%%%"]]], "attachments[0].data", 422),
        (["channel": "webform", "source_ref": "x", "body": "b", "attachments": [["data": "aGk="]]], "attachments[0].filename", 422),
    ] as [([String: any Sendable], String, Int)])
    func refused(_ message: [String: any Sendable], _ field: String, _ status: Int) async throws {
        let hub = try TestHub()
        try await hub.test { client in
            let r = try await client.execute(uri: "/api/v1/messages", method: .post, headers: auth, body: json(message))
            #expect(r.status.code == status)
            #expect(r.headers[.contentType] == "application/problem+json; charset=utf-8")
            let problem = try decode(r)
            let errors = problem["errors"] as? [[String: String]] ?? []
            #expect(errors.first?["field"] == field, "\(problem)")
            #expect((problem["detail"] as? String)?.isEmpty == false)
        }
        #expect(try await hub.store.searchCases(.init()).total == 0)
    }

    @Test("a body that is not JSON is a 400 that says so")
    func notJSON() async throws {
        try await TestHub().test { client in
            let r = try await client.execute(uri: "/api/v1/messages", method: .post, headers: auth, body: ByteBuffer(string: "{channel: webform"))
            #expect(r.status == .badRequest)
            #expect((try decode(r)["detail"] as? String)?.contains("不是有效的 JSON") == true)
        }
    }

    @Test("a missing or wrong bearer token is a 401 and nothing is stored")
    func unauthorized() async throws {
        let hub = try TestHub()
        try await hub.test { client in
            let none = try await client.execute(uri: "/api/v1/messages", method: .post, headers: [.contentType: "application/json"], body: json(sampleMessage))
            #expect(none.status == .unauthorized)
            #expect(none.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
            let wrong = try await client.execute(uri: "/api/v1/messages", method: .post,
                                                 headers: [.authorization: "Bearer not-the-token-0123456789"], body: json(sampleMessage))
            #expect(wrong.status == .unauthorized)
            let list = try await client.execute(uri: "/api/v1/cases", method: .get)
            #expect(list.status == .unauthorized)
        }
        #expect(try await hub.store.searchCases(.init()).total == 0)
    }

    @Test("an oversize body is a 413 and nothing is stored")
    func oversize() async throws {
        let hub = try TestHub(maxBodyBytes: 4096)
        var big = sampleMessage
        big["body"] = String(repeating: "很长的内容", count: 2000)
        let bigBody = json(big)
        try await hub.test { client in
            let r = try await client.execute(uri: "/api/v1/messages", method: .post, headers: auth, body: bigBody)
            #expect(r.status == .contentTooLarge)
            #expect((try decode(r)["detail"] as? String)?.contains("4096") == true)
        }
        #expect(try await hub.store.searchCases(.init()).total == 0)
    }

    @Test("attachments arrive as base64 and are stored by content hash")
    func attachments() async throws {
        let hub = try TestHub()
        var m = sampleMessage
        let photo = Data((0..<3000).map { UInt8($0 % 256) })
        m["attachments"] = [["filename": "现场照片.jpg", "content_type": "image/jpeg", "data": photo.base64EncodedString()]]
        let withPhoto = json(m)
        try await hub.test { client in
            let r = try await client.execute(uri: "/api/v1/messages", method: .post, headers: auth, body: withPhoto)
            #expect(r.status == .created)
        }
        let record = try await hub.store.fetchCase(CaseID("MQ-20261122-0001")!)!
        #expect(record.attachments.map(\.filename) == ["现场照片.jpg"])
        #expect(try await hub.store.attachmentData(sha256: record.attachments[0].sha256) == photo)
    }
}
