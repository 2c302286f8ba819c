import Foundation
import Logging
import MinqingCore
import MinqingStore
import Synchronization

/// Turns calls, SMS and 12345 work orders into cases. Every adapter of the channel (HTTP, Asterisk follower, file
/// import) goes through here, so they all fold, close and link the same way.
///
/// Every step is idempotent: a call taken twice (a redelivery, a line re-read after a crash) finds its message
/// already stored under `call:<id>` and only finishes what the first attempt did not (assigning a call-back,
/// closing a settled one). Calls of one number are handled in order, numbers in parallel.
public final class HotlineIntake: Sendable {
    /// The actor named in the audit trail for what the hotline does by itself.
    public static let actor = "群众工作热线（自动）"
    public static let callRefPrefix = "call:"
    public static let smsRefPrefix = "sms:"

    let intake: any MessageIntake
    let store: any CaseLedger & OutboxLedger
    let ledger: any HotlineLedger
    /// The call-back policy and the duty list: replaced by a configuration reload (`reconfigure`), for the next call.
    private let rules: Mutex<(policy: CallbackPolicy, duty: any HotlineDuty)>
    var policy: CallbackPolicy { rules.withLock { $0.policy } }
    var duty: any HotlineDuty { rules.withLock { $0.duty } }
    let clock: any WallClock
    let timeZone: TimeZone
    let logger: Logger
    let locks = PhoneLocks()

    public init(
        intake: any MessageIntake, store: any CaseLedger & OutboxLedger, ledger: any HotlineLedger, policy: CallbackPolicy,
        duty: any HotlineDuty, clock: any WallClock = SystemClock(), timeZone: TimeZone = HubTime.shanghai,
        logger: Logger = Logger(label: "minqing.hotline")
    ) {
        self.intake = intake
        self.store = store
        self.ledger = ledger
        rules = Mutex((policy, duty))
        self.clock = clock
        self.timeZone = timeZone
        self.logger = logger
    }

    /// Takes a new call-back policy and duty list (a configuration reload): calls taken from now on use them; the
    /// per-number ordering of calls under way is kept.
    public func reconfigure(policy: CallbackPolicy, duty: any HotlineDuty) {
        rules.withLock { $0 = (policy, duty) }
    }

    // MARK: Calls

    /// Takes `calls` (in the order they happened) and, in the same transaction as their call records, the file
    /// cursor that follows them. When this returns, every case and the cursor are durable.
    public func takeCalls(_ calls: [CallRecord], cursor: (source: String, cursor: SourceCursor)? = nil) async throws -> [CallOutcome] {
        var groups: [String: [(Int, CallRecord)]] = [:]
        for (i, call) in calls.enumerated() {
            let phone = PhoneNumber.normalised(call.citizenPhone)
            groups[phone.isEmpty ? "call:" + call.callID : phone, default: []].append((i, call))
        }
        return try await withLocks(Array(groups.keys)) {
            var outcomes = [(Int, StoredCall, CallOutcome)]()
            try await withThrowingTaskGroup(of: [(Int, StoredCall, CallOutcome)].self) { group in
                for (key, members) in groups {
                    group.addTask { try await self.takeGroup(phone: key.hasPrefix("call:") ? "" : key, members) }
                }
                for try await part in group { outcomes += part }
            }
            outcomes.sort { $0.0 < $1.0 }
            try await self.ledger.saveCalls(outcomes.map(\.1), cursor: cursor)
            return outcomes.map(\.2)
        }
    }

    func withLocks<T: Sendable>(_ keys: [String], _ body: () async throws -> T) async throws -> T {
        await locks.lock(keys)
        do {
            let value = try await body()
            await locks.unlock(keys)
            return value
        } catch {
            await locks.unlock(keys)
            throw error
        }
    }

