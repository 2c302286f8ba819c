import Foundation
import Hummingbird
import MinqingCore

/// How every intake route answers once its message is durable (JSON intake, letters, SMS, 12345 work orders):
/// `201 Created` when the message opened a case (`IntakeReceipt.opensCase`), `200` for a redelivery or a follow-up,
/// `Location` naming the case, and a body with at least `case_id` and `status`.
public enum IntakeAnswer {
    /// The standard body: `{"case_id", "status", "follow_up"}`.
    public struct Receipt: Encodable, Sendable {
        public let caseID: CaseID
        public let status: CaseStatus
        public let followUp: Bool

        public init(_ receipt: IntakeReceipt) {
            caseID = receipt.caseID
            status = receipt.status
            followUp = receipt.followUp
        }
    }

    public static func response(_ receipt: IntakeReceipt) throws -> Response {
        try response(receipt, body: Receipt(receipt))
    }

    /// The answer with a route's own body (which must carry `case_id` and `status` too).
    public static func response(_ receipt: IntakeReceipt, body: some Encodable) throws -> Response {
        try Response.json(body, status: receipt.opensCase ? .created : .ok, headers: [.location: "/api/v1/cases/\(receipt.caseID)"])
    }
}
