import MinqingCore

/// Decides the notifications of a case change from the configured rules (`notifications:` in `minqing.yaml`).
/// Pure: it runs inside the store's transaction.
///
/// A change announces at most one event (`NotificationEvent(auditAction:)`); each target gets it at most once,
/// however many rules name it. Targets that address people get the rule's recipients resolved from the case
/// (and the village's 包村 cadre and leader while nobody is assigned).
public struct RulePlanner: NotificationPlanner {
    public enum Recipient: Sendable, Hashable {
        case responsible, leader, villageCadre
        /// The citizen who raised the case, on the target's medium (`citizenReach`); never when they opted out.
        case complainant
    }

    /// How a target reaches a citizen: SMS to a mainland mobile, or e-mail.
    public enum CitizenReach: Sendable, Hashable { case sms, email }

    public struct Rule: Sendable {
        public var events: Set<NotificationEvent>
        /// Target names, each with whether it addresses people (e-mail) rather than a group.
        public var targets: [(name: String, addressesPeople: Bool)]
        public var channels: Set<Channel>
        public var recipients: [Recipient]

        public init(
            events: Set<NotificationEvent>, targets: [(name: String, addressesPeople: Bool)], channels: Set<Channel> = [],
            recipients: [Recipient] = [.responsible]
        ) {
            self.events = events
            self.targets = targets
            self.channels = channels
            self.recipients = recipients
        }
    }

    public var rules: [Rule]
    /// The 包村 cadre and leader of a village code.
    public var village: @Sendable (String) -> (cadre: String, leader: String)?
    /// Every usable target, with whether it addresses people: a new case is also announced to the targets its
    /// routing decision names (`RoutingOutcome.notify`, from `routing.yaml`), to its leader and staff.
    public var targets: [String: Bool]
    /// Who is who: no one a case is about is addressed.
    public var people: PeopleIndex
    /// Targets that can reach a citizen, by name (SMS gateways, e-mail): where `complainant` can go.
    public var citizenReach: [String: CitizenReach]

    public init(
        rules: [Rule], village: @escaping @Sendable (String) -> (cadre: String, leader: String)?,
        targets: [String: Bool] = [:], people: PeopleIndex = .init(), citizenReach: [String: CitizenReach] = [:]
    ) {
        self.rules = rules
        self.village = village
        self.targets = targets
        self.people = people
        self.citizenReach = citizenReach
    }

    public func plan(for change: CaseChange) -> [OutboxDraft] {
        guard let event = NotificationEvent(auditAction: change.event.action) else { return [] }
        let record = change.after
        var drafts: [OutboxDraft] = []
        for rule in rules where rule.events.contains(event) {
            if !rule.channels.isEmpty, !rule.channels.contains(record.channel) { continue }
            let toCitizen = rule.recipients.contains(.complainant)
            // A target gets the event once for staff and, separately, once for the citizen (other text, other data).
            for target in rule.targets where !drafts.contains(where: { $0.target == target.name && Contact.isCitizen($0.recipients) == toCitizen }) {
                let people = target.addressesPeople ? recipients(rule.recipients, for: record, target: target.name) : []
                if target.addressesPeople, people.isEmpty { continue }
                drafts.append(OutboxDraft(target: target.name, event: event.rawValue, recipients: people))
            }
        }
        if event == .created, change.before == nil {
            for name in record.routing?.notify ?? [] where !drafts.contains(where: { $0.target == name }) {
                guard let addressesPeople = targets[name] else { continue }
                let people = addressesPeople ? recipients([.responsible, .leader], for: record) : []
                if addressesPeople, people.isEmpty { continue }
                drafts.append(OutboxDraft(target: name, event: event.rawValue, recipients: people))
            }
        }
        return drafts
    }

    /// Person ids, in order, without repeats and without anyone the case is about; for `complainant`,
    /// `Contact.complainantKey` when the target can reach them and they have not opted out.
    func recipients(_ wanted: [Recipient], for record: CaseRecord, target: String? = nil) -> [String] {
        let home = record.village.flatMap(village)
        var out: [String] = []
        for r in wanted {
            let person: String? = switch r {
            case .responsible: record.staff ?? home?.cadre
            case .leader: record.leader ?? home?.leader
            case .villageCadre: home?.cadre
            case .complainant: Self.reaches(record, by: target.flatMap { citizenReach[$0] }) ? Contact.complainantKey : nil
            }
            if person == Contact.complainantKey {
                if !out.contains(Contact.complainantKey) { out.append(Contact.complainantKey) }
                continue
            }
            if let person, !out.contains(person), !record.isAbout(person, in: people) { out.append(person) }
        }
        return out
    }

    /// Whether a message to the citizen can go by `reach`: they have not opted out and left a mobile (SMS) or an
    /// e-mail address (e-mail).
    static func reaches(_ record: CaseRecord, by reach: CitizenReach?) -> Bool {
        guard record.citizenOptOut != true, let reach else { return false }
        switch reach {
        case .sms: return record.complainant.phone.map { PhoneNumber.kind(of: $0) == .mobile } ?? false
        case .email: return record.complainant.email.map { $0.contains("@") } ?? false
        }
    }
}
