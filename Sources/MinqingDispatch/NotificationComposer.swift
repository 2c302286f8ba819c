import Foundation
import MinqingCore

/// Turns an outbox row into what one target sends: the template's text, a snapshot masked for the target's
/// audience, and the people it addresses — never a person or unit the case is about (信访工作条例 art. 30).
public struct NotificationComposer: Sendable {
    public var templates: TemplateSet
    public var directory: any NotificationDirectory
    public var masking: Masking
    /// The hub's address as people reach it (links to the case).
    public var publicURL: String
    public var timeZone: TimeZone
    /// The 8-digit code a citizen quotes on `/status` with the case id, for cases that have one (web form, walk-in).
    public var lookupCode: @Sendable (CaseRecord) -> String?

    public init(
        templates: TemplateSet, directory: any NotificationDirectory, masking: Masking = .init(), publicURL: String,
        timeZone: TimeZone = HubTime.shanghai, lookupCode: @escaping @Sendable (CaseRecord) -> String? = { _ in nil }
    ) {
        self.templates = templates
        self.directory = directory
        self.masking = masking
        self.publicURL = publicURL
        self.timeZone = timeZone
        self.lookupCode = lookupCode
    }

    public enum Composition: Sendable {
        case send(NotificationContent, snapshot: CaseSnapshot?, recipients: [Contact])
        /// Not sent, with the reason for the dead-letter list.
        case suppress(String)
    }

    public func compose(_ entry: OutboxEntry, for audience: Audience) -> Composition {
        guard let record = entry.snapshot else { return composeFromContext(entry, for: audience) }
        if Contact.isCitizen(entry.recipients) { return composeForCitizen(entry, record: record) }
        let people = directory.people
        func isAbout(_ who: String) -> Bool { people.isAbout(concerns: record.concerns, person: who) }
        if let member = audience.members.first(where: { isAbout($0) }) {
            return .suppress("回避：案件反映的是「\(member)」，不得发送到其所在的群或系统（信访工作条例第三十条）")
        }
        var recipients: [Contact] = []
        var skipped: [String] = []
        let wanted = audience.addressesPeople ? entry.recipients : [record.staff].compactMap { $0 }
        for key in wanted {
            if isAbout(key) {
                skipped.append(key)
                continue
            }
            if let contact = directory.contact(key) {
                if !recipients.contains(contact) { recipients.append(contact) }
            } else if key.contains("@") {
                recipients.append(Contact(id: key, name: key, email: key))
            } else if audience.addressesPeople {
                return .suppress("收件人「\(key)」不在人员名录中，也不是邮箱地址：请在 directory.yaml 中补充此人的邮箱")
            }
        }
        if audience.addressesPeople, recipients.isEmpty {
            return .suppress(skipped.isEmpty
                ? "没有收件人：案件尚未确定承办人员"
                : "回避：收件人 \(skipped.joined(separator: "、")) 是案件反映的对象，不予发送（信访工作条例第三十条）")
        }
        // A private target sees numbers in full; e-mail only when every recipient is assigned to the case.
        let unmasked = audience.isPrivate && (!audience.addressesPeople || recipients.allSatisfy { isAssigned($0, to: record) })
        let snapshot = self.snapshot(of: record, unmasked: unmasked)
        let event = NotificationEvent(rawValue: entry.event)
        let context = self.context(event: entry.event, eventName: event?.displayName ?? entry.event, snapshot: snapshot)
        guard let content = templates.render(entry.event, context: context) else {
            return .suppress("缺少通知模板 templates/\(entry.event).mustache，请补充后在「通知发送」中重发")
        }
        return .send(content, snapshot: snapshot, recipients: recipients)
    }

    /// A notification about no single case (market-day alert, digest): its stored context, which holds no
    /// complainant data, plus the office's name; people addressed by id.
    func composeFromContext(_ entry: OutboxEntry, for audience: Audience) -> Composition {
        let masking = audience.isPrivate ? nil : self.masking
        guard let text = entry.context, let value = try? JSONDecoder().decode(TemplateValue.self, from: Data(text.utf8)),
              var context = value.native(inert: { Self.inert(masking?.numbers(in: $0) ?? $0, singleLine: true) }) as? [String: Any]
        else { return .suppress("通知内容缺失（context 不是 JSON 对象），无法发送") }
        let event = NotificationEvent(rawValue: entry.event)
        context["office"] = ["name": directory.officeName]
        context["event"] = ["kind": entry.event, "name": event?.displayName ?? entry.event]
        context["private"] = audience.isPrivate
        var recipients: [Contact] = []
        if audience.addressesPeople {
            for key in entry.recipients {
                guard let contact = directory.contact(key) else {
                    return .suppress("收件人「\(key)」不在人员名录中：请在 directory.yaml 中补充此人的邮箱")
                }
                if !recipients.contains(contact) { recipients.append(contact) }
            }
            if recipients.isEmpty { return .suppress("没有收件人") }
        }
        guard let content = templates.render(entry.event, context: context) else {
            return .suppress("缺少通知模板 templates/\(entry.event).mustache，请补充后在「通知发送」中重发")
        }
        return .send(content, snapshot: nil, recipients: recipients)
    }