    private func takeGroup(phone: String, _ calls: [(Int, CallRecord)]) async throws -> [(Int, StoredCall, CallOutcome)] {
        var open: [OpenCallback] = []
        var earlier: [CaseID] = []
        if !phone.isEmpty {
            open = try await ledger.openCallbackCases(for: phone).map { OpenCallback(caseID: $0.id, firstCallAt: $0.receivedAt) }
            earlier = try await ledger.caseIDs(withPhone: phone, limit: Self.repeatLinks)
        }
        var seen: [String: CallRecord] = [:]
        var out: [(Int, StoredCall, CallOutcome)] = []
        for (index, reported) in calls {
            var call = reported
            if let previous = seen[call.callID] {
                call = previous.merged(with: reported)
            } else if let stored = try await ledger.call(call.callID),
                      let previous = try? CallRecord(document: stored.document) {
                call = previous.merged(with: reported)
            }
            seen[call.callID] = call
            let now = clock.now()
            let plan = policy.plan(for: call, open: open, now: now)
            var caseID: CaseID?
            var role: String?
            var stored = false
            let document = try call.document()
            switch plan.step {
            case nil:
                break
            case .notesCase:
                let receipt = try await intake.submit(notesMessage(call, raw: document, repeatOf: earlier))
                caseID = receipt.caseID
                stored = receipt.created
                role = "notes"
                if receipt.created, !earlier.contains(receipt.caseID) { earlier.insert(receipt.caseID, at: 0) }
            case .callbackCase(let deadline):
                let receipt = try await intake.submit(callbackMessage(call, deadline: deadline, raw: document, repeatOf: earlier))
                caseID = receipt.caseID
                stored = receipt.created
                if let record = try await store.fetchCase(receipt.caseID), record.sourceRef == Self.callRefPrefix + call.callID {
                    role = "callback"
                    try await assignIfNew(record, deadline: deadline, now: now)
                    if record.status.isOpen, !open.contains(where: { $0.caseID == record.id }) {
                        open.append(OpenCallback(caseID: record.id, firstCallAt: record.receivedAt))
                    }
                } else {
                    role = "folded"  // a redelivery of a call that had joined an older call-back
                }
                if !earlier.contains(receipt.caseID) { earlier.insert(receipt.caseID, at: 0) }
            case .fold(let target):
                var message = callbackMessage(call, deadline: nil, raw: document, repeatOf: [])
                message.followUpOf = target
                let receipt = try await intake.submit(message)
                caseID = receipt.caseID
                stored = receipt.created
                role = receipt.caseID == target ? "folded" : "callback"
            }
            var closed: [CaseID] = []
            for id in plan.closes {
                if try await settle(id, by: call) { closed.append(id) }
                open.removeAll { $0.caseID == id }
            }
            logger.debug("hotline call", metadata: ["call.id": "\(call.callID)", "case.id": "\(caseID?.description ?? "-")", "reason": "\(plan.reason)"])
            let record = StoredCall(
                callID: call.callID, caller: PhoneNumber.normalised(call.citizenPhone), startedAt: call.startedAt ?? now,
                result: call.result.rawValue, document: document, caseID: caseID, role: role, updatedAt: now)
            out.append((index, record, CallOutcome(callID: call.callID, result: call.result, caseID: caseID, role: role,
                                                   stored: stored, closed: closed, reason: plan.reason)))
        }
        return out
    }

    /// Earlier cases a new case links to (the newest first).
    static let repeatLinks = 20

    private func notesMessage(_ call: CallRecord, raw: Data, repeatOf: [CaseID]) -> InboundMessage {
        var body = call.notes?.nonEmpty ?? ""
        if let transcript = call.transcript?.nonEmpty {
            body = body.isEmpty ? transcript : body + "\n\n【通话转写】\n" + transcript
        }
        return InboundMessage(
            channel: .hotline, sourceRef: Self.callRefPrefix + call.callID, receivedAt: call.startedAt,
            complainant: Complainant(phone: call.citizenPhone.nonEmpty), subject: "热线来电：" + CaseFactory.derivedSubject(from: body),
            body: body, raw: raw, rawContentType: "application/json", repeatOf: repeatOf)
    }

