import Foundation
import MinqingRouting

/// `schedules.yaml`: duty rosters, market-day duty, reception days, sensitive periods, escalation policies and
/// alert times.
public struct SchedulesSettings: Sendable {
    public var schedules: Schedules
    /// Escalation policies by name; `standard` is used for cases whose routing named none.
    public var escalations: [String: EscalationPolicy]
    public var alerts: AlertSettings
    /// The follow-up call after a reply (`follow_up:`); nil when the section is absent (no follow-up deadlines).
    public var followUp: FollowUpPolicy?

    public static let defaultEscalation = "standard"

    /// The policy of a case's routing decision (or the default one).
    public func escalation(named name: String?) -> EscalationPolicy? {
        escalations[name ?? Self.defaultEscalation] ?? escalations[Self.defaultEscalation]
    }
}

extension SchedulesSettings {
    static let file = "schedules.yaml"

    static func read(_ root: ConfigNode, directory: Directory?, targets: [String]) -> SchedulesSettings? {
        guard let m = root.mapping else { return nil }
        let people = Set(directory?.people.map(\.id) ?? [])
        func person(_ n: ConfigNode) -> String? {
            guard let id = n.string else { return nil }
            if directory != nil, !people.contains(id) {
                n.report("未定义的人员「\(id)」：请先在 directory.yaml 的 people 中登记此人")
                return nil
            }
            return id
        }
        func target(_ n: ConfigNode) -> String? {
            guard let name = n.string else { return nil }
            guard targets.contains(name) else {
                n.report("未定义的通知目标「\(name)」（minqing.yaml 的 targets 中已定义：\(targets.joined(separator: ", "))）")
                return nil
            }
            return name
        }
        func day(_ n: ConfigNode?) -> CivilDay? {
            guard let n, let text = n.string else { return nil }
            guard let d = CivilDay(iso8601: text) else { n.report("「\(text)」不是日期（应为 2026-10-01）"); return nil }
            return d
        }
        func overrides(_ n: ConfigNode?) -> [RosterOverride] {
            (n?.items ?? []).compactMap { item in
                guard let o = item.mapping else { return nil }
                let from = day(o.optional("from") ?? o.optional("date"))
                let to = day(o.optional("to"))
                let note = o.optional("note")?.string ?? ""
                let leave = o.optional("leave").flatMap(person)
                let substitute = o.optional("substitute").flatMap(person)
                let duty = o.optional("duty").flatMap(person)
                o.finish()
                guard let from else { item.report("请写 date（某一天）或 from/to（一段日期）"); return nil }
                if let leave, let substitute { return RosterOverride(.leave(person: leave, substitute: substitute), from: from, to: to, note: note) }
                if let duty { return RosterOverride(.duty(person: duty), from: from, to: to, note: note) }
                item.report("请写 leave + substitute（请假替班）或 duty（指定当天值班人员）")
                return nil
            }
        }

        var schedules = Schedules()
        for item in m.optional("rosters")?.items ?? [] {
            guard let r = item.mapping else { continue }
            let name = r.required("name")?.string
            let period = r.optional("rotation")?.oneOf(Rotation.Period.self) ?? .daily
            let anchor = day(r.required("from", hint: "轮值起始日，名单第一人在这天值班"))
            let list = (r.required("people")?.items ?? []).compactMap(person)
            let o = overrides(r.optional("overrides"))
            r.finish()
            if let name, let anchor {
                schedules.rosters.append(Roster(name: name, rotation: Rotation(people: list, period: period, anchor: anchor), overrides: o))
            }
        }
        for item in m.optional("market_duty")?.items ?? [] {
            guard let d = item.mapping else { continue }
            let codeNode = d.required("market", hint: "directory.yaml 中集市的 code")
            let leaders = (d.required("leaders")?.items ?? []).compactMap(person)
            let anchor = day(d.required("from", hint: "轮值起始日，其后第一个集日由名单第一人接访"))
            let o = overrides(d.optional("overrides"))
            d.finish()
            guard let code = codeNode?.string, let anchor else { continue }
            guard let market = directory?.markets.first(where: { $0.code == code }) else {
                codeNode?.report("未定义的集市「\(code)」（directory.yaml 的 markets 中已定义：\(directory?.markets.map(\.code).joined(separator: ", ") ?? "")）")
                continue
            }
            guard let rule = try? MarketRule(phrase: market.rule) else { continue }  // reported by the directory
            schedules.marketDuties.append(MarketDuty(
                market: code, marketName: market.name, calendar: MarketCalendar(name: market.name, rule: rule),
                place: market.place, leaders: leaders, anchor: anchor, overrides: o, villages: market.villages))
        }
        for item in m.optional("reception_days")?.items ?? [] {
            guard let r = item.mapping else { continue }
            let leader = r.required("leader").flatMap(person)
            let ruleNode = r.required("rule", hint: "如 每周一、农历逢一")
            var rule: MarketRule?
            if let text = ruleNode?.string {
                do { rule = try MarketRule(phrase: text) } catch { ruleNode?.report(error.description) }
            }
            let timeNode = r.required("time", hint: "如 09:00-12:00")
            var hours: OfficeHours.Interval?
            if let text = timeNode?.string {
                do { hours = try OfficeHours(parsing: [text]).intervals.first } catch { timeNode?.report(error.message) }
            }
            let place = r.required("place")?.string
            r.finish()
            if let leader, let rule, let hours, let place {
                schedules.receptionDays.append(ReceptionDay(leader: leader, rule: rule, start: hours.start, end: hours.end, place: place))
            }
        }
        for item in m.optional("sensitive_periods")?.items ?? [] {
            guard let p = item.mapping else { continue }
            let name = p.required("name")?.string
            let from = day(p.required("from"))
            let to = day(p.required("to"))
            let deadline = p.optional("deadline").flatMap(RoutingSettings.readDeadline)
            let digest = p.optional("daily_digest")?.bool ?? true
            p.finish()
            if let name, let from, let to {
                if to < from { item.report("结束日期早于开始日期") }
                schedules.sensitivePeriods.append(SensitivePeriod(name: name, from: from, to: to, deadline: deadline, dailyDigest: digest))
            }
        }
        var escalations: [String: EscalationPolicy] = [:]
        for item in m.optional("escalation")?.items ?? [] {
            guard let e = item.mapping else { continue }
            let name = e.required("name")?.string
            let remind = e.optional("remind_before").flatMap(RoutingSettings.readDeadline)
            let policyTargets = (e.optional("targets")?.items ?? []).compactMap(target)
            var steps: [EscalationPolicy.Step] = []
            for s in e.optional("steps")?.items ?? [] {
                guard let step = s.mapping else { continue }
                let after = step.optional("after").flatMap(RoutingSettings.readDeadline)
                let toNode = step.required("to", hint: "leader、principal_leader 或 county")
                let office = step.optional("office")?.string
                let forward = step.optional("target").flatMap(target)
                step.finish()
                switch toNode?.string {
                case "leader": steps.append(.init(after: after, level: .leader))
                case "principal_leader": steps.append(.init(after: after, level: .principalLeader))
                case "county":
                    guard let office, let forward else { s.report("转县级须写 office（县级单位 code）和 target（案件材料发往的通知目标）"); continue }
                    if let directory, !directory.offices.contains(where: { $0.code == office }) {
                        s.report("未定义的县级单位「\(office)」（directory.yaml 的 offices 中已定义：\(directory.offices.map(\.code).joined(separator: ", "))）")
                        continue
                    }
                    steps.append(.init(after: after, level: .county(office: office, target: forward)))
                case let other?: toNode?.report("「\(other)」不是可选值（可选：leader, principal_leader, county）")
                case nil: break
                }
            }
            e.finish()
            if let name { escalations[name] = EscalationPolicy(name: name, remindBefore: remind, steps: steps, targets: policyTargets) }
        }
        var alerts = AlertSettings()
        if let a = m.optional("alerts")?.mapping {
            func time(_ key: String) -> ClockTime? {
                guard let n = a.optional(key), let text = n.string else { return nil }
                guard let t = ClockTime(parsing: text) else { n.report("「\(text)」不是时刻（应为 18:00）"); return nil }
                return t
            }
            if let t = time("market_evening") { alerts.eveningBefore = t }
            if let t = time("market_morning") { alerts.morningOf = t }
            alerts.marketTargets = (a.optional("market_targets")?.items ?? []).compactMap(target)
            if let t = time("digest_at") { alerts.digestAt = t }
            alerts.digestTargets = (a.optional("digest_targets")?.items ?? []).compactMap(target)
            alerts.digestOnlyInSensitivePeriods = a.optional("digest_only_in_sensitive_periods")?.bool ?? false
            a.finish()
        }
        var followUp: FollowUpPolicy?
        if let node = m.optional("follow_up"), let f = node.mapping {
            var policy = FollowUpPolicy()
            if let within = f.optional("within").flatMap(RoutingSettings.readDeadline) { policy.within = within }
            if let r = f.optional("roster"), let name = r.string {
                if schedules.roster(name) == nil {
                    r.report("未定义的值班表「\(name)」（rosters 中已定义：\(schedules.rosters.map(\.name).joined(separator: ", "))）")
                } else {
                    policy.roster = name
                }
            }
            policy.targets = (f.optional("targets")?.items ?? []).compactMap(target)
            f.finish()
            followUp = policy
        }
        m.finish()
        return SchedulesSettings(schedules: schedules, escalations: escalations, alerts: alerts, followUp: followUp)
    }
}