    /// The snapshot a target may see: complainant's name only when private, numbers masked unless private,
    /// and numbers a citizen wrote into the text masked too.
    public func snapshot(of r: CaseRecord, unmasked: Bool) -> CaseSnapshot {
        let c = r.complainant
        let person = unmasked
            ? CaseSnapshot.Person(name: c.name, phone: c.phone, idNumber: c.idNumber, email: c.email)
            : CaseSnapshot.Person(
                name: nil, phone: c.phone.map(masking.phone), idNumber: c.idNumber.map(masking.idNumber),
                email: c.email.map(masking.email))
        let masking = self.masking
        func text(_ s: String) -> String { unmasked ? s : masking.numbers(in: s) }
        var snapshot = CaseSnapshot(
            id: r.id.description, status: r.status.rawValue, statusName: r.status.displayName,
            channel: r.channel.rawValue, channelName: r.channel.displayName, sourceRef: r.sourceRef,
            village: r.village, villageName: r.village.map { directory.villageName($0) ?? $0 },
            category: r.category, categoryName: r.category.map { directory.categoryName($0) ?? $0 },
            subject: text(r.subject), body: text(r.body), priority: r.priority.rawValue, severity: r.severity.rawValue,
            level: r.level.rawValue, registeredAt: r.registeredAt, deadline: r.deadline,
            leader: r.leader, leaderName: r.leader.map { directory.contact($0)?.name ?? $0 },
            staff: r.staff, staffName: r.staff.map { directory.contact($0)?.name ?? $0 },
            complainant: person, outcome: r.outcome?.rawValue, replyText: r.replyText.map { text($0) },
            escalatedTo: r.escalatedTo, attachments: r.attachments.count, unmasked: unmasked)
        if r.status == .replied { snapshot.followUpDue = r.followUpDue }
        return snapshot
    }

    /// The template of a message to the citizen: `templates/<event>.citizen.mustache` — except the mailbox receipt,
    /// which only ever goes to the citizen and keeps its name `case.acknowledged.mustache`.
    public static func citizenTemplate(_ event: String) -> String {
        event == NotificationEvent.acknowledged.rawValue ? event : "\(event).citizen"
    }

    /// A message to the case's own complainant (receipt, reply): their own address or mobile, and only what is
    /// theirs to know — the case id, their subject, the reply and how to look it up and rate it. No staff or
    /// leader names, no notes, no village or category codes, nobody else's data.
    func composeForCitizen(_ entry: OutboxEntry, record r: CaseRecord) -> Composition {
        if r.citizenOptOut == true { return .suppress("群众已选择不接收短信和邮件通知，未发送") }
        let c = r.complainant
        let contact = Contact(id: Contact.complainantKey, name: c.email ?? "", email: c.email, mobile: c.phone)
        if c.email == nil, c.phone == nil { return .suppress("群众没有留下手机号或邮箱，无法通知") }
        var status = publicURL
        while status.hasSuffix("/") { status.removeLast() }
        status += "/status"
        func line(_ v: String) -> String { Self.inert(v, singleLine: true) }
        var fields: [String: Any] = [
            "id": r.id.description, "status": r.status.displayName, "subject": line(r.subject),
            "registered_at": format(r.registeredAt),
        ]
        if let v = r.replyText { fields["reply_text"] = Self.inert(v, singleLine: false) }
        if let v = r.outcome { fields["outcome"] = v.displayName }
        let code = lookupCode(r)
        if let code { fields["lookup_code"] = code }
        let context: [String: Any] = [
            "office": ["name": directory.officeName], "event": ["kind": entry.event, "name": NotificationEvent(rawValue: entry.event)?.displayName ?? entry.event],
            "case": fields, "link": status, "status_url": status, "private": false,
        ]
        let name = Self.citizenTemplate(entry.event)
        guard let content = templates.render(name, context: context) else {
            return .suppress("缺少给群众的通知模板 templates/\(name).mustache，请补充后在「通知发送」中重发")
        }
        return .send(content, snapshot: citizenSnapshot(of: r, lookupCode: code), recipients: [contact])
    }

