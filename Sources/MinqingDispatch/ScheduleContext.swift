import Foundation
import MinqingCore
import MinqingRouting
import MinqingStore

/// The template values of market-day alerts and digests (`market.duty`, `digest.daily`; listed in
/// `templates/README.md`). They never carry complainants' data, so any audience may see them.
public struct ScheduleContext: Sendable {
    public var schedules: Schedules
    public var people: RoutingPeople
    public var calendar: WorkCalendar

    public init(schedules: Schedules, people: RoutingPeople, calendar: WorkCalendar) {
        self.schedules = schedules
        self.people = people
        self.calendar = calendar
    }

    /// The villages whose open cases a market-day alert lists; nil for other jobs or a market no longer configured.
    func villages(for job: DueJob) -> [String]? {
        guard case .marketDuty(let market, _, _) = job.action else { return nil }
        return schedules.marketDuties.first { $0.market == market }?.villages
    }

    /// - Parameters:
    ///   - cases: for a market-day alert, the open cases of its villages (`villages(for:)`), of `openTotal`; for a
    ///     digest, the scheduler's cases (every overdue case and every replied case among them).
    ///   - counts: for a digest, its day's counts from the ledger.
    func json(for job: DueJob, cases: [CaseRecord], openTotal: Int? = nil, counts: DigestCounts? = nil, now: Date) -> String? {
        let value: [String: Any]
        switch job.action {
        case .marketDuty(let market, let day, _):
            guard let duty = schedules.marketDuties.first(where: { $0.market == market }),
                  let assignment = duty.onDuty(on: day) else { return nil }
            let open = cases.filter { $0.village.map(duty.villages.contains) ?? false }
                .sorted { $0.id.description < $1.id.description }
            let total = max(openTotal ?? open.count, open.count)
            value = [
                "market": [
                    "name": duty.marketName, "date": "\(day)（农历\(day.lunar.monthAndDayName)）", "place": duty.place,
                    "villages": duty.villages.map { people.villages[$0]?.name ?? $0 }.joined(separator: "、"),
                ],
                "duty": ["leader": people.name(of: assignment.person)],
                "has_cases": total > 0, "case_count": total, "more_cases": total - open.count,
                "cases": open.map { c in
                    ["id": c.id.description, "subject": c.subject,
                     "village": c.village.map { people.villages[$0]?.name ?? $0 } ?? "", "status": c.status.displayName]
                },
            ]
        case .digest(let day):
            let overdue = cases.filter { $0.isOverdue(at: now) }.sorted { $0.id.description < $1.id.description }
            let notFollowedUp = cases.filter { $0.isFollowUpOverdue(at: now) }.sorted { $0.id.description < $1.id.description }
            value = [
                "digest": [
                    "date": "\(day)",
                    "new_count": counts?.openRegistered ?? 0, "open_count": counts?.open ?? 0,
                    "closed_count": counts?.closed ?? 0, "overdue_count": overdue.count,
                    "follow_up_overdue_count": notFollowedUp.count,
                ],
                "follow_up_overdue": notFollowedUp.map { c in
                    ["id": c.id.description, "subject": c.subject,
                     "replied_at": c.repliedAt.map { HubTime.minutes($0, in: calendar.timeZone) } ?? "",
                     "follow_up_due": c.followUpDue.map { HubTime.minutes($0, in: calendar.timeZone) } ?? ""]
                },
                "overdue": overdue.map { c in
                    ["id": c.id.description, "subject": c.subject, "staff": c.staff.map(people.name(of:)) ?? "未指派",
                     "deadline": c.deadline.map { HubTime.iso($0, in: calendar.timeZone) } ?? ""]
                },
            ]
        default:
            return nil
        }
        guard let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}
