import Foundation
import MinqingCore

/// A case as one notification shows it: display names resolved, personal data masked unless the audience is
/// private. Templates render it and the webhook target sends it as JSON (schema in `Adapters/Webhook/README.md`).
public struct CaseSnapshot: Sendable, Hashable, Codable {
    public struct Person: Sendable, Hashable, Codable {
        public var name: String?
        public var phone: String?
        public var idNumber: String?
        public var email: String?
    }

    public var id: String
    public var status: String
    public var statusName: String
    public var channel: String
    public var channelName: String
    /// The source's reference (`12345:<工单号>`, `call:<id>`, a form id), so a receiving system can match its own record.
    public var sourceRef: String
    public var village: String?
    public var villageName: String?
    public var category: String?
    public var categoryName: String?
    public var subject: String
    public var body: String
    public var priority: String
    public var severity: String
    public var level: String
    public var registeredAt: Date
    public var deadline: Date?
    public var leader: String?
    public var leaderName: String?
    public var staff: String?
    public var staffName: String?
    public var complainant: Person
    public var outcome: String?
    public var replyText: String?
    public var escalatedTo: String?
    public var attachments: Int
    /// True when personal data is shown in full (e-mail to the assigned people, a target marked private).
    public var unmasked: Bool
    /// The citizen's `/status` lookup code: only in a message to the citizen themself.
    public var lookupCode: String? = nil
}
