import Foundation

/// The one place that decides which action is legal in which state, what the next state is, and what each
/// action changes on the record. Pure: it takes `now` and returns the new record plus its audit event.
///
/// ```
/// received ─▶ accepted ─▶ assigned ─▶ in_progress ─▶ replied ─▶ followed_up ─▶ closed
///    │            │           │ ▲           │ extend           │ unsatisfied
///    └▶ rejected  └▶ referred └─┘ reassign  └▶ escalated        └─▶ reopened
///                                              merged (into another case)
/// ```
public enum CaseStateMachine {
    /// Limits the machine enforces; defaults from 信访工作条例 (docs/domain/statutory-deadlines.md#extensions).
    public struct Policy: Sendable, Hashable {
        /// Longest allowed extension of a deadline: 30 days (art. 34).
        public var maxExtension: TimeInterval
        /// Who is who: concerns are resolved against it when written, and no one a case is about is assigned.
        public var people: PeopleIndex
        /// When a reply's follow-up call (回访) is due; nil: replies get no follow-up deadline.
        public var followUp: FollowUpRule?

        public init(maxExtension: TimeInterval = 30 * 86_400, people: PeopleIndex = .init(), followUp: FollowUpRule? = nil) {
            self.maxExtension = maxExtension
            self.people = people
            self.followUp = followUp
        }
    }

    /// The states in which `kind` may be taken.
    public static func allowedFrom(_ kind: CaseAction.Kind) -> [CaseStatus] {
        switch kind {
        case .accept, .reject: [.received]
        case .refer: [.received, .accepted]
        case .assign: [.accepted, .reopened]
        case .reassign: [.assigned, .inProgress, .reopened]
        case .start: [.assigned, .reopened]
        case .extend: [.assigned, .inProgress, .escalated]
        case .note: CaseStatus.allCases
        case .classify: CaseStatus.allCases.filter(\.isOpen)
        case .escalate: [.accepted, .assigned, .inProgress, .reopened]
        case .acknowledge, .returnToTownship: [.escalated]
        case .reply: [.assigned, .inProgress, .escalated]
        case .followUp: [.replied]
        case .close: [.followedUp]
        case .reopen: [.followedUp, .closed]
        case .merge: [.received, .accepted, .assigned, .inProgress, .reopened]
        }
    }

    /// The state after `action` from `status` (assuming it is legal).
    public static func target(of action: CaseAction, from status: CaseStatus) -> CaseStatus {
        switch action {
        case .accept: .accepted
        case .reject: .rejected
        case .refer: .referred
        case .assign, .reassign: .assigned
        case .start, .returnToTownship: .inProgress
        case .extend, .note, .classify, .acknowledge: status
        case .escalate: .escalated
        case .reply: .replied
        case .followUp(let satisfaction, _): satisfaction == .unsatisfied ? .reopened : .followedUp
        case .close: .closed
        case .reopen: .reopened
        case .merge: .merged
        }
    }

    /// Applies `action` to `record` at `now` on behalf of `actor`.
    ///
    /// - Returns: the changed record (version bumped, `updatedAt = now`) and the audit event describing the change.
    /// - Throws: `TransitionError` naming the illegal transition or the field at fault; `record` is untouched.
    public static func apply(
        _ action: CaseAction, to record: CaseRecord, actor: String, at now: Date, policy: Policy = .init()
    ) throws(TransitionError) -> (CaseRecord, AuditEvent) {
        let kind = action.kind
        let allowed = allowedFrom(kind)
        guard allowed.contains(record.status) else {
            throw TransitionError(.illegal(action: kind, from: record.status, allowedFrom: allowed))
        }
        guard !actor.trimmed.isEmpty else { throw .invalid("actor", "请填写操作人") }
        // A person the complaint is about takes no action on it, not even correcting whom it is about.
        if record.isAbout(actor, in: policy.people) {
            throw TransitionError(.conflictOfInterest(person: policy.people.displayName(policy.people.resolve(actor))))
        }

        var next = record
        var details: [String: String] = [:]
        var reason: String?

        switch action {
        case .accept(let note):
            reason = note?.nonEmpty
        case .reject(let why):
            reason = try required(why, "reason", "请说明不予受理的理由（将告知来信人）")
        case .refer(let to, let why):
            next.referredTo = try required(to, "to", "请写明告知的其他途径（如：人民法院、劳动仲裁委员会）")
            reason = try required(why, "reason", "请说明理由")
            details["referred_to"] = next.referredTo
        case .assign(let assignment):
            try check(assignment, on: record, at: now, people: policy.people)
            apply(assignment, to: &next, details: &details)
        case .reassign(let assignment, let why):
            reason = try required(why, "reason", "请说明改派理由")
            try check(assignment, on: record, at: now, people: policy.people)
            apply(assignment, to: &next, details: &details)
        case .start:
            break
        case .extend(let until, let why, let approver):
            reason = try required(why, "reason", "请说明延期理由（将告知来信人）")
            let approvedBy = try required(approver, "approver", "延期须经本机关负责人批准，请填写批准人")
            guard let current = record.deadline else {
                throw .invalid("until", "案件还没有办理期限，请先交办（三定）")
            }
            guard until > current else { throw .invalid("until", "新期限必须晚于当前期限 \(HubTime.iso(current))") }
            // Art. 34 allows extending by at most 30 days in all: later extensions count from the deadline before
            // the first one (docs/domain/statutory-deadlines.md).
            let before = record.extensions.first?.from ?? current
            guard until.timeIntervalSince(before) <= policy.maxExtension else {
                let days = Int(policy.maxExtension / 86_400)
                throw .invalid("until", "延期合计不得超过 \(days) 日（《信访工作条例》第三十四条），最晚可延至 \(HubTime.iso(before.addingTimeInterval(policy.maxExtension)))")
            }
            next.extensions.append(Extension(from: current, until: until, reason: reason!, approver: approvedBy, at: now))
            next.deadline = until
            details["deadline"] = HubTime.iso(until)
            details["approver"] = approvedBy
        case .note(let text):
            details["note"] = try required(text, "text", "进展内容不能为空")
        case .classify(let c):
            try classify(c, into: &next, details: &details, people: policy.people)
        case .escalate(let to, let why):
            next.escalatedTo = try required(to, "to", "请写明上报到哪个单位（如：县信访局）")
            reason = try required(why, "reason", "请说明上报理由")
            next.level = .county
            details["escalated_to"] = next.escalatedTo
        case .acknowledge(let by, let note):
            details["acknowledged_by"] = try required(by, "by", "请写明签收单位")
            reason = note?.nonEmpty
        case .returnToTownship(let why):
            reason = try required(why, "reason", "请说明退回理由")
            next.level = .township
        case .reply(let outcome, let text):
            next.replyText = try required(text, "text", "答复内容不能为空")
            next.outcome = outcome
            details["outcome"] = outcome.rawValue
            next.repliedAt = now
            next.followUpDue = policy.followUp?.due(repliedAt: now)
            if let due = next.followUpDue { details["follow_up_due"] = HubTime.iso(due) }
        case .followUp(let satisfaction, let note):
            next.satisfaction = satisfaction
            details["satisfaction"] = satisfaction.rawValue
            reason = note?.nonEmpty
            if satisfaction == .unsatisfied { clearReply(&next) }
        case .close(let note):
            reason = note?.nonEmpty
        case .reopen(let why):
            reason = try required(why, "reason", "请说明重办理由")
            clearReply(&next)
        case .merge(let into, let why):
            guard into != record.id else { throw .invalid("into", "不能把案件并入它自己") }
            next.mergedInto = into
            reason = why?.nonEmpty
            details["merged_into"] = into.description
        }

        next.status = target(of: action, from: record.status)
        next.updatedAt = now
        next.version = record.version + 1
        let event = AuditEvent(
            caseID: record.id, at: now, actor: actor.trimmed, action: kind.rawValue,
            from: record.status, to: next.status, reason: reason, details: details)
        return (next, event)
    }

