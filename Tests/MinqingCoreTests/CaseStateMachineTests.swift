import Foundation
import MinqingCore
import Testing

/// The legal moves, written out independently of `CaseStateMachine` (DESIGN.md §3).
private let legal: [CaseStatus: [CaseAction.Kind: CaseStatus]] = [
    .received: [.accept: .accepted, .reject: .rejected, .refer: .referred, .merge: .merged, .note: .received, .classify: .received],
    .accepted: [.assign: .assigned, .refer: .referred, .escalate: .escalated, .merge: .merged, .note: .accepted, .classify: .accepted],
    .assigned: [.start: .inProgress, .reassign: .assigned, .extend: .assigned, .escalate: .escalated, .reply: .replied,
                .merge: .merged, .note: .assigned, .classify: .assigned],
    .inProgress: [.reassign: .assigned, .extend: .inProgress, .escalate: .escalated, .reply: .replied, .merge: .merged,
                  .note: .inProgress, .classify: .inProgress],
    .escalated: [.acknowledge: .escalated, .returnToTownship: .inProgress, .reply: .replied, .extend: .escalated,
                 .note: .escalated, .classify: .escalated],
    .replied: [.followUp: .followedUp, .note: .replied, .classify: .replied],
    .followedUp: [.close: .closed, .reopen: .reopened, .note: .followedUp, .classify: .followedUp],
    .closed: [.reopen: .reopened, .note: .closed],
    .reopened: [.assign: .assigned, .reassign: .assigned, .start: .inProgress, .escalate: .escalated, .merge: .merged,
                .note: .reopened, .classify: .reopened],
    .rejected: [.note: .rejected],
    .referred: [.note: .referred],
    .merged: [.note: .merged],
]

private let now = Date(iso: "2026-11-22T10:00:00+08:00")

/// A valid example of each action.
private func sample(_ kind: CaseAction.Kind) -> CaseAction {
    let deadline = now.addingTimeInterval(15 * 86_400)
    switch kind {
    case .accept: return .accept(note: nil)
    case .reject: return .reject(reason: "属于诉讼程序处理的事项")
    case .refer: return .refer(to: "县人民法院", reason: "已进入诉讼程序")
    case .assign: return .assign(Assignment(leader: "刘建国", staff: "陈志强", deadline: deadline))
    case .reassign: return .reassign(Assignment(leader: "刘建国", staff: "周敏", deadline: deadline), reason: "原承办人休假")
    case .start: return .start
    case .extend: return .extend(until: deadline.addingTimeInterval(10 * 86_400), reason: "需实地测量", approver: "刘建国")
    case .note: return .note(text: "已电话联系当事人")
    case .classify: return .classify(Classification(category: "land"))
    case .escalate: return .escalate(to: "县信访局", reason: "涉及跨乡镇土地权属")
    case .acknowledge: return .acknowledge(by: "县信访局", note: nil)
    case .returnToTownship: return .returnToTownship(reason: "属乡镇职权范围")
    case .reply: return .reply(outcome: .resolved, text: "道路已修复")
    case .followUp: return .followUp(satisfaction: .satisfied, note: nil)
    case .close: return .close(note: nil)
    case .reopen: return .reopen(reason: "群众反映问题未解决")
    case .merge: return .merge(into: CaseID("MQ-20261120-0003")!, reason: "重复件")
    }
}

private func record(in status: CaseStatus) -> CaseRecord {
    var r = CaseRecord(
        id: CaseID("MQ-20261122-0001")!, channel: .hotline, sourceRef: "call-1", receivedAt: now, registeredAt: now,
        subject: "道路损坏", body: "村口道路塌陷")
    r.status = status
    r.deadline = now.addingTimeInterval(15 * 86_400)
    r.leader = "刘建国"
    r.staff = "陈志强"
    return r
}

struct Pair: CustomTestStringConvertible, Sendable {
    let status: CaseStatus
    let kind: CaseAction.Kind
    var testDescription: String { "\(kind.rawValue) from \(status.rawValue)" }
}

let allPairs = CaseStatus.allCases.flatMap { s in CaseAction.Kind.allCases.map { Pair(status: s, kind: $0) } }

