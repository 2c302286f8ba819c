import MinqingCore
import MinqingHTTP
import MinqingStore

/// What one console user may see and do on a case: the one place for the console's access rules
/// (docs/conflict-of-interest.md).
///
/// - A person a case is about does not see it at all — not in the ledger, search, exports, dashboards or the case
///   page — and takes no action on it; leaders and admins included (信访工作条例 第三十条).
/// - Personal data (name, phone, ID number, materials, 查询码) in full only to leaders, admins and the people assigned.
/// - Clerks register and route (accept, reject, refer, classify, assign, reassign, merge, escalate, record the
///   county's answer, 回访, close, reopen); staff act only on cases assigned to them (start, note, reply); leaders
///   approve (extension, escalation, reassignment, rejection, closure) and may do what staff do on their own cases;
///   county viewers read, masked.
struct CaseAccess: Sendable {
    let user: StaffUser
    let people: PeopleIndex

    func mayView(_ record: CaseRecord) -> Bool { !record.isAbout(user.id, in: people) }

    func seesPII(_ record: CaseRecord) -> Bool {
        mayView(record) && (user.seesAllPII || isAssigned(record))
    }

    func isAssigned(_ record: CaseRecord) -> Bool { record.staff == user.id || record.leader == user.id }

    /// Whether the user may take `kind` on `record` (the state machine still decides whether it is legal now).
    func may(_ kind: CaseAction.Kind, on record: CaseRecord) -> Bool {
        guard mayView(record) else { return false }
        let roles = user.roles
        if roles.contains(.admin) { return true }
        if roles.contains(.clerk), Self.clerkActions.contains(kind) { return true }
        if !roles.isDisjoint(with: [.leader, .principalLeader]) {
            if Self.leaderActions.contains(kind) { return true }
            if record.leader == user.id, Self.staffActions.contains(kind) { return true }
        }
        if roles.contains(.staff), record.staff == user.id, Self.staffActions.contains(kind) { return true }
        return false
    }

    /// Whether the user may register new cases (walk-ins, letters): clerks, and leaders receiving visitors on
    /// market days (赶集日接访).
    /// Who sees the 预警 pages: everyone but the county's read-only viewers (each warning still lists only the cases
    /// the reader may see).
    var mayViewWarnings: Bool { !user.roles.isDisjoint(with: [.clerk, .staff, .leader, .principalLeader, .admin]) }

    /// Who may acknowledge (签收) a warning: leaders and admins.
    var mayAcknowledgeWarnings: Bool { !user.roles.isDisjoint(with: [.leader, .principalLeader, .admin]) }

    var mayRegister: Bool { !user.roles.isDisjoint(with: [.clerk, .admin, .leader, .principalLeader]) }

    /// The ledger query narrowed to what the user may see: no case about them, no search in personal data they may
    /// not read.
    func restrict(_ query: CaseQuery) -> CaseQuery {
        var q = query
        q.excludingConcerns = people.storedForms(of: user.id)
        q.textMatchesPII = user.seesAllPII
        return q
    }

    static let clerkActions: Set<CaseAction.Kind> = [
        .accept, .reject, .refer, .classify, .assign, .reassign, .merge, .escalate, .acknowledge, .returnToTownship,
        .followUp, .close, .reopen, .note,
    ]
    static let leaderActions: Set<CaseAction.Kind> = [.extend, .escalate, .reassign, .assign, .reject, .close, .note, .classify]
    static let staffActions: Set<CaseAction.Kind> = [.start, .note, .reply]
}
