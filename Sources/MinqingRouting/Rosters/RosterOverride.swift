/// A change to a roster on some days: someone on leave (请假) replaced by a substitute, or a swap (调班) that puts
/// another person on duty on one day.
public struct RosterOverride: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// `person` is away from `from` to `to`; `substitute` takes each of their turns.
        case leave(person: String, substitute: String)
        /// On these days `person` is on duty, whoever's turn it was.
        case duty(person: String)
    }

    public var kind: Kind
    public var from: CivilDay
    public var to: CivilDay
    /// Why (shown in the reason: 「请假」「与周敏调班」).
    public var note: String

    public init(_ kind: Kind, from: CivilDay, to: CivilDay? = nil, note: String = "") {
        self.kind = kind
        self.from = from
        self.to = to ?? from
        self.note = note
    }

    func covers(_ day: CivilDay) -> Bool { from <= day && day <= to }
}

extension RosterOverride {
    /// The duty after every override covering `day` (later ones win), with the reason rewritten under `label`.
    static func apply(_ overrides: [RosterOverride], to duty: DutyAssignment, on day: CivilDay, label: String) -> DutyAssignment {
        var duty = duty
        for o in overrides where o.covers(day) {
            switch o.kind {
            case .duty(let p):
                duty = DutyAssignment(person: p, reason: "\(label)调整：\(o.note.isEmpty ? "临时安排" : o.note)")
            case .leave(let p, let substitute) where p == duty.person:
                duty = DutyAssignment(
                    person: substitute, reason: "\(label)：原值班人员请假\(o.note.isEmpty ? "" : "（\(o.note)）")，替班")
            case .leave:
                break
            }
        }
        return duty
    }
}
