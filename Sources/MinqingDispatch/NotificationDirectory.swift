import MinqingCore

/// What notifications need to know about people and places: names for codes, contacts for person ids.
public protocol NotificationDirectory: Sendable {
    var officeName: String { get }
    /// A person by directory id, name or e-mail address.
    func contact(_ key: String) -> Contact?
    /// Who is who, for "is this case about this person or their unit" (conflict of interest).
    var people: PeopleIndex { get }
    func villageName(_ code: String) -> String?
    func categoryName(_ code: String) -> String?
}

/// Who sees a target's messages.
public struct Audience: Sendable, Hashable {
    /// True for targets that may see personal data in full (e-mail to the assigned people, a private group).
    public var isPrivate: Bool
    /// People or units in the group (directory ids or names): a case about any of them is never sent there.
    public var members: [String]
    /// Whether the target addresses people (e-mail) or posts to a group (robots, webhooks).
    public var addressesPeople: Bool

    public init(isPrivate: Bool, members: [String] = [], addressesPeople: Bool = false) {
        self.isPrivate = isPrivate
        self.members = members
        self.addressesPeople = addressesPeople
    }
}
