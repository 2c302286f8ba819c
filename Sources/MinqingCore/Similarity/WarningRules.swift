import Foundation

/// One early-warning rule (预警规则) of `warnings.yaml`.
public struct WarningRule: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// ≥ `minCases` cases from one village within `within`, each at least `minScore` similar to the newest.
        case similarInVillage(minCases: Int, within: TimeInterval, minScore: Double)
        /// ≥ `minCases` cases of `category` in the whole township within `within`.
        case categoryInTownship(category: String, minCases: Int, within: TimeInterval)
        /// A case with a group-complaint word, which with the cases similar to it (≥ `minScore`, within `within`)
        /// comes from at least `minPhones` different phones.
        case groupComplaint(words: [String], minPhones: Int, within: TimeInterval, minScore: Double)
    }

    /// Unique name, shown to leaders (e.g. 同村同类诉求集中).
    public var name: String
    public var kind: Kind
    /// Targets told when a warning is raised or grows.
    public var notify: [String]

    public init(name: String, kind: Kind, notify: [String]) {
        self.name = name
        self.kind = kind
        self.notify = notify
    }

    public var within: TimeInterval {
        switch kind {
        case .similarInVillage(_, let w, _), .categoryInTownship(_, _, let w), .groupComplaint(_, _, let w, _): w
        }
    }

    /// The kind's name as written in the configuration.
    public var kindName: String {
        switch kind {
        case .similarInVillage: "similar_in_village"
        case .categoryInTownship: "category_in_township"
        case .groupComplaint: "group_complaint"
        }
    }
}

/// A warning that can still grow: raised by `rule` for `scope` (village code, category code, or the township),
/// with its member cases and the registration time of the newest.
public struct ActiveWarning: Sendable, Hashable {
    public var id: String
    public var rule: String
    public var scope: String
    public var members: [CaseID]
    public var lastCaseAt: Date

    public init(id: String, rule: String, scope: String, members: [CaseID], lastCaseAt: Date) {
        self.id = id
        self.rule = rule
        self.scope = scope
        self.members = members
        self.lastCaseAt = lastCaseAt
    }
}

/// What one new case does to the warnings of one rule.
public enum WarningDecision: Sendable, Hashable {
    /// A new cluster: raise one warning with these members (oldest first, the new case last).
    case raise(rule: String, scope: String, members: [CaseID])
    /// The new case joins an existing warning's cluster.
    case grow(warningID: String, rule: String, added: CaseID)
}

/// The one rule deciding when cases form an early-warning cluster. Pure: it takes the new case, the earlier cases the
/// store found near it (same village, same category, similar text) and the warnings that can still grow.
///
/// A cluster raises ONE warning. A later case that joins it — registered within the rule's window of the cluster's
/// newest case, and (for the similarity rules) similar to one of its members — grows that warning instead of raising
/// another.
public enum WarningEvaluator {
    /// The scopes a warning `new` can raise or grow has (`ActiveWarning.scope`): its village, its category, the
    /// township — a store reads only the active warnings of these.
    public static func scopes(of new: CaseFingerprint) -> [String] {
        [new.village, new.category, "township"].compactMap { $0 }
    }

    public static func evaluate(
        new: CaseFingerprint, neighbours: [CaseFingerprint], active: [ActiveWarning], rules: [WarningRule]
    ) -> [WarningDecision] {
        rules.compactMap { rule in decide(rule, new: new, neighbours: neighbours, active: active) }
    }

    static func decide(
        _ rule: WarningRule, new: CaseFingerprint, neighbours: [CaseFingerprint], active: [ActiveWarning]
    ) -> WarningDecision? {
        let earliest = new.registeredAt.addingTimeInterval(-rule.within)
        let recent = neighbours.filter {
            $0.caseID != new.caseID && $0.registeredAt >= earliest && $0.registeredAt <= new.registeredAt
        }
        func similar(_ minScore: Double) -> [CaseFingerprint] {
            recent.filter { new.signature.similarity(to: $0.signature) >= minScore }
        }
        let scope: String
        let cluster: [CaseFingerprint]
        let needsOverlap: Bool
        let hit: Bool
        switch rule.kind {
        case .similarInVillage(let minCases, _, let minScore):
            guard let village = new.village else { return nil }
            scope = village
            cluster = similar(minScore).filter { $0.village == village }
            needsOverlap = true
            hit = cluster.count + 1 >= minCases
        case .categoryInTownship(let category, let minCases, _):
            guard new.category == category else { return nil }
            scope = category
            cluster = recent.filter { $0.category == category }
            needsOverlap = false
            hit = cluster.count + 1 >= minCases
        case .groupComplaint(_, let minPhones, _, let minScore):
            guard new.hasGroupWords else { return nil }
            scope = "township"
            cluster = similar(minScore)
            needsOverlap = true
            hit = Set(([new] + cluster).flatMap(\.phones)).count >= minPhones
        }
        let ids = Set(cluster.map(\.caseID))
        let growing = active
            .filter { $0.rule == rule.name && $0.scope == scope && $0.lastCaseAt >= earliest && !$0.members.contains(new.caseID) }
            .filter { !needsOverlap || $0.members.contains(where: ids.contains) }
            .max { $0.lastCaseAt < $1.lastCaseAt }
        if let growing { return .grow(warningID: growing.id, rule: rule.name, added: new.caseID) }
        guard hit else { return nil }
        let members = cluster.sorted { ($0.registeredAt, $0.caseID) < ($1.registeredAt, $1.caseID) }.map(\.caseID) + [new.caseID]
        return .raise(rule: rule.name, scope: scope, members: members)
    }
}
