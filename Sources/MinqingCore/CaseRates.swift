import Foundation

/// The rates the office is measured by, for any set of cases (the whole period, a village, a category, a channel, a
/// week) — the one place their rules live; the stores' SQL aggregates use the same status and answer sets
/// (docs/reports.md):
///
/// - 回复率 (reply rate): cases replied at least once / cases taken up (all but `notTakenUp`).
/// - 按期办结率 (on-time rate): cases with a deadline whose first reply came by it / cases with a deadline that were
///   replied or whose deadline has passed.
/// - 满意率 (satisfaction rate): `satisfiedAnswers` / cases rated (every answer but `unrated`), see
///   docs/domain/call-records.md#satisfaction-and-rates.
public struct CaseRates: Sendable, Hashable {
    public var cases = 0
    public var takenUp = 0, replied = 0
    public var dueOrReplied = 0, onTime = 0
    public var rated = 0, satisfied = 0

    /// Cases not taken up: 不予受理, 告知其他途径, 并单.
    public static let notTakenUp: [CaseStatus] = [.rejected, .referred, .merged]
    /// Answers that count as satisfied: 满意, 基本满意.
    public static let satisfiedAnswers: [Satisfaction] = [.satisfied, .basicallySatisfied]
    /// Answers that are no rating: 未评价.
    public static let unrated: [Satisfaction] = [.notEvaluated]

    public init() {}

    public init(cases: Int, takenUp: Int, replied: Int, dueOrReplied: Int, onTime: Int, rated: Int, satisfied: Int) {
        self.cases = cases
        self.takenUp = takenUp
        self.replied = replied
        self.dueOrReplied = dueOrReplied
        self.onTime = onTime
        self.rated = rated
        self.satisfied = satisfied
    }

    /// Counts one case; `firstReply` is the time of its first reply (答复) in the audit trail, if any.
    public mutating func count(_ r: CaseRecord, firstReply: Date?, now: Date) {
        cases += 1
        if !Self.notTakenUp.contains(r.status) {
            takenUp += 1
            if firstReply != nil { replied += 1 }
        }
        if let deadline = r.deadline, firstReply != nil || now > deadline {
            dueOrReplied += 1
            if let at = firstReply, at <= deadline { onTime += 1 }
        }
        if let s = r.satisfaction, !Self.unrated.contains(s) {
            rated += 1
            if Self.satisfiedAnswers.contains(s) { satisfied += 1 }
        }
    }

    public var replyRate: Double? { takenUp == 0 ? nil : Double(replied) / Double(takenUp) }
    public var onTimeRate: Double? { dueOrReplied == 0 ? nil : Double(onTime) / Double(dueOrReplied) }
    public var satisfactionRate: Double? { rated == 0 ? nil : Double(satisfied) / Double(rated) }

    public static func + (a: Self, b: Self) -> Self {
        Self(cases: a.cases + b.cases, takenUp: a.takenUp + b.takenUp, replied: a.replied + b.replied,
             dueOrReplied: a.dueOrReplied + b.dueOrReplied, onTime: a.onTime + b.onTime, rated: a.rated + b.rated,
             satisfied: a.satisfied + b.satisfied)
    }
}
