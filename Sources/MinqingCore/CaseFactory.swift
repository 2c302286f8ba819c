import Foundation

/// Turns an inbound message into a new case record. Pure: the id and the time are given.
///
/// Nothing here refuses a message: what cannot be filed is kept as written and flagged for a clerk.
public struct CaseFactory: Sendable {
    public var vocabulary: IntakeVocabulary
    /// Decides 三定 for every new case (`routing.yaml`); nil leaves new cases for a clerk to assign.
    public var router: (any CaseRouter)?
    /// Resolves the people a message says it is about into directory ids.
    public var people: PeopleIndex

    public init(vocabulary: IntakeVocabulary = .init(), router: (any CaseRouter)? = nil, people: PeopleIndex = .init()) {
        self.vocabulary = vocabulary
        self.router = router
        self.people = people
    }

    /// Longest subject derived from the body when the message has none.
    public static let derivedSubjectLength = 30

    public func makeCase(
        from message: InboundMessage, id: CaseID, registeredAt: Date, attachments: [AttachmentRef]
    ) -> (CaseRecord, AuditEvent) {
        var flags: [CaseFlag] = message.flags
        var village = message.village?.nonEmpty
        if let written = village {
            if let code = vocabulary.village(written) { village = code } else { flags.append(.unknownVillage) }
        }
        var category = message.category?.nonEmpty
        if let written = category {
            if let code = vocabulary.category(written) { category = code } else { flags.append(.unknownCategory) }
        }
        var complainant = message.complainant
        complainant.name = complainant.name?.nonEmpty
        complainant.phone = complainant.phone?.nonEmpty
        complainant.idNumber = complainant.idNumber?.nonEmpty
        complainant.email = complainant.email?.trimmed.nonEmpty
        if let phone = complainant.phone, PhoneNumber.kind(of: phone) == nil { flags.append(.invalidPhone) }
        if let idNumber = complainant.idNumber, !ResidentID.isValid(idNumber) { flags.append(.invalidIDNumber) }

        let subject: String
        if let given = message.subject?.nonEmpty {
            subject = given
        } else {
            subject = Self.derivedSubject(from: message.body)
            flags.append(.missingSubject)
        }
        let record = CaseRecord(
            id: id, channel: message.channel, sourceRef: message.sourceRef,
            receivedAt: message.receivedAt ?? registeredAt, registeredAt: registeredAt,
            complainant: complainant, village: village, category: category,
            subject: subject, body: message.body, attachments: attachments, flags: flags)
        var linked = record
        linked.repeatOf = message.repeatOf.filter { $0 != id }
        linked.concerns = people.resolve(message.concerns)
        if message.citizenOptOut { linked.citizenOptOut = true }
        var details = ["channel": message.channel.rawValue, "source_ref": message.sourceRef]
        if let router {
            details.merge(linked.applyRouting(router.route(linked, at: registeredAt))) { _, new in new }
        }
        if !linked.repeatOf.isEmpty { details["repeat_of"] = linked.repeatOf.map(\.description).joined(separator: ",") }
        if !flags.isEmpty { details["flags"] = flags.map(\.rawValue).joined(separator: ",") }
        if message.citizenOptOut { details["no_messages"] = "true" }
        let event = AuditEvent(
            caseID: id, at: registeredAt, actor: "intake:\(message.channel.rawValue)", action: "received",
            from: nil, to: .received, details: details)
        return (linked, event)
    }

    /// The audit event for a further message on an existing case (`InboundMessage.followUpOf`). The status does
    /// not change: staff read the message and decide.
    public func followUpEvent(
        for message: InboundMessage, on existing: CaseRecord, at now: Date, attachments: [AttachmentRef]
    ) -> AuditEvent {
        var details = ["channel": message.channel.rawValue, "source_ref": message.sourceRef, "body": message.body]
        if let subject = message.subject?.nonEmpty { details["subject"] = subject }
        if !attachments.isEmpty { details["attachments"] = attachments.map(\.filename).joined(separator: "、") }
        return AuditEvent(
            caseID: existing.id, at: now, actor: "intake:\(message.channel.rawValue)", action: Self.followUpAction,
            from: existing.status, to: existing.status, reason: "群众补充来信来电", details: details)
    }

    /// The audit action of a follow-up message.
    public static let followUpAction = "message"

    /// The first line of the body, cut to `derivedSubjectLength` characters.
    public static func derivedSubject(from body: String) -> String {
        let firstLine = body.split(whereSeparator: \.isNewline).lazy.compactMap { String($0).nonEmpty }.first ?? "（无标题）"
        return firstLine.count > derivedSubjectLength ? String(firstLine.prefix(derivedSubjectLength)) + "…" : firstLine
    }
}
