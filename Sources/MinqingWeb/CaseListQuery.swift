import Foundation
import Hummingbird
import MinqingCore
import MinqingHTTP
import MinqingStore

/// Query parameters of `GET /api/v1/cases`, validated: a wrong value is a 400 naming the parameter.
struct CaseListQuery {
    let query: CaseQuery

    static let parameters: Set<String> = ["status", "channel", "village", "category", "leader", "staff", "from", "to", "q", "overdue", "limit", "offset"]

    init(_ params: Parameters, vocabulary: IntakeVocabulary, timeZone: TimeZone) throws {
        var q = CaseQuery()
        for (key, _) in params where !Self.parameters.contains(String(key)) {
            throw Problem.badRequest(String(key), "未知的查询参数（可用：\(Self.parameters.sorted().joined(separator: ", "))）")
        }
        for raw in params.getAll("status") {
            for name in raw.split(separator: ",") {
                guard let status = CaseStatus(rawValue: String(name)) else {
                    throw Problem.badRequest("status", "「\(name)」不是案件状态（可选：\(CaseStatus.allCases.map(\.rawValue).joined(separator: ", "))）")
                }
                q.statuses.append(status)
            }
        }
        if let c = params.get("channel") {
            guard let channel = Channel(rawValue: c) else {
                throw Problem.badRequest("channel", "「\(c)」不是渠道（可选：\(Channel.allCases.map(\.rawValue).joined(separator: ", "))）")
            }
            q.channel = channel
        }
        // Villages and categories may be given by code or by name; unknown text is searched as written.
        q.village = params.get("village").map { vocabulary.village($0) ?? $0 }
        q.category = params.get("category").map { vocabulary.category($0) ?? $0 }
        q.leader = params.get("leader")
        q.staff = params.get("staff")
        q.text = params.get("q")
        q.registeredFrom = try Self.date(params, "from", timeZone)
        q.registeredTo = try Self.date(params, "to", timeZone)
        if let overdue = params.get("overdue") {
            guard let at = HubTime.parse(overdue, defaultTimeZone: timeZone) else {
                throw Problem.badRequest("overdue", "应为时间，如 2026-11-22T17:30:00+08:00：列出此时已超期的案件")
            }
            q.overdueAt = at
        }
        q.limit = try Self.int(params, "limit", default: 50, range: 1...CaseQuery.maxLimit)
        q.offset = try Self.int(params, "offset", default: 0, range: 0...Int.max)
        query = q
    }

    private static func date(_ params: Parameters, _ name: String, _ tz: TimeZone) throws -> Date? {
        guard let text = params.get(name) else { return nil }
        guard let d = HubTime.parse(text, defaultTimeZone: tz) else {
            throw Problem.badRequest(name, "「\(text)」不是日期或时间，应为 2026-11-01 或 2026-11-01T08:00:00+08:00")
        }
        return d
    }

    private static func int(_ params: Parameters, _ name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text = params.get(name) else { return value }
        guard let n = Int(text), range.contains(n) else {
            throw Problem.badRequest(name, "应为 \(range.lowerBound) 到 \(range.upperBound == Int.max ? "∞" : String(range.upperBound)) 之间的整数")
        }
        return n
    }
}
