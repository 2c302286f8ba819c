import Foundation

/// Why two cases are linked as related (可能重复), strongest first.
public enum RelatedReason: String, Sendable, Codable, CaseIterable, Comparable {
    case sameIDNumber = "same_id_number"
    case samePhone = "same_phone"
    case similarText = "similar_text"

    public var displayName: String {
        switch self {
        case .sameIDNumber: "同一身份证号"
        case .samePhone: "同一电话"
        case .similarText: "内容相似"
        }
    }

    var rank: Int { Self.allCases.firstIndex(of: self)! }
    public static func < (a: Self, b: Self) -> Bool { a.rank < b.rank }
}

/// A link from one case to an earlier one: never a merge, only a hint for the clerk.
public struct RelatedLink: Sendable, Hashable, Codable {
    public var caseID: CaseID
    public var reason: RelatedReason
    /// Estimated similarity of the two texts (0…1), whatever the reason.
    public var score: Double

    public init(caseID: CaseID, reason: RelatedReason, score: Double) {
        self.caseID = caseID
        self.reason = reason
        self.score = score
    }
}

/// How related cases are found (`warnings.yaml` → `related:`).
public struct RelatedSettings: Sendable, Hashable {
    /// Only cases registered this long before the new one are compared (default 30 days).
    public var window: TimeInterval
    /// Texts at least this similar are linked (`similar_text`); default 0.25 (docs/repeats-and-warnings.md#thresholds).
    public var minScore: Double
    /// At most this many links per new case, strongest first.
    public var maxLinks: Int

    public init(window: TimeInterval = 30 * 86_400, minScore: Double = 0.25, maxLinks: Int = 20) {
        self.window = window
        self.minScore = minScore
        self.maxLinks = maxLinks
    }
}

/// The one rule deciding which earlier cases a new case is related to. Pure.
public enum RelatedCases {
    /// Links from `new` to those of `candidates` registered within the window before it: same ID number, same phone
    /// (whole numbers only) or text similarity ≥ `minScore`. Strongest reason first, then highest score, then newest.
    public static func links(for new: CaseFingerprint, among candidates: [CaseFingerprint], settings: RelatedSettings) -> [RelatedLink] {
        let earliest = new.registeredAt.addingTimeInterval(-settings.window)
        var best: [CaseID: (link: RelatedLink, at: Date)] = [:]
        for c in candidates where c.caseID != new.caseID && c.registeredAt >= earliest && c.registeredAt <= new.registeredAt {
            let score = new.signature.similarity(to: c.signature)
            let reason: RelatedReason?
            if let id = new.idNumber, id == c.idNumber { reason = .sameIDNumber }
            else if let phone = new.phone, phone == c.phone { reason = .samePhone }
            else if score >= settings.minScore { reason = .similarText }
            else { reason = nil }
            guard let reason else { continue }
            best[c.caseID] = (RelatedLink(caseID: c.caseID, reason: reason, score: score), c.registeredAt)
        }
        return best.values.sorted {
            ($0.link.reason, -$0.link.score, -$0.at.timeIntervalSince1970) < ($1.link.reason, -$1.link.score, -$1.at.timeIntervalSince1970)
        }.prefix(max(0, settings.maxLinks)).map(\.link)
    }
}
