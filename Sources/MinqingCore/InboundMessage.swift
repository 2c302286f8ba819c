import Foundation

/// A file that came with a message, before it is stored by content hash.
public struct InboundAttachment: Sendable, Hashable {
    public var filename: String
    public var contentType: String
    public var data: Data

    public init(filename: String, contentType: String, data: Data) {
        self.filename = filename
        self.contentType = contentType
        self.data = data
    }
}

/// What every inbound adapter hands the hub: one citizen message, as its source gave it.
///
/// `(channel, sourceRef)` identifies the message at its source; giving the same pair twice is a redelivery and
/// returns the case made the first time. `raw` is kept verbatim next to the case.
public struct InboundMessage: Sendable, Hashable {
    public var channel: Channel
    public var sourceRef: String
    public var receivedAt: Date?
    public var complainant: Complainant
    public var village: String?
    public var category: String?
    public var subject: String?
    public var body: String
    public var attachments: [InboundAttachment]
    /// The message exactly as the source delivered it (JSON request body, .eml, CSV line …).
    public var raw: Data
    public var rawContentType: String
    /// The case this message continues (a reply to a notification, a second SMS, `[MQ-…]` in a subject).
    /// When that case exists the message is attached to it as a `message` event instead of opening a new case;
    /// when it does not, a new case is opened as usual, so nothing a citizen sends is dropped.
    public var followUpOf: CaseID?
    /// Problems the adapter noticed and a clerk should check (e.g. `.unreadableMessage`); the factory adds its own.
    public var flags: [CaseFlag]
    /// Earlier cases from the same person (same phone on any channel, 重复来电/重复来信) that the adapter found;
    /// the new case links to them (`CaseRecord.repeatOf`). Ignored for a follow-up.
    public var repeatOf: [CaseID]
    /// People or units the message says the complaint is about (person ids or names), when the source knows.
    public var concerns: [String] = []
    /// The complainant asked for no SMS or e-mail about the case (a form checkbox, an API field).
    public var citizenOptOut = false

    public init(
        channel: Channel, sourceRef: String, receivedAt: Date? = nil, complainant: Complainant = .init(),
        village: String? = nil, category: String? = nil, subject: String? = nil, body: String,
        attachments: [InboundAttachment] = [], raw: Data = Data(), rawContentType: String = "application/octet-stream",
        followUpOf: CaseID? = nil, flags: [CaseFlag] = [], repeatOf: [CaseID] = []
    ) {
        self.followUpOf = followUpOf
        self.flags = flags
        self.repeatOf = repeatOf
        self.channel = channel
        self.sourceRef = sourceRef
        self.receivedAt = receivedAt
        self.complainant = complainant
        self.village = village
        self.category = category
        self.subject = subject
        self.body = body
        self.attachments = attachments
        self.raw = raw
        self.rawContentType = rawContentType
    }
}

/// The hub's answer to an inbound message: which case holds it, and whether this call created it.
public struct IntakeReceipt: Sendable, Hashable, Codable {
    public var caseID: CaseID
    public var status: CaseStatus
    /// True when this call stored the message (a new case or a follow-up); false for a redelivery.
    public var created: Bool
    /// True when the message was attached to an existing case (`InboundMessage.followUpOf`).
    public var followUp: Bool

    public init(caseID: CaseID, status: CaseStatus, created: Bool, followUp: Bool = false) {
        self.caseID = caseID
        self.status = status
        self.created = created
        self.followUp = followUp
    }

    /// True when this message opened a new case — the one rule for answering `201 Created`: a redelivery or a
    /// follow-up that joined an existing case is answered `200`.
    public var opensCase: Bool { created && !followUp }
}

/// Takes inbound messages into the ledger.
///
/// Contract: when `submit` returns, the message, its case and the notifications it causes are durable (committed
/// to the store); only then may the adapter acknowledge its source (HTTP 201, IMAP cursor, file offset).
/// Submitting the same `(channel, sourceRef)` again returns the existing case with `created == false`.
/// If `submit` throws, nothing of the message was stored.
public protocol MessageIntake: Sendable {
    func submit(_ message: InboundMessage) async throws -> IntakeReceipt
}

/// A message the hub cannot take at all (the only such cases: no source reference, no text).
public struct InboundValidationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The field at fault, as the JSON API names it.
    public let field: String
    public let reason: String

    public var description: String { "字段 \(field)：\(reason)" }
}

extension InboundMessage {
    public static let maxSourceRefLength = 200

    /// Checks the two things a message must have. Everything else is kept as given and flagged if odd.
    public func validate() throws(InboundValidationError) {
        let ref = sourceRef.trimmed
        guard !ref.isEmpty else {
            throw InboundValidationError(field: "source_ref", reason: "不能为空：请填写来源系统中的编号（如表单号、来电编号），用于防止重复登记")
        }
        guard ref.count <= Self.maxSourceRefLength else {
            throw InboundValidationError(field: "source_ref", reason: "不能超过 \(Self.maxSourceRefLength) 个字符")
        }
        guard body.nonEmpty != nil || !attachments.isEmpty else {
            throw InboundValidationError(field: "body", reason: "不能为空：请填写群众反映的内容")
        }
    }
}
