import Foundation
import MinqingConfig
import MinqingCore
import MinqingHTTP

/// What a citizen may see of a case's history: the steps, the office it went to, and texts meant for them (a reply,
/// a reason for rejection). Never a staff name, never anyone's personal data.
public enum PublicTimeline {
    public struct Entry: Sendable, Hashable {
        public var at: Date
        public var title: String
        public var detail: String?
    }

    public static func entries(_ audit: [AuditEvent], directory: Directory) -> [Entry] {
        audit.compactMap { event in
            let detail: String?
            let title: String
            switch event.action {
            case "received": title = "已登记"; detail = nil
            case "accept": title = "已受理"; detail = nil
            case "reject": title = "不予受理"; detail = event.reason
            case "refer": title = "告知其他途径"; detail = event.details["referred_to"]
            case "assign", "reassign":
                title = event.action == "assign" ? "已交办" : "已改派"
                detail = event.details["staff"].flatMap { officeName(ofPerson: $0, directory: directory) }.map { "承办单位：\($0)" }
            case "start": title = "办理中"; detail = nil
            case "extend": title = "办理期限已延长"; detail = event.reason
            case "escalate": title = "已上报上级部门"; detail = event.details["escalated_to"]
            case "reply": title = "已答复"; detail = nil
            case "follow_up":
                title = "已回访"
                detail = event.details["satisfaction"].flatMap(Satisfaction.init(rawValue:)).map { "评价：\($0.displayName)" }
            case "close": title = "已办结"; detail = nil
            case "reopen": title = "发回重办"; detail = nil
            case "merge": title = "已与同类诉求合并办理"; detail = nil
            default: return nil
            }
            return Entry(at: event.at, title: title, detail: detail)
        }
    }

    static func officeName(ofPerson id: String, directory: Directory) -> String? {
        guard let person = directory.person(id) else { return directory.office.name }
        return ([directory.office] + directory.offices).first { $0.code == person.office }?.name ?? directory.office.name
    }
}