    private func callbackMessage(_ call: CallRecord, deadline: Date?, raw: Data, repeatOf: [CaseID]) -> InboundMessage {
        let masked = Masking().phone(call.citizenPhone)
        let when = call.startedAt.map { HubTime.iso($0, in: timeZone) } ?? "时间不详"
        var body = "\(when) \(call.citizenPhone.nonEmpty ?? "未显示号码") 来电\(call.result.displayName)"
        if let queue = call.queue?.nonEmpty { body += "（\(queue)）" }
        body += "。"
        if let deadline { body += "请在 \(HubTime.iso(deadline, in: timeZone)) 前回拨，问明诉求后登记。" }
        return InboundMessage(
            channel: .hotline, sourceRef: Self.callRefPrefix + call.callID, receivedAt: call.startedAt,
            complainant: Complainant(phone: call.citizenPhone.nonEmpty), subject: "未接来电回拨（\(masked)）",
            body: body, raw: raw, rawContentType: "application/json", repeatOf: repeatOf)
    }

    /// Accepts and assigns a case the hotline just opened (受理, 三定 with the staff on duty). Does nothing when a
    /// person or an earlier attempt already moved it on.
    private func assignIfNew(_ record: CaseRecord, deadline: Date, now: Date) async throws {
        var current = record
        if current.status == .received {
            current = try await store.apply(.accept(note: "热线自动受理"), to: current.id, actor: Self.actor,
                                            expectedVersion: current.version, at: now)
        }
        if current.status == .accepted, deadline > now {
            let (leader, staff) = duty.onDuty(for: current.id, at: now)
            _ = try await store.apply(.assign(Assignment(leader: leader, staff: staff, deadline: deadline)),
                                      to: current.id, actor: Self.actor, expectedVersion: current.version, at: now)
        }
    }

    /// Closes a call-back case once the number was reached, through the legal path
    /// (受理 → 交办 → 答复 → 回访 → 办结) from wherever the case stands; stops at any state it should not touch.
    /// Returns true when this call moved the case (false when it was closed, or out of reach, already).
    @discardableResult
    private func settle(_ id: CaseID, by call: CallRecord) async throws -> Bool {
        let when = call.answerAt ?? call.startedAt
        let whenText = when.map { HubTime.iso($0, in: timeZone) } ?? "近期"
        let agent = [call.agentName, call.agentID].compactMap { $0?.nonEmpty }.first.map { "，坐席 \($0)" } ?? ""
        var moved = false
        for _ in 0..<8 {
            guard let c = try await store.fetchCase(id) else { return moved }
            let now = clock.now()
            let action: CaseAction
            switch c.status {
            case .received:
                action = .accept(note: "热线自动受理")
            case .accepted, .reopened:
                let (leader, staff) = duty.onDuty(for: c.id, at: now)
                action = .assign(Assignment(leader: leader, staff: staff, deadline: policy.callbackDeadline(callAt: now, now: now)))
            case .assigned, .inProgress, .escalated:
                let direction = call.direction == .inbound ? "该号码再次来电已接通" : "回拨已接通"
                action = .reply(outcome: .resolved, text: "\(whenText) \(direction)（来电编号 \(call.callID)\(agent)），已与来电人取得联系。")
            case .replied:
                action = .followUp(satisfaction: .notEvaluated, note: "热线接通即与来电人联系上，无需另行回访")
            case .followedUp:
                action = .close(note: "来电人已联系上，回拨事项自动办结")
            default:
                return moved
            }
            do {
                _ = try await store.apply(action, to: id, actor: Self.actor, expectedVersion: c.version, at: now)
                moved = true
            } catch let error as TransitionError {
                if case .staleVersion = error.code { continue }  // someone acted meanwhile: look again
                throw error
            }
        }
        return moved
    }
}
