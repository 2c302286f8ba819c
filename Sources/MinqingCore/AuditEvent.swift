import Foundation

/// One change to a case: who, when, what, why. Every transition and the registration itself write one.
public struct AuditEvent: Sendable, Codable, Hashable {
    /// Store-assigned order; nil before the event is stored.
    public var seq: Int64?
    public var caseID: CaseID
    public var at: Date
    public var actor: String
    /// `received` for the registration, otherwise the action's name (`assign`, `reply` …).
    public var action: String
    public var from: CaseStatus?
    public var to: CaseStatus
    public var reason: String?
    /// What changed, as display-ready strings (field → new value).
    public var details: [String: String]

    public init(
        seq: Int64? = nil, caseID: CaseID, at: Date, actor: String, action: String,
        from: CaseStatus?, to: CaseStatus, reason: String? = nil, details: [String: String] = [:]
    ) {
        self.seq = seq
        self.caseID = caseID
        self.at = at
        self.actor = actor
        self.action = action
        self.from = from
        self.to = to
        self.reason = reason
        self.details = details
    }
}
