import Foundation
import MinqingCore

/// One telephone call as the hotline adapter keeps it: the adapter's own JSON document plus the columns the
/// ledger searches by, and the case the call led to (if any).
public struct StoredCall: Sendable, Hashable {
    public var callID: String
    /// The caller's number, normalised (`PhoneNumber.normalised`); empty when the system did not give one.
    public var caller: String
    public var startedAt: Date
    /// The call's result (`answered`, `missed` …), as the adapter names it.
    public var result: String
    /// The adapter's full record of the call (JSON).
    public var document: Data
    /// The case this call opened or joined.
    public var caseID: CaseID?
    /// How the call relates to `caseID`: `notes` (an answered call's case), `callback` (the call-back case it
    /// opened), `folded` (a repeated missed call joined to an open call-back), `sms`, `work_order`.
    public var role: String?
    public var updatedAt: Date

    public init(
        callID: String, caller: String, startedAt: Date, result: String, document: Data, caseID: CaseID? = nil,
        role: String? = nil, updatedAt: Date
    ) {
        self.callID = callID
        self.caller = caller
        self.startedAt = startedAt
        self.result = result
        self.document = document
        self.caseID = caseID
        self.role = role
        self.updatedAt = updatedAt
    }
}

/// How far a followed file has been taken into the ledger: the file's identity (device and inode, so a rotated
/// file is noticed) and the byte offset just after the last record whose cases are durable.
public struct SourceCursor: Sendable, Hashable, Codable {
    public var fileID: String
    public var offset: Int64
    /// Records (lines) taken so far from this file, for messages that name a line.
    public var line: Int

    public init(fileID: String, offset: Int64, line: Int) {
        self.fileID = fileID
        self.offset = offset
        self.line = line
    }
}

/// A row or request the hub could not take, kept for a clerk with the exact place and reason.
public struct RejectedInput: Sendable, Hashable {
    /// Store-assigned id; nil before it is stored.
    public var id: Int64?
    /// Where it came from: `hotline.calls` (HTTP), `asterisk:/var/log/…/Master.csv`, `cloud:aliyun:file.csv` …
    public var source: String
    public var line: Int?
    public var column: Int?
    /// The field at fault (`start`, `caller`, `body` …).
    public var field: String
    /// What is wrong and what to do, in Chinese.
    public var reason: String
    public var raw: Data
    public var at: Date

    public init(
        id: Int64? = nil, source: String, line: Int? = nil, column: Int? = nil, field: String, reason: String,
        raw: Data, at: Date
    ) {
        self.id = id
        self.source = source
        self.line = line
        self.column = column
        self.field = field
        self.reason = reason
        self.raw = raw
        self.at = at
    }
}

/// What the hotline channel keeps besides cases: call records, cursors of followed files, rejected input, and the
/// phone → earlier cases lookup used for repeat detection (重复来电).
///
/// Contract (checked by `CaseStoreConformance.hotlineChecks`):
/// - `saveCalls` upserts every call by `callID` and, when given, the cursor — all in ONE transaction, so a cursor
///   never runs ahead of the call records before it. A call saved without a case keeps the case it already had.
/// - `cases(withPhone:)` finds cases on every channel whose complainant phone normalises to `phone`, newest first.
/// - `caseIDs(withPhone:)` is the same lookup returning only the ids (cheap enough for every call).
/// - `openCallbackCases(for:)` finds the open cases (`CaseStatus.isOpen`) opened as call-backs
///   (`role == "callback"`) for calls from `phone`, newest first.
/// - `keepRejected` stores one row per `(source, raw)`: keeping the same bad input again returns false and
///   writes nothing, so a re-import does not pile up copies.
public protocol HotlineLedger: Sendable {
    func saveCalls(_ calls: [StoredCall], cursor: (source: String, cursor: SourceCursor)?) async throws
    func call(_ callID: String) async throws -> StoredCall?
    func cases(withPhone phone: String, limit: Int) async throws -> [CaseRecord]
    func caseIDs(withPhone phone: String, limit: Int) async throws -> [CaseID]
    func openCallbackCases(for phone: String) async throws -> [CaseRecord]
    func cursor(for source: String) async throws -> SourceCursor?
    @discardableResult
    func keepRejected(_ input: RejectedInput) async throws -> Bool
    func rejectedInputs(source: String?, limit: Int) async throws -> [RejectedInput]
}
