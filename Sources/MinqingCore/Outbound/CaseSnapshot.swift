import Foundation

/// A case as one notification shows it: display names resolved, personal data masked unless the audience is
/// private. Templates render it and the webhook target sends it as JSON (schema in `Adapters/Outbound/Webhook/README.md`).
public struct CaseSnapshot: Sendable, Hashable, Codable {
    public struct Person: Sendable, Hashable, Codable {
        public var name: String?
        public var phone: String?
        public var idNumber: String?
        public var email: String?

        public init(
            name: String? = nil, phone: String? = nil, idNumber: String? = nil, email: String? = nil
        ) {
            self.name = name
            self.phone = phone
            self.idNumber = idNumber
            self.email = email
        }
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
    /// When the follow-up call (回访) of the current reply is due, if the case waits for one.
    public var followUpDue: Date? = nil

    public init(
        id: String, status: String, statusName: String, channel: String, channelName: String, sourceRef: String, village: String?, villageName: String?, category: String?, categoryName: String?, subject: String, body: String, priority: String, severity: String, level: String, registeredAt: Date, deadline: Date?, leader: String?, leaderName: String?, staff: String?, staffName: String?, complainant: Person, outcome: String?, replyText: String?, escalatedTo: String?, attachments: Int, unmasked: Bool, lookupCode: String? = nil
    ) {
        self.id = id
        self.status = status
        self.statusName = statusName
        self.channel = channel
        self.channelName = channelName
        self.sourceRef = sourceRef
        self.village = village
        self.villageName = villageName
        self.category = category
        self.categoryName = categoryName
        self.subject = subject
        self.body = body
        self.priority = priority
        self.severity = severity
        self.level = level
        self.registeredAt = registeredAt
        self.deadline = deadline
        self.leader = leader
        self.leaderName = leaderName
        self.staff = staff
        self.staffName = staffName
        self.complainant = complainant
        self.outcome = outcome
        self.replyText = replyText
        self.escalatedTo = escalatedTo
        self.attachments = attachments
        self.unmasked = unmasked
        self.lookupCode = lookupCode
    }
}
