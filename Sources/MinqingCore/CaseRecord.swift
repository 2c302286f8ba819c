import Foundation

/// The person who raised the matter. Stored in full; masked on output by role (see `Masking`).
public struct Complainant: Sendable, Codable, Hashable {
    public var name: String?
    public var phone: String?
    public var idNumber: String?
    /// The address a citizen wrote from (mailbox channel) or gave; acknowledgements go there.
    public var email: String?

    public init(name: String? = nil, phone: String? = nil, idNumber: String? = nil, email: String? = nil) {
        self.name = name
        self.phone = phone
        self.idNumber = idNumber
        self.email = email
    }

    public var isEmpty: Bool { name == nil && phone == nil && idNumber == nil && email == nil }
}

/// An attachment stored once by content hash; the case keeps the reference.
public struct AttachmentRef: Sendable, Codable, Hashable {
    public var sha256: String
    public var filename: String
    public var contentType: String
    public var size: Int

    public init(sha256: String, filename: String, contentType: String, size: Int) {
        self.sha256 = sha256
        self.filename = filename
        self.contentType = contentType
        self.size = size
    }
}

/// An approved extension of the deadline (延期), 信访工作条例 art. 34.
public struct Extension: Sendable, Codable, Hashable {
    public var from: Date
    public var until: Date
    public var reason: String
    public var approver: String
    public var at: Date
}

/// One case in the ledger (工作台账): every field of DESIGN.md §3.
public struct CaseRecord: Sendable, Codable, Hashable, Identifiable {
    public var id: CaseID
    public var channel: Channel
    /// The source's own reference (IMAP UID, call id, form id); unique per channel.
    public var sourceRef: String
    /// When the citizen sent it (as the source says), if known.
    public var receivedAt: Date
    /// When the hub stored it.
    public var registeredAt: Date
    public var updatedAt: Date
    public var complainant: Complainant
    /// Village/community code from the directory, or the text as written when unknown (then flagged).
    public var village: String?
    public var category: String?
    public var subject: String
    public var body: String
    public var attachments: [AttachmentRef]
    public var priority: Priority
    public var severity: Severity
    public var level: CaseLevel
    public var status: CaseStatus
    /// 三定: responsible leader, staff and deadline.
    public var leader: String?
    public var staff: String?
    public var deadline: Date?
    public var extensions: [Extension]
    public var outcome: Outcome?
    public var replyText: String?
    public var satisfaction: Satisfaction?
    /// When the current reply (答复) was given; nil before a reply and after the case was sent back (重办).
    public var repliedAt: Date?
    /// When the follow-up call (回访) of the current reply is due (`CaseStateMachine.Policy.followUp`); nil when no
    /// follow-up rule is configured or the case has no current reply. Kept after the follow-up, as history.
    public var followUpDue: Date?
    /// Earlier cases from the same person or about the same matter.
    public var repeatOf: [CaseID]
    public var mergedInto: CaseID?
    /// People or units the complaint is about: never assigned, never notified (信访工作条例 art. 30).
    public var concerns: [String]
    public var referredTo: String?
    public var escalatedTo: String?
    public var flags: [CaseFlag]
    /// True when the complainant asked for no messages (SMS, e-mail receipts and replies) about this case: set at
    /// intake (form checkbox, API field) or by a clerk. nil or false: messages allowed.
    public var citizenOptOut: Bool?
    /// How the routing rules filed the case at registration, with their reasons; nil when no rules ran.
    public var routing: RoutingOutcome?
    /// Bumped on every change; used for optimistic concurrency.
    public var version: Int

    public init(
        id: CaseID, channel: Channel, sourceRef: String, receivedAt: Date, registeredAt: Date,
        complainant: Complainant = .init(), village: String? = nil, category: String? = nil,
        subject: String, body: String, attachments: [AttachmentRef] = [],
        priority: Priority = .normal, severity: Severity = .general, level: CaseLevel = .township,
        flags: [CaseFlag] = []
    ) {
        self.id = id
        self.channel = channel
        self.sourceRef = sourceRef
        self.receivedAt = receivedAt
        self.registeredAt = registeredAt
        self.updatedAt = registeredAt
        self.complainant = complainant
        self.village = village
        self.category = category
        self.subject = subject
        self.body = body
        self.attachments = attachments
        self.priority = priority
        self.severity = severity
        self.level = level
        self.status = .received
        self.extensions = []
        self.repeatOf = []
        self.concerns = []
        self.flags = flags
        self.version = 1
    }

    /// True when the case is open and its deadline has passed at `now`.
    public func isOverdue(at now: Date) -> Bool {
        guard status.isOpen, status != .replied, status != .followedUp, let deadline else { return false }
        return now > deadline
    }
}