    private static func required(_ value: String, _ field: String, _ hint: String) throws(TransitionError) -> String {
        guard let text = value.nonEmpty else { throw .invalid(field, hint) }
        return text
    }

    private static func check(_ a: Assignment, on record: CaseRecord, at now: Date, people: PeopleIndex) throws(TransitionError) {
        _ = try required(a.leader, "leader", "请指定责任领导（定领导）")
        _ = try required(a.staff, "staff", "请指定承办人员（定人员）")
        guard a.deadline > now else { throw .invalid("deadline", "办理期限必须晚于现在（定时限）") }
        for person in [a.staff, a.leader] where record.isAbout(person, in: people) {
            throw TransitionError(.conflictOfInterest(person: people.displayName(people.resolve(person))))
        }
    }

    private static func apply(_ a: Assignment, to record: inout CaseRecord, details: inout [String: String]) {
        record.leader = a.leader.trimmed
        record.staff = a.staff.trimmed
        record.deadline = a.deadline
        details["leader"] = record.leader
        details["staff"] = record.staff
        details["deadline"] = HubTime.iso(a.deadline)
    }

    private static func classify(
        _ c: Classification, into record: inout CaseRecord, details: inout [String: String], people: PeopleIndex
    ) throws(TransitionError) {
        guard c != Classification() else { throw .invalid("fields", "请至少更正一项：村（社区）、类别、紧急程度、严重程度、层级、反映对象或是否接收通知") }
        if let village = c.village?.nonEmpty {
            record.village = village
            record.flags.removeAll { $0 == .unknownVillage }
            details["village"] = village
        }
        if let category = c.category?.nonEmpty {
            record.category = category
            record.flags.removeAll { $0 == .unknownCategory }
            details["category"] = category
        }
        if let p = c.priority { record.priority = p; details["priority"] = p.rawValue }
        if let s = c.severity { record.severity = s; details["severity"] = s.rawValue }
        if let l = c.level { record.level = l; details["level"] = l.rawValue }
        if let o = c.citizenOptOut {
            record.citizenOptOut = o ? true : nil
            details["no_messages"] = o ? "true" : "false"
        }
        if let concerns = c.concerns {
            record.concerns = people.resolve(concerns)
            details["concerns"] = record.concerns.joined(separator: "、")
            for person in [record.staff, record.leader].compactMap({ $0 }) where record.isAbout(person, in: people) {
                throw TransitionError(.conflictOfInterest(person: people.displayName(people.resolve(person))))
            }
        }
    }

    private static func clearReply(_ record: inout CaseRecord) {
        record.outcome = nil
        record.replyText = nil
        record.repliedAt = nil
        record.followUpDue = nil
    }
}

extension String {
    var trimmed: String { trimmingEdges(.whitespacesAndNewlines) }

    /// `trimmingCharacters(in: set)`, answered without Foundation when neither end is in `set` — most text, and
    /// Foundation's bridged trim showed in the intake profile (≈2 % of samples, called for every field).
    public func trimmingEdges(_ set: CharacterSet) -> String {
        guard let first = unicodeScalars.first, let last = unicodeScalars.last else { return self }
        if !set.contains(first) && !set.contains(last) { return self }
        return trimmingCharacters(in: set)
    }
    /// The trimmed text, or nil when it is empty.
    public var nonEmpty: String? {
        let t = trimmed
        return t.isEmpty ? nil : t
    }
}
