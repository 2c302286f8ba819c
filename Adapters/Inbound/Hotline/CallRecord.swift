import Foundation

/// How a call ended (or that it is still ringing), in the hub's words.
public enum CallResult: String, Sendable, Codable, CaseIterable, Hashable {
    case ringing, answered, missed, abandoned, busy

    /// True for a result the telephony system will not change any more.
    public var isFinal: Bool { self != .ringing }

    /// Missed, abandoned (hung up while queued) and busy calls all need a call-back (回拨).
    public var needsCallback: Bool { self == .missed || self == .abandoned || self == .busy }

    public var displayName: String {
        switch self {
        case .ringing: "振铃中"
        case .answered: "已接通"
        case .missed: "未接"
        case .abandoned: "放弃"
        case .busy: "忙线"
        }
    }
}

public enum CallDirection: String, Sendable, Codable, CaseIterable, Hashable {
    case inbound, outbound
}

/// One telephone call as the hotline keeps it, whatever system reported it (HTTP push, Asterisk CDR, cloud export).
public struct CallRecord: Sendable, Codable, Hashable {
    /// Seconds a call may last as read from outside: up to one day. Longer values are typing errors.
    public static let durationRange = 0...86_400

    public var callID: String
    public var caller: String
    public var callee: String?
    public var direction: CallDirection
    public var agentID: String?
    public var agentName: String?
    public var queue: String?
    public var ringAt: Date?
    public var answerAt: Date?
    public var endAt: Date?
    /// Seconds.
    public var duration: Int?
    public var hangupSide: String?
    public var result: CallResult
    /// The agent's notes (Asterisk: the CDR userfield).
    public var notes: String?
    public var recordingURL: String?
    public var transcript: String?
    /// Which system reported it: `api`, `asterisk`, `cloud:<name>`.
    public var origin: String

    public init(
        callID: String, caller: String, callee: String? = nil, direction: CallDirection = .inbound,
        agentID: String? = nil, agentName: String? = nil, queue: String? = nil, ringAt: Date? = nil,
        answerAt: Date? = nil, endAt: Date? = nil, duration: Int? = nil, hangupSide: String? = nil,
        result: CallResult, notes: String? = nil, recordingURL: String? = nil, transcript: String? = nil,
        origin: String = "api"
    ) {
        self.callID = callID
        self.caller = caller
        self.callee = callee
        self.direction = direction
        self.agentID = agentID
        self.agentName = agentName
        self.queue = queue
        self.ringAt = ringAt
        self.answerAt = answerAt
        self.endAt = endAt
        self.duration = duration
        self.hangupSide = hangupSide
        self.result = result
        self.notes = notes
        self.recordingURL = recordingURL
        self.transcript = transcript
        self.origin = origin
    }

    /// When the call began: ring time, else answer time, else end time.
    public var startedAt: Date? { ringAt ?? answerAt ?? endAt }

    /// The citizen's number: the caller of an inbound call, the callee of an outbound one (a call-back).
    public var citizenPhone: String { direction == .inbound ? caller : (callee ?? "") }

    /// This record updated by a later report of the same call: the later report's fields win where it has them,
    /// except that a `ringing` report never replaces a final result (reports can arrive out of order).
    public func merged(with later: CallRecord) -> CallRecord {
        var m = self
        m.caller = later.caller.isEmpty ? caller : later.caller
        m.callee = later.callee ?? callee
        m.direction = later.direction
        m.agentID = later.agentID ?? agentID
        m.agentName = later.agentName ?? agentName
        m.queue = later.queue ?? queue
        m.ringAt = later.ringAt ?? ringAt
        m.answerAt = later.answerAt ?? answerAt
        m.endAt = later.endAt ?? endAt
        m.duration = later.duration ?? duration
        m.hangupSide = later.hangupSide ?? hangupSide
        if later.result.isFinal || !result.isFinal { m.result = later.result }
        m.notes = later.notes ?? notes
        m.recordingURL = later.recordingURL ?? recordingURL
        m.transcript = later.transcript ?? transcript
        return m
    }
}

extension CallRecord {
    /// The stored form of a call record (`StoredCall.document`): JSON with the property names as keys.
    public func document() throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        e.dateEncodingStrategy = .iso8601
        return try e.encode(self)
    }

    public init(document: Data) throws {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        self = try d.decode(CallRecord.self, from: document)
    }
}