@Suite("Case state machine")
struct CaseStateMachineTests {
    @Test("every legal transition reaches its state and every illegal one is a typed error", arguments: allPairs)
    func transition(_ pair: Pair) throws {
        let before = record(in: pair.status)
        if let expected = legal[pair.status]?[pair.kind] {
            let (after, event) = try CaseStateMachine.apply(sample(pair.kind), to: before, actor: "王丽", at: now)
            #expect(after.status == expected)
            #expect(after.version == before.version + 1)
            #expect(after.updatedAt == now)
            #expect(event.from == pair.status && event.to == expected && event.action == pair.kind.rawValue)
            #expect(event.actor == "王丽" && event.at == now)
        } else {
            let error = #expect(throws: TransitionError.self) {
                try CaseStateMachine.apply(sample(pair.kind), to: before, actor: "王丽", at: now)
            }
            guard case .illegal(let kind, let from, let allowed)? = error?.code else {
                Issue.record("expected an illegal-transition error, got \(String(describing: error))")
                return
            }
            #expect(kind == pair.kind && from == pair.status)
            #expect(Set(allowed) == Set(legal.filter { $0.value[pair.kind] != nil }.keys))
            #expect(error!.description.contains(pair.status.displayName))
        }
    }

    @Test("the full lifecycle from registration to closure leaves one audit event per step")
    func lifecycle() throws {
        var r = record(in: .received)
        r.deadline = nil
        var events: [AuditEvent] = []
        for kind in [CaseAction.Kind.accept, .assign, .start, .reply, .followUp, .close] {
            let (next, event) = try CaseStateMachine.apply(sample(kind), to: r, actor: "王丽", at: now)
            r = next
            events.append(event)
        }
        #expect(r.status == .closed)
        #expect(r.outcome == .resolved && r.replyText == "道路已修复" && r.satisfaction == .satisfied)
        #expect(events.map(\.to) == [.accepted, .assigned, .inProgress, .replied, .followedUp, .closed])
    }

    @Test("an unsatisfied follow-up sends the case back (发回重办) and clears the reply")
    func unsatisfiedReopens() throws {
        var r = record(in: .replied)
        r.outcome = .explained
        r.replyText = "已解释政策"
        let (after, _) = try CaseStateMachine.apply(.followUp(satisfaction: .unsatisfied, note: "问题没解决"), to: r, actor: "回访员", at: now)
        #expect(after.status == .reopened)
        #expect(after.satisfaction == .unsatisfied)
        #expect(after.outcome == nil && after.replyText == nil)
    }

    @Test("a person the complaint is about can never be assigned (信访工作条例 art. 30)")
    func conflictOfInterest() throws {
        var r = record(in: .accepted)
        r.concerns = ["陈志强", "某村委会"]
        let error = #expect(throws: TransitionError.self) {
            try CaseStateMachine.apply(sample(.assign), to: r, actor: "王丽", at: now)
        }
        #expect(error?.code == .conflictOfInterest(person: "陈志强"))
        #expect(error?.description.contains("回避") == true)
        // Naming the current staff as a subject after assignment is refused as well.
        let assigned = record(in: .assigned)
        #expect(throws: TransitionError.self) {
            try CaseStateMachine.apply(.classify(Classification(concerns: ["陈志强"])), to: assigned, actor: "王丽", at: now)
        }
    }

    @Test("an extension must move the deadline later, by at most 30 days in all, with reason and approver")
    func extensionLimits() throws {
        let r = record(in: .inProgress)
        let current = r.deadline!
        let tooLong = #expect(throws: TransitionError.self) {
            try CaseStateMachine.apply(.extend(until: current.addingTimeInterval(31 * 86_400), reason: "需鉴定", approver: "刘建国"), to: r, actor: "王丽", at: now)
        }
        #expect(tooLong?.field == "until")
        #expect(tooLong?.description.contains("第三十四条") == true)
        #expect(throws: TransitionError.self) {
            try CaseStateMachine.apply(.extend(until: current.addingTimeInterval(-1), reason: "x", approver: "刘建国"), to: r, actor: "王丽", at: now)
        }
        let noApprover = #expect(throws: TransitionError.self) {
            try CaseStateMachine.apply(.extend(until: current.addingTimeInterval(86_400), reason: "需鉴定", approver: " "), to: r, actor: "王丽", at: now)
        }
        #expect(noApprover?.field == "approver")
        let (after, event) = try CaseStateMachine.apply(
            .extend(until: current.addingTimeInterval(30 * 86_400), reason: "需鉴定", approver: "刘建国"), to: r, actor: "王丽", at: now)
        #expect(after.deadline == current.addingTimeInterval(30 * 86_400))
        #expect(after.extensions.count == 1 && after.extensions[0].approver == "刘建国")
        #expect(event.reason == "需鉴定")
        // Two extensions of 20 days are 40 in all: the second is refused, counted from the deadline before the first.
        let (once, _) = try CaseStateMachine.apply(
            .extend(until: current.addingTimeInterval(20 * 86_400), reason: "需鉴定", approver: "刘建国"), to: r, actor: "王丽", at: now)
        let twice = #expect(throws: TransitionError.self) {
            try CaseStateMachine.apply(.extend(until: current.addingTimeInterval(40 * 86_400), reason: "仍需鉴定", approver: "刘建国"),
                                       to: once, actor: "王丽", at: now)
        }
        #expect(twice?.description.contains("合计") == true)
        _ = try CaseStateMachine.apply(
            .extend(until: current.addingTimeInterval(30 * 86_400), reason: "仍需鉴定", approver: "刘建国"), to: once, actor: "王丽", at: now)
    }

    @Test("a deadline in the past, an empty reason or an empty actor is refused with the field named")
    func requiredFields() throws {
        let accepted = record(in: .accepted)
        let past = #expect(throws: TransitionError.self) {
            try CaseStateMachine.apply(.assign(Assignment(leader: "刘建国", staff: "陈志强", deadline: now)), to: accepted, actor: "王丽", at: now)
        }
        #expect(past?.field == "deadline")
        let received = record(in: .received)
        #expect((#expect(throws: TransitionError.self) {
            try CaseStateMachine.apply(.reject(reason: "  "), to: received, actor: "王丽", at: now)
        })?.field == "reason")
        #expect((#expect(throws: TransitionError.self) {
            try CaseStateMachine.apply(.accept(note: nil), to: received, actor: "", at: now)
        })?.field == "actor")
        #expect((#expect(throws: TransitionError.self) {
            try CaseStateMachine.apply(.merge(into: received.id, reason: nil), to: received, actor: "王丽", at: now)
        })?.field == "into")
    }

    @Test("escalation moves the case to county level and a return brings it back")
    func escalation() throws {
        let (up, _) = try CaseStateMachine.apply(sample(.escalate), to: record(in: .inProgress), actor: "王丽", at: now)
        #expect(up.level == .county && up.escalatedTo == "县信访局")
        let (back, _) = try CaseStateMachine.apply(sample(.returnToTownship), to: up, actor: "县信访局", at: now)
        #expect(back.level == .township && back.status == .inProgress)
    }
}
