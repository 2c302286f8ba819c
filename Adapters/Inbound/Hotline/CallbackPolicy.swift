import Foundation
import MinqingCore
import MinqingRouting

/// An open call-back case as the decisions see it.
public struct OpenCallback: Sendable, Hashable {
    public var caseID: CaseID
    /// The first missed call of the case.
    public var firstCallAt: Date

    public init(caseID: CaseID, firstCallAt: Date) {
        self.caseID = caseID
        self.firstCallAt = firstCallAt
    }
}

/// What one call does to the ledger, and why (the reason is logged and shown to clerks).
public struct CallPlan: Sendable, Hashable {
    public enum Step: Sendable, Hashable {
        /// An answered call with notes: a case whose body is the notes.
        case notesCase
        /// A missed/abandoned/busy call: a new call-back case, assigned with this deadline.
        case callbackCase(deadline: Date)
        /// A repeated missed call: joins the open call-back case.
        case fold(into: CaseID)
    }

    public var step: Step?
    /// Call-back cases the call settles (a later answered call from, or to, the same number).
    public var closes: [CaseID]
    public var reason: String
}

/// The hotline's decisions: pure functions of the call, the number's open call-backs, and `now`.
public struct CallbackPolicy: Sendable {
    /// Office time a call-back must happen within.
    public var deadlineWorkingHours: Int
    /// Missed calls within this time of a call-back's first missed call fold into it.
    public var foldWindow: TimeInterval
    public var calendar: WorkCalendar

    public init(deadlineWorkingHours: Int = 2, foldWindow: TimeInterval = 24 * 3600, calendar: WorkCalendar) {
        self.deadlineWorkingHours = deadlineWorkingHours
        self.foldWindow = foldWindow
        self.calendar = calendar
    }

    /// The call-back deadline: `deadlineWorkingHours` of office time from when the hub learns of the missed call
    /// (a call imported late is not given a deadline in the past).
    public func callbackDeadline(callAt: Date, now: Date) -> Date {
        calendar.deadline(from: max(callAt, now), adding: .workingHours(deadlineWorkingHours)).date
    }

    /// The open call-back a missed call at `callAt` folds into: the newest whose first missed call is at most
    /// `foldWindow` earlier.
    public func foldTarget(callAt: Date, open: [OpenCallback]) -> OpenCallback? {
        open.filter { callAt >= $0.firstCallAt && callAt.timeIntervalSince($0.firstCallAt) <= foldWindow }
            .max { $0.firstCallAt < $1.firstCallAt }
    }

    public func plan(for call: CallRecord, open: [OpenCallback], now: Date) -> CallPlan {
        let at = call.startedAt ?? now
        switch call.result {
        case .ringing:
            return CallPlan(step: nil, closes: [], reason: "通话尚未结束，只记录")
        case .answered:
            let settled = open.filter { $0.firstCallAt <= at }.map(\.caseID)
            let hasNotes = (call.notes?.nonEmpty ?? call.transcript?.nonEmpty) != nil
            let step: CallPlan.Step? = hasNotes ? .notesCase : nil
            var reason = hasNotes ? "接通且有记录，登记为案件" : "接通但没有记录，只保存通话"
            if !settled.isEmpty { reason += "；该号码已接通，自动办结回拨 \(settled.map(\.description).joined(separator: "、"))" }
            return CallPlan(step: step, closes: settled, reason: reason)
        case .missed, .abandoned, .busy:
            guard call.direction == .inbound else {
                return CallPlan(step: nil, closes: [], reason: "呼出未接通，只记录")
            }
            guard PhoneNumber.normalised(call.caller).count >= 3 else {
                return CallPlan(step: nil, closes: [], reason: "未显示来电号码，无法回拨，只记录")
            }
            if let target = foldTarget(callAt: at, open: open) {
                return CallPlan(step: .fold(into: target.caseID), closes: [],
                                reason: "\(Int(foldWindow / 3600)) 小时内再次\(call.result.displayName)，并入回拨 \(target.caseID)")
            }
            let deadline = callbackDeadline(callAt: at, now: now)
            return CallPlan(step: .callbackCase(deadline: deadline), closes: [],
                            reason: "\(call.result.displayName)来电，立回拨案件，\(deadlineWorkingHours) 个工作小时内回拨")
        }
    }
}
