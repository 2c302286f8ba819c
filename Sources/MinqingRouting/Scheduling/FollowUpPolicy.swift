import Foundation
import MinqingCore

/// The follow-up call (回访) after a reply (`follow_up:` in `schedules.yaml`, docs/follow-up.md): due `within` the
/// reply (working days on the office's work calendar), with a reminder to the clerk on duty on the morning of
/// the day it falls due.
public struct FollowUpPolicy: Sendable, Hashable {
    /// How long after a reply the follow-up is due; default 1 working day (12345 practice: 回访 the next day).
    public var within: DeadlineSpan
    /// The roster whose person on duty on the due day makes the call (群工办值班); nil: the case's staff.
    public var roster: String?
    /// Targets of the reminder (`case.follow_up_due`); empty: no reminder, the ledger and digest still show it.
    public var targets: [String]

    public static let defaultWithin = DeadlineSpan.workingDays(1)

    public init(within: DeadlineSpan = Self.defaultWithin, roster: String? = nil, targets: [String] = []) {
        self.within = within
        self.roster = roster
        self.targets = targets
    }

    /// The follow-up deadline of a reply given at `repliedAt`.
    public func due(repliedAt: Date, calendar: WorkCalendar) -> Date {
        calendar.deadline(from: repliedAt, adding: within).date
    }

    /// The rule the state machine stamps on each reply (`CaseStateMachine.Policy.followUp`).
    public func rule(calendar: WorkCalendar) -> FollowUpRule {
        FollowUpRule("\(within)") { self.due(repliedAt: $0, calendar: calendar) }
    }

    /// When the reminder goes out: office opening on the day the follow-up falls due (at the reply itself when
    /// that is later, so a same-day follow-up is announced at once).
    public func reminderTime(repliedAt: Date, due: Date, calendar: WorkCalendar) -> Date {
        let opening = calendar.date(calendar.day(of: due), at: calendar.officeHours.opening)
        return min(due, max(repliedAt, opening))
    }
}
