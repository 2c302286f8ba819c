import Foundation
import Testing
@testable import MailboxAdapter

struct OperatorJSONTests {
    @Test("exactly the documented keys, with explicit nulls for missing values")
    func keys() throws {
        let json = ParsedMail(subject: "无", from: MailAddress(address: "a@x.cn")).operatorJSON()
        let object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        #expect(Set(object.keys) == ["message_id", "subject", "from", "to", "date", "text", "html_present",
                                     "attachments", "warnings"])
        #expect(object["message_id"] is NSNull)
        #expect(object["date"] is NSNull)
        let from = try #require(object["from"] as? [String: Any])
        #expect(from["name"] is NSNull)
        #expect(ParsedMail().operatorJSON().count > 0)
    }

    @Test("sorted keys, unescaped Chinese and slashes, ISO 8601 date with +08:00")
    func formatting() throws {
        let mail = ParsedMail(
            messageID: "a/b@x.cn", subject: "拆迁补偿", date: Date(timeIntervalSince1970: 1_709_601_153),
            attachments: [MailAttachment(filename: "协议.pdf", contentType: "application/pdf", size: 3, sha256: "ab")])
        let text = String(decoding: mail.operatorJSON(), as: UTF8.self)
        #expect(text.contains("\"subject\" : \"拆迁补偿\""))
        #expect(text.contains("\"message_id\" : \"a/b@x.cn\""))
        #expect(text.contains("\"date\" : \"2024-03-05T09:12:33+08:00\""))
        #expect(text.contains("\"content_type\" : \"application/pdf\""))
        let keys = ["attachments", "date", "from", "html_present", "message_id", "subject", "text", "to", "warnings"]
        let positions = keys.compactMap { text.range(of: "\n  \"\($0)\"")?.lowerBound }
        #expect(positions.count == keys.count)
        #expect(positions == positions.sorted())
        let utc = String(decoding: mail.operatorJSON(timeZone: TimeZone(secondsFromGMT: 0)!), as: UTF8.self)
        #expect(utc.contains("\"date\" : \"2024-03-05T01:12:33Z\""))
    }

    @Test("the Codable form round-trips without attachment data")
    func codable() throws {
        let mail = MailParser().parse(try Fixtures.data("04-foxmail-pollution-photo.eml"))
        let decoded = try JSONDecoder().decode(ParsedMail.self, from: try JSONEncoder().encode(mail))
        #expect(decoded.attachments.first?.data == nil)
        var withoutData = mail
        withoutData.attachments = mail.attachments.map { var copy = $0; copy.data = nil; return copy }
        #expect(decoded == withoutData)
    }
}
