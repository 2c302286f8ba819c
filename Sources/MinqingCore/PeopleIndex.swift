import Foundation

/// The one notion of "who" (信访工作条例 第三十条, see docs/conflict-of-interest.md): every way a person or unit can
/// be written — directory id, name, alias, phone number, e-mail address — and the units (office, villages) each
/// person belongs to or answers for.
///
/// Contract:
/// - `resolve` turns a written reference into its canonical form: a person's id, a unit's key (`unit:CODE`), or,
///   for a name the directory does not know, the text itself (trimmed). It is applied whenever a reference is
///   written (intake, routing, classification), so stored `concerns` hold ids where the directory allows.
/// - `isAbout(concerns:person:)` is the only answer to "is this case about this person or their unit?": true when a
///   concern names the person in any written form, or names a unit the person belongs to. Unknown names still match
///   by name, so a concern stored before the directory learnt of a person (or written as text) keeps counting.
/// - Everything is pure and total; an empty index knows nobody and compares references as text.
public struct PeopleIndex: Sendable, Hashable {
    public struct Person: Sendable, Hashable {
        public var id: String
        public var name: String
        public var aliases: [String]
        public var phone: String?
        public var email: String?
        /// Keys of the units the person belongs to or answers for (their office, the villages they are 包村 for).
        public var units: [String]

        public init(id: String, name: String, aliases: [String] = [], phone: String? = nil, email: String? = nil,
                    units: [String] = []) {
            self.id = id
            self.name = name
            self.aliases = aliases
            self.phone = phone
            self.email = email
            self.units = units
        }
    }

    public struct Unit: Sendable, Hashable {
        /// `unit:CODE`.
        public var key: String
        public var name: String
        public var aliases: [String]

        public init(code: String, name: String, aliases: [String] = []) {
            key = Self.key(code)
            self.name = name
            self.aliases = aliases
        }

        public static func key(_ code: String) -> String { "unit:" + code }
    }

    public private(set) var people: [Person]
    public private(set) var units: [Unit]
    /// Normalised written form → canonical reference (person id or unit key).
    private var canonical: [String: String] = [:]
    private var personByID: [String: Int] = [:]

    public init(people: [Person] = [], units: [Unit] = []) {
        self.people = people
        self.units = units
        // Units first, so a person whose name equals a unit's wins the shared form.
        for unit in units {
            for form in [unit.key, String(unit.key.dropFirst(5)), unit.name] + unit.aliases {
                canonical[Self.normalised(form)] = unit.key
            }
        }
        for (i, p) in people.enumerated() {
            personByID[p.id] = i
            var forms = [p.id, p.name] + p.aliases
            if let phone = p.phone { forms.append(PhoneNumber.normalised(phone)) }
            if let email = p.email { forms.append(email) }
            for form in forms where !Self.normalised(form).isEmpty { canonical[Self.normalised(form)] = p.id }
        }
    }

    public func person(_ id: String) -> Person? { personByID[id].map { people[$0] } }

    /// The canonical form of one written reference (see the type's contract).
    public func resolve(_ reference: String) -> String {
        let text = reference.trimmed
        return canonicalForm(text) ?? text
    }

    /// Resolves every reference, dropping empty ones and repeats, keeping the order.
    public func resolve(_ references: [String]) -> [String] {
        var out: [String] = []
        for r in references.map(resolve) where !r.isEmpty && !out.contains(r) { out.append(r) }
        return out
    }

    /// True when `concerns` name `person` (id or any written form) or a unit the person belongs to.
    public func isAbout(concerns: [String], person: String) -> Bool {
        let who = resolve(person)
        guard !who.isEmpty else { return false }
        let units = Set(self.person(who)?.units ?? [])
        for concern in concerns {
            let c = resolve(concern)
            if c == who || units.contains(c) { return true }
            // Text the directory does not resolve is compared as text.
            if Self.normalised(c) == Self.normalised(person) { return true }
        }
        return false
    }

    /// Every stored form a concern about `person` can take: their id, written forms, and their units' keys and
    /// names — what a store query excludes so a person never sees the cases about them.
    public func storedForms(of person: String) -> [String] {
        let who = resolve(person)
        var forms: Set<String> = [who, person.trimmed]
        if let p = self.person(who) {
            forms.formUnion([p.name] + p.aliases)
            if let e = p.email { forms.insert(e) }
            if let phone = p.phone { forms.insert(phone); forms.insert(PhoneNumber.normalised(phone)) }
            for key in p.units {
                forms.insert(key)
                if let u = units.first(where: { $0.key == key }) { forms.formUnion([u.name] + u.aliases) }
            }
        }
        return forms.filter { !$0.isEmpty }.sorted()
    }

    /// What people read for a stored reference: the person's or unit's name, or the text itself.
    public func displayName(_ reference: String) -> String {
        if let p = person(reference) { return p.name }
        if let u = units.first(where: { $0.key == reference }) { return u.name }
        return reference
    }

    private func canonicalForm(_ text: String) -> String? {
        let n = Self.normalised(text)
        guard !n.isEmpty else { return nil }
        if let hit = canonical[n] { return hit }
        let digits = PhoneNumber.normalised(text)
        if PhoneNumber.kind(of: text) != nil, let hit = canonical[digits] { return hit }
        return nil
    }

    /// Case-insensitive, without any whitespace (people write 陈 志强, Chen-ZhiQiang).
    static func normalised(_ text: String) -> String {
        String(text.lowercased().unicodeScalars.filter { !CharacterSet.whitespacesAndNewlines.contains($0) }.map(Character.init))
    }
}

extension CaseRecord {
    /// True when `person` (an id or any written form) or their unit is among those the complaint is about.
    public func isAbout(_ person: String, in people: PeopleIndex) -> Bool {
        people.isAbout(concerns: concerns, person: person)
    }
}
