import Foundation
import MinqingCore

/// The JSON body of a generic webhook (documented in README.md beside this file). The same notification always
/// has the same body, so a receiver may compare or hash it; only the `webhook-timestamp` header changes.
struct WebhookPayload: Encodable {
    struct Text: Encodable {
        var title: String
        var body: String
    }

    struct Links: Encodable {
        var `case`: String?
    }

    struct Payload: Encodable {
        var notificationID: String
        /// Absent for notifications about no single case (`market.duty`, `digest.daily`).
        var `case`: CaseSnapshot?
        var text: Text
        var links: Links

        enum CodingKeys: String, CodingKey {
            case notificationID = "notification_id", `case`, text, links
        }
    }

    var type: String
    var timestamp: Date
    var data: Payload

    static func body(for delivery: Delivery) -> [UInt8] {
        let payload = WebhookPayload(
            type: delivery.event, timestamp: delivery.createdAt,
            data: Payload(
                notificationID: delivery.id, case: delivery.snapshot,
                text: Text(title: delivery.content.title, body: delivery.content.plainText),
                links: Links(case: delivery.content.link)))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        return Array((try? encoder.encode(payload)) ?? Data("{}".utf8))
    }
}
