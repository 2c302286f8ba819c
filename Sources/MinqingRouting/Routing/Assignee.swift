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
    /// Today's market-day duty leader (the market serving the case's village, else any market meeting today).
    case marketDuty
    /// Whoever is on duty on the named roster (`schedules.yaml`).
    case roster(String)

    /// The words used in `routing.yaml`: `principal_leader`, `village_leader`, `village_cadre`, `market_duty`,
    /// `roster:NAME` or a person id.
    public init(configValue: String) {
        switch configValue {
        case "principal_leader": self = .principalLeader
        case "village_leader": self = .villageLeader
        case "village_cadre": self = .villageCadre
        case "market_duty": self = .marketDuty
        case let text where text.hasPrefix("roster:"): self = .roster(String(text.dropFirst("roster:".count)))
        default: self = .person(configValue)
        }
    }

    public var description: String {
        switch self {
        case .person(let id): id
        case .principalLeader: "党政主要领导"
        case .villageLeader: "包村领导"
        case .villageCadre: "包村干部"
        case .marketDuty: "赶集日接访领导"
        case .roster(let name): "「\(name)」值班人员"
        }
    }
}
