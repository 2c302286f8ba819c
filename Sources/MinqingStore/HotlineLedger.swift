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
///
/// Only an excerpt of the input is kept (its first `excerptLimit` bytes, cut at a character boundary), with the
/// SHA-256 and size of the whole, so a hostile 20 MB body costs the ledger a few KB (docs/limits.md).
public struct RejectedInput: Sendable, Hashable {
    /// Bytes of the input kept.
    public static let excerptLimit = 4096

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
    /// The first bytes of the input (all of it when it is short).
    public var raw: Data
    /// Lower-case hex SHA-256 of the whole input.
    public var rawSHA256: String
    /// Bytes of the whole input.
    public var rawBytes: Int
    public var at: Date

    /// Keeps an excerpt of `raw` and the hash and size of all of it.
    public init(
        id: Int64? = nil, source: String, line: Int? = nil, column: Int? = nil, field: String, reason: String,
        raw: Data, at: Date
    ) {
        self.init(id: id, source: source, line: line, column: column, field: field, reason: reason,
                  excerpt: Self.excerpt(of: raw), rawSHA256: ContentHash.sha256(raw), rawBytes: raw.count, at: at)
    }

    /// A row as stored.
    public init(
        id: Int64?, source: String, line: Int?, column: Int?, field: String, reason: String,
        excerpt: Data, rawSHA256: String, rawBytes: Int, at: Date
    ) {
        self.id = id
        self.source = source
        self.line = line
        self.column = column
        self.field = field
        self.reason = reason
        self.raw = excerpt
        self.rawSHA256 = rawSHA256
        self.rawBytes = rawBytes
        self.at = at
    }

    /// True when `raw` is only the start of the input.
    public var isTruncated: Bool { raw.count < rawBytes }

    /// The first `excerptLimit` bytes, not ending inside a UTF-8 sequence.
    static func excerpt(of data: Data) -> Data {
        guard data.count > excerptLimit else { return data }
        var end = data.startIndex + excerptLimit
        // Back off continuation bytes (10xxxxxx) so a multi-byte character is not cut in two.
        var steps = 0
        while steps < 3, end > data.startIndex, data[end] & 0xC0 == 0x80 { end -= 1; steps += 1 }
        return Data(data[data.startIndex..<end])
    }
}

/// How much rejected input the ledger keeps: rows older than `maxAge` (by the time of the newest kept input, from
/// the injected clock) and rows beyond the newest `maxRows` are deleted whenever a new one is kept.
public struct RejectedRetention: Sendable, Hashable {
    public var maxRows: Int
    public var maxAge: TimeInterval

    public init(maxRows: Int = 10_000, maxAge: TimeInterval = 90 * 86_400) {
        self.maxRows = maxRows
        self.maxAge = maxAge
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
/// - `keepRejected` stores one row per `(source, rawSHA256)`: keeping the same bad input again returns false and
///   writes nothing, so a re-import does not pile up copies. It keeps the excerpt, hash and size as given, and in
///   the same transaction deletes rows older than `RejectedRetention.maxAge` before the new row's time and the
///   oldest rows beyond `maxRows` (`LedgerSettings.rejectedRetention`).
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