    /// The case as a message to its complainant may carry it: what the citizen wrote and was told, nothing internal.
    func citizenSnapshot(of r: CaseRecord, lookupCode: String?) -> CaseSnapshot {
        CaseSnapshot(
            id: r.id.description, status: r.status.rawValue, statusName: r.status.displayName,
            // A mailbox case's reference is the citizen's own Message-ID (threading the reply); other channels'
            // references can hold secrets (a web form's lookup nonce) and stay out.
            channel: r.channel.rawValue, channelName: r.channel.displayName,
            sourceRef: r.channel == .mailbox && r.sourceRef.hasPrefix("mid:") ? r.sourceRef : "",
            village: nil, villageName: nil, category: nil, categoryName: nil,
            subject: r.subject, body: "", priority: r.priority.rawValue, severity: r.severity.rawValue,
            level: r.level.rawValue, registeredAt: r.registeredAt, deadline: nil,
            leader: nil, leaderName: nil, staff: nil, staffName: nil,
            complainant: .init(), outcome: r.outcome?.rawValue, replyText: r.replyText,
            escalatedTo: nil, attachments: 0, unmasked: false, lookupCode: lookupCode)
    }

    public func link(for caseID: String) -> String {
        var base = publicURL
        while base.hasSuffix("/") { base.removeLast() }
        return "\(base)/console/cases/\(caseID)"
    }

    /// Whether `contact` is the case's responsible staff or leader: e-mail to anyone else gets masked numbers.
    func isAssigned(_ contact: Contact, to r: CaseRecord) -> Bool {
        let people = directory.people
        let own = Set([contact.id, contact.email].compactMap { $0 }.map(people.resolve))
        return [r.staff, r.leader].compactMap { $0 }.contains { own.contains(people.resolve($0)) }
    }

    /// The one gate for text that enters a template from a case or a stored context: citizen-written text is made
    /// inert (`CitizenText`), so no robot, e-mail client or auto-linker renders its markup, links or mentions.
    static func inert(_ text: String, singleLine: Bool) -> String {
        CitizenText.inert(text, singleLine: singleLine)
    }

    /// The values templates can use (documented in `Config/example/templates/README.md`). Every text value passes
    /// `inert` (the snapshot is already masked for the audience).
    func context(event: String, eventName: String, snapshot s: CaseSnapshot) -> [String: Any] {
        func line(_ v: String) -> String { Self.inert(v, singleLine: true) }
        var complainant: [String: Any] = [:]
        if let v = s.complainant.name { complainant["name"] = line(v) }
        if let v = s.complainant.phone { complainant["phone"] = line(v) }
        if let v = s.complainant.idNumber { complainant["id_number"] = line(v) }
        var c: [String: Any] = [
            "id": s.id, "status": s.statusName, "channel": s.channelName, "subject": line(s.subject),
            "body": Self.inert(s.body, singleLine: false),
            "registered_at": format(s.registeredAt), "urgent": s.priority == Priority.urgent.rawValue,
            "major": s.severity == Severity.major.rawValue, "attachments": s.attachments,
        ]
        if !complainant.isEmpty { c["complainant"] = complainant }
        if let v = s.villageName { c["village"] = line(v) }
        if let v = s.categoryName { c["category"] = line(v) }
        if let v = s.deadline { c["deadline"] = format(v) }
        if let v = s.leaderName { c["leader"] = line(v) }
        if let v = s.staffName { c["staff"] = line(v) }
        if let v = s.replyText { c["reply_text"] = Self.inert(v, singleLine: false) }
        if let v = s.outcome.flatMap(Outcome.init(rawValue:)) { c["outcome"] = v.displayName }
        if let v = s.escalatedTo { c["escalated_to"] = line(v) }
        if let v = s.followUpDue { c["follow_up_due"] = format(v) }
        return [
            "office": ["name": directory.officeName], "event": ["kind": event, "name": eventName],
            "case": c, "link": link(for: s.id), "private": s.unmasked,
        ]
    }

    /// `2026-11-23 09:00` in the office's time zone.
    private func format(_ date: Date) -> String { HubTime.minutes(date, in: timeZone) }

    /// Every way `key` (an id, name or address) names a person, so conflict checks match any of them.
}

/// A JSON value as the template engine wants it (dictionaries, arrays, strings, numbers, booleans).
enum TemplateValue: Decodable {
    case object([String: TemplateValue]), array([TemplateValue]), string(String), int(Int), double(Double), bool(Bool), null

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let v = try? c.decode(Bool.self) { self = .bool(v) }
        else if let v = try? c.decode(Int.self) { self = .int(v) }
        else if let v = try? c.decode(Double.self) { self = .double(v) }
        else if let v = try? c.decode(String.self) { self = .string(v) }
        else if let v = try? c.decode([TemplateValue].self) { self = .array(v) }
        else { self = .object(try c.decode([String: TemplateValue].self)) }
    }

    /// The value for the template engine, each string passed through `inert`.
    func native(inert: (String) -> String) -> Any {
        switch self {
        case .object(let d): d.mapValues { $0.native(inert: inert) }
        case .array(let a): a.map { $0.native(inert: inert) }
        case .string(let s): inert(s)
        case .int(let i): i
        case .double(let d): d
        case .bool(let b): b
        case .null: ""
        }
    }
}
