import MinqingCore

/// The part of the directory routing needs: people, who the principal leaders are, each village's 包村 cadre and
/// leader. Built from `directory.yaml` by the configuration loader.
public struct RoutingPeople: Sendable, Hashable {
    public struct Person: Sendable, Hashable {
        public var id: String
        public var name: String
        /// 党政主要领导.
        public var isPrincipalLeader: Bool

        public init(id: String, name: String, isPrincipalLeader: Bool = false) {
            self.id = id
            self.name = name
            self.isPrincipalLeader = isPrincipalLeader
        }
    }

    public struct Village: Sendable, Hashable {
        public var name: String
        public var cadre: String
        public var leader: String

        public init(name: String, cadre: String, leader: String) {
            self.name = name
            self.cadre = cadre
            self.leader = leader
        }
    }

    public var people: [Person]
    public var villages: [String: Village]
    /// Category code → name (土地 for `land`), for the reasons people read.
    public var categories: [String: String]
    /// Who is who, for "is this case about this person" (by default: ids and names of `people`).
    public var index: PeopleIndex

    public init(people: [Person], villages: [String: Village], categories: [String: String] = [:], index: PeopleIndex? = nil) {
        self.people = people
        self.villages = villages
        self.categories = categories
        self.index = index ?? PeopleIndex(people: people.map { .init(id: $0.id, name: $0.name) })
    }

    public func name(of id: String) -> String {
        people.first { $0.id == id }?.name ?? id
    }

    public var principalLeaders: [String] { people.filter(\.isPrincipalLeader).map(\.id) }
}
