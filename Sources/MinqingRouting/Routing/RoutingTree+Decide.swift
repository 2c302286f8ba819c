import Foundation
import MinqingCore

extension RoutingTree {
    /// Decides priority, severity, leader, staff, deadline, notification targets and escalation policy for
    /// `record` registered at `now`, with a reason for every step.
    ///
    /// For each field the first matching path that sets it decides (the safety rule first, then routes in order);
    /// otherwise `defaults`. When no path names a leader, a `major` case goes to the principal leader and a
    /// `general` one to the village's 包村领导; when none names staff, the village's 包村干部. A person the case
    /// is about — in `concerns`, or (with `namesInTextAreConcerns`) named in the subject or body — is never
    /// chosen: the next candidate is taken, and the reason says so.
    public func decide(
        _ record: CaseRecord, at now: Date, people: RoutingPeople, calendar: WorkCalendar,
        schedules: Schedules = .init()
    ) -> RoutingOutcome {
        let found = matches(record, at: now, calendar: calendar, schedules: schedules, people: people)
        let today = calendar.clock.day(of: now)
        var reasons: [String] = []
        var warnings: [String] = []
        for m in found {
            let conditions = m.conditions.isEmpty ? "" : "（\(m.conditions.joined(separator: "，"))）"
            reasons.append("匹配规则「\(m.names.joined(separator: " › "))」\(conditions)")
        }
        if found.isEmpty { reasons.append("没有匹配的规则，按默认规则办理") }

        /// The first path's value for a field, with the rule that set it.
        func first<T>(_ field: (RouteSettings) -> T?) -> (value: T, rule: String)? {
            for m in found { if let v = field(m.settings) { return (v, "规则「\(m.names.last!)」") } }
            return field(defaults).map { ($0, "默认规则") }
        }

        let priority = first(\.priority)?.value ?? record.priority
        let severity = first(\.severity)?.value ?? record.severity
        if priority != record.priority || priority == .urgent {
            reasons.append("紧急程度：\(priority.displayName)（\(first(\.priority)?.rule ?? "来件")）")
        }
        if severity != record.severity || severity == .major {
            reasons.append("严重程度：\(severity.displayName)（\(first(\.severity)?.rule ?? "来件")）")
        }

        // Conflict of interest (信访工作条例 第三十条): never choose, never notify.
        var concerns: [String] = []
        if namesInTextAreConcerns {
            for person in people.people where person.name.count >= 2
                && (record.subject.containsLiteral(person.name) || record.body.containsLiteral(person.name))
                && !record.isAbout(person.id, in: people.index)
            {
                concerns.append(person.id)
                reasons.append("来件提及「\(person.name)」，按回避规定不指派、不通知此人（如无关可由干事更正反映对象）")
            }
        }
        func excluded(_ id: String) -> Bool {
            concerns.contains(id) || record.isAbout(id, in: people.index)
        }

        let village = record.village.flatMap { people.villages[$0] }
        /// Who an on-duty assignee stands for today.
        func duty(_ wanted: Assignee) -> DutyAssignment? {
            switch wanted {
            case .marketDuty: schedules.marketDutyLeader(on: today, village: record.village)?.assignment
            case .roster(let name): schedules.roster(name)?.onDuty(on: today, calendar: calendar)
            default: nil
            }
        }
        let leaderRule = first(\.leader)
        let leaderChoice = leaderRule.map { ($0.value, $0.rule) }
            ?? (severity == .major ? (.principalLeader, "重大事项由党政主要领导负责") : (.villageLeader, "一般事项由包村领导负责"))
        let leader = choose(
            "责任领导", leaderChoice.0, because: leaderChoice.1, fallback: people.principalLeaders,
            village: village, duty: duty, people: people, excluded: excluded, reasons: &reasons, warnings: &warnings)

        let staffRule = first(\.staff)
        let staffChoice = staffRule.map { ($0.value, $0.rule) } ?? (.villageCadre, "由包村干部承办")
        let staff = choose(
            "承办人员", staffChoice.0, because: staffChoice.1, fallback: fallbackStaff,
            village: village, duty: duty, people: people, excluded: excluded, reasons: &reasons, warnings: &warnings)

        var deadline: Date?
        var missingYears: Set<Int> = []
        if let span = first(\.deadline) {
            let result = calendar.deadline(from: now, adding: span.value)
            deadline = result.date
            missingYears = result.missingYears
            reasons.append("办理期限：\(span.value)，至 \(HubTime.iso(result.date))（\(span.rule)）")
            var warning = result.warning
            if let period = schedules.sensitivePeriod(on: today), let cap = period.deadline {
                let capped = calendar.deadline(from: now, adding: cap)
                if capped.date < result.date {
                    deadline = capped.date
                    warning = capped.warning
                    missingYears = capped.missingYears
                    reasons.append("敏感时期「\(period.name)」：期限缩短为\(cap)，至 \(HubTime.iso(capped.date))")
                }
            }
            if let warning { warnings.append(warning) }
        }

        var notify: [String] = []
        for m in found { for t in m.settings.notify where !notify.contains(t) { notify.append(t) } }
        for t in defaults.notify where !notify.contains(t) { notify.append(t) }
        if !notify.isEmpty { reasons.append("通知：\(notify.joined(separator: "、"))") }
        let escalation = first(\.escalation)
        if let escalation { reasons.append("督办升级：\(escalation.value)（\(escalation.rule)）") }

        var outcome = RoutingOutcome(
            rules: found.map { $0.names.joined(separator: " › ") }, reasons: reasons, leader: leader, staff: staff,
            deadline: deadline, priority: priority, severity: severity, notify: notify, concerns: concerns,
            escalation: escalation?.value, warnings: warnings)
        outcome.missingCalendarYears = missingYears.sorted()
        return outcome
    }

    /// The first candidate of `wanted` (then `fallback`) nobody excludes, with a reason for each step.
    private func choose(
        _ role: String, _ wanted: Assignee, because why: String, fallback: [String],
        village: RoutingPeople.Village?, duty: (Assignee) -> DutyAssignment?, people: RoutingPeople,
        excluded: (String) -> Bool,
        reasons: inout [String], warnings: inout [String]
    ) -> String? {
        var candidates: [(id: String, label: String)] = []
        switch wanted {
        case .person(let id): candidates.append((id, ""))
        case .principalLeader: candidates += people.principalLeaders.map { ($0, "党政主要领导") }
        case .villageLeader:
            if let village { candidates.append((village.leader, "\(village.name)包村领导")) }
        case .villageCadre:
            if let village { candidates.append((village.cadre, "\(village.name)包村干部")) }
        case .marketDuty, .roster:
            if let d = duty(wanted) {
                candidates.append((d.person, d.reason))
            } else {
                reasons.append("\(role)：今天没有\(wanted)，改由备选人员")
            }
        }
        if village == nil, wanted == .villageLeader || wanted == .villageCadre {
            reasons.append("\(role)：案件未注明村（社区），无法按\(wanted)指派")
        }
        candidates += fallback.map { ($0, "备选人员") }
        var tried: Set<String> = []
        for candidate in candidates where tried.insert(candidate.id).inserted {
            let name = people.name(of: candidate.id)
            if excluded(candidate.id) {
                reasons.append("\(role)：\(name)是被反映对象，回避")
                continue
            }
            let because = candidate.label == "备选人员" ? "" : "，\(why)"
            let label = candidate.label.isEmpty ? why : candidate.label + because
            reasons.append("\(role)：\(name)（\(label)）")
            return candidate.id
        }
        warnings.append("没有可指派的\(role)，请干事人工交办")
        return nil
    }
}
