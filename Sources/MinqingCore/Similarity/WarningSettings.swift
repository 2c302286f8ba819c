import Foundation

/// `warnings.yaml`: how related cases (可能重复) are found and the early-warning rules (预警规则).
/// See docs/repeats-and-warnings.md.
public struct WarningSettings: Sendable, Hashable {
    public var related: RelatedSettings
    public var rules: [WarningRule]
    /// Display names of village and category codes (from the directory), for warning notifications.
    public var names: [String: String]
    /// Village names and aliases → code (from the directory): a case filed without a village (a hotline SMS) is
    /// counted in the village its text names.
    public var villageAliases: [String: String] = [:]
    /// The shortest time between two `warning.updated` notifications of one warning to one target
    /// (`update_interval:`; `WarningUpdateThrottle`). Zero: every joining case is announced at once.
    public var updateInterval: TimeInterval = WarningUpdateThrottle.defaultInterval

    public init(related: RelatedSettings = .init(), rules: [WarningRule] = [], names: [String: String] = [:]) {
        self.related = related
        self.rules = rules
        self.names = names
    }

    /// The words of every group-complaint rule (they mark a case's fingerprint).
    public var groupWords: [String] {
        rules.flatMap { rule -> [String] in
            if case .groupComplaint(let words, _, _, _) = rule.kind { return words }
            return []
        }
    }
}

