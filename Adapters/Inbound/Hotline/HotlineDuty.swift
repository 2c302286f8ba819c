import Foundation
import MinqingCore

/// Who answers for hotline cases at a moment. A duty roster (排班表) can replace the configured list later.
public protocol HotlineDuty: Sendable {
    /// The leader and staff responsible for `caseID`, registered at `at`.
    func onDuty(for caseID: CaseID, at: Date) -> (leader: String, staff: String)
}

/// The configured list: one leader, staff taking turns by day or by case.
public struct RotatingDuty: HotlineDuty {
    public enum Rotation: Sendable { case daily, perCase }

    public var leader: String
    public var staff: [String]
    public var rotation: Rotation
    public var timeZone: TimeZone

    public init(leader: String, staff: [String], rotation: Rotation = .daily, timeZone: TimeZone = HubTime.shanghai) {
        precondition(!staff.isEmpty, "hotline duty needs at least one staff member")
        self.leader = leader
        self.staff = staff
        self.rotation = rotation
        self.timeZone = timeZone
    }

    public func onDuty(for caseID: CaseID, at: Date) -> (leader: String, staff: String) {
        let turn: Int
        switch rotation {
        case .perCase:
            turn = caseID.sequence
        case .daily:
            // Days since the epoch in office time: every day has one person, the same all day.
            turn = Int(((at.timeIntervalSince1970 + Double(timeZone.secondsFromGMT(for: at))) / 86_400).rounded(.down))
        }
        return (leader, staff[((turn % staff.count) + staff.count) % staff.count])
    }
}
