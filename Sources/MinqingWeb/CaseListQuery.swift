import Foundation
import Hummingbird
import MinqingCore
import MinqingHTTP
import MinqingStore

/// Query parameters of `GET /api/v1/cases`, validated: a wrong value is a 400 naming the parameter.
struct CaseListQuery {
    let query: CaseQuery

    static let parameters: Set<String> = ["status", "channel", "village", "category", "leader", "staff", "from", "to", "q", "overdue", "follow_up_overdue", "limit", "offset", "cursor"]

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
        if let text = params.get("q") {
            do { q.text = try CaseQuery.checkedText(text) } catch { throw Problem.badRequest(error) }
        }
        q.registeredFrom = try Self.date(params, "from", timeZone)
        q.registeredTo = try Self.date(params, "to", timeZone)
        if let overdue = params.get("overdue") {
            do { q.overdueAt = try Checked.time(overdue, field: "overdue", defaultTimeZone: timeZone) } catch {
                throw Problem.badRequest("overdue", "\(error.reason)：列出此时已超期的案件")
            }
        }
        if let due = params.get("follow_up_overdue") {
            do { q.followUpOverdueAt = try Checked.time(due, field: "follow_up_overdue", defaultTimeZone: timeZone) } catch {
                throw Problem.badRequest("follow_up_overdue", "\(error.reason)：列出此时已过回访期限仍未回访的已答复案件")
            }
        }
        q.limit = try Self.int(params, "limit", default: 50, range: 1...CaseQuery.maxLimit)
        if let text = params.get("offset"), let n = Int(text), n > CaseQuery.maxOffset {
            throw Problem.badRequest(
                "offset", "最大为 \(CaseQuery.maxOffset)：更深的页请用 cursor 翻页（每页答复中的 next_cursor 即下一页的 cursor）")
        }
        q.offset = try Self.int(params, "offset", default: 0, range: 0...CaseQuery.maxOffset)
        if let text = params.get("cursor") {
            guard let cursor = CaseCursor(encoded: text) else {
                throw Problem.badRequest("cursor", "无法识别的翻页位置：请原样使用上一页答复中的 next_cursor，或去掉 cursor 从第一页开始")
            }
            q.cursor = cursor
        }
        query = q
    }

    private static func date(_ params: Parameters, _ name: String, _ tz: TimeZone) throws -> Date? {
        guard let text = params.get(name) else { return nil }
        do { return try Checked.time(text, field: name, defaultTimeZone: tz) } catch { throw Problem.badRequest(error) }
    }

    private static func int(_ params: Parameters, _ name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text = params.get(name) else { return value }
        do { return try Checked.int(text, field: name, in: range) } catch { throw Problem.badRequest(error) }
    }
}
