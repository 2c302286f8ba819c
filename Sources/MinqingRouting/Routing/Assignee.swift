/// Who a route names as leader or staff (`leader:` / `staff:` in `routing.yaml`).
public enum Assignee: Sendable, Hashable, CustomStringConvertible {
    /// A person id from the directory.
    case person(String)
    /// 党政主要领导 (principal_leader role), in directory order.
    case principalLeader
    /// The village's 包村领导.
    case villageLeader
    /// The village's 包村干部.
    case villageCadre

    /// The words used in `routing.yaml`: `principal_leader`, `village_leader`, `village_cadre` or a person id.
    public init(configValue: String) {
        switch configValue {
        case "principal_leader": self = .principalLeader
        case "village_leader": self = .villageLeader
        case "village_cadre": self = .villageCadre
        default: self = .person(configValue)
        }
    }

    public var description: String {
        switch self {
        case .person(let id): id
        case .principalLeader: "党政主要领导"
        case .villageLeader: "包村领导"
        case .villageCadre: "包村干部"
        }
    }
}
