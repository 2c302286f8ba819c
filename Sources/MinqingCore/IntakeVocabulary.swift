/// The villages and categories an office knows, with the names people write for them.
///
/// Intake uses it to file a message under a known code, and to flag for a clerk whatever it does not know.
public struct IntakeVocabulary: Sendable, Hashable {
    /// Alias (code or name, as written) → canonical code.
    public var villages: [String: String]
    public var categories: [String: String]

    public init(villages: [String: String] = [:], categories: [String: String] = [:]) {
        self.villages = villages
        self.categories = categories
    }

    public func village(_ written: String) -> String? { villages[Self.key(written)] }
    public func category(_ written: String) -> String? { categories[Self.key(written)] }

    public mutating func addVillage(code: String, aliases: [String]) {
        for alias in [code] + aliases { villages[Self.key(alias)] = code }
    }

    public mutating func addCategory(code: String, aliases: [String]) {
        for alias in [code] + aliases { categories[Self.key(alias)] = code }
    }

    static func key(_ text: String) -> String { text.trimmed.lowercased() }
}
