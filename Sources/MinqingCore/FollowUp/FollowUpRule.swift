import Foundation

/// When the follow-up call (回访) of a replied case is due, counted from the reply (docs/follow-up.md).
///
/// Contract: `due(repliedAt)` is pure and never earlier than `repliedAt`. Two rules are equal when their
/// `description` is (the configured span, such as "2 working days"), which is what `CaseStateMachine.Policy`'s
/// equality needs; the counting itself lives where the work calendar is (`FollowUpPolicy` in MinqingRouting).
public struct FollowUpRule: Sendable, Hashable, CustomStringConvertible {
    public let description: String
    private let compute: @Sendable (Date) -> Date

    public init(_ description: String, due: @escaping @Sendable (Date) -> Date) {
        self.description = description
        self.compute = due
    }

    /// The follow-up deadline of a case replied at `repliedAt`.
    public func due(repliedAt: Date) -> Date { max(repliedAt, compute(repliedAt)) }

    public static func == (a: Self, b: Self) -> Bool { a.description == b.description }
    public func hash(into hasher: inout Hasher) { hasher.combine(description) }
}

extension CaseRecord {
    /// True while the case waits for its follow-up call (replied, not yet followed up) and the follow-up deadline
    /// has passed at `now`: the ledger's 回访逾期 filter and the digest count these.
    public func isFollowUpOverdue(at now: Date) -> Bool {
        guard status == .replied, let due = followUpDue else { return false }
        return now > due
    }
}
