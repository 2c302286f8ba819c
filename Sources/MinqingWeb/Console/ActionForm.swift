import Foundation
import MinqingCore
import MinqingHTTP

/// A console action form → a `CaseAction`. Errors say, in Chinese, which field to fix.
enum ActionForm {
    /// 四包: investigate, coordinate, supervise, stabilise.
    static let fourDuties = ["调查", "协调", "督办", "稳控"]

    struct Invalid: Error { let message: String }

    static func action(_ form: FormBody, timeZone: TimeZone) throws(Invalid) -> CaseAction {
        func need(_ name: String, _ hint: String) throws(Invalid) -> String {
            guard let v = form[name] else { throw Invalid(message: hint) }
            return v
        }
        func date(_ name: String, _ label: String) throws(Invalid) -> Date {
            let text = try need(name, "请填写\(label)")
            // A date alone means the end of that working day (17:30 office time).
            let full = text.count == 10 ? text + "T17:30:00" : text
            do { return try Checked.time(full, field: name, defaultTimeZone: timeZone) } catch {
                throw Invalid(message: "\(label)「\(Checked.excerptForMessage(text))」格式不对，应为 2026-12-01（\(Checked.timeRangeText)）")
            }
        }
        guard let name = form["action"], let kind = CaseAction.Kind(rawValue: name) else {
            throw Invalid(message: "未知的操作，请刷新页面后重试")
        }
        switch kind {
        case .accept: return .accept(note: form["note"])
        case .reject: return .reject(reason: try need("reason", "请填写不予受理的理由（将告知来信人）"))
        case .refer: return .refer(to: try need("to", "请填写告知的其他途径"), reason: try need("reason", "请填写理由"))
        case .assign, .reassign:
            let a = Assignment(leader: try need("leader", "请选择责任领导（定领导）"), staff: try need("staff", "请选择承办人员（定人员）"),
                               deadline: try date("deadline", "办理期限（定时限）"))
            return kind == .assign ? .assign(a) : .reassign(a, reason: try need("reason", "请填写改派理由"))
        case .start: return .start
        case .extend:
            return .extend(until: try date("until", "新的办理期限"), reason: try need("reason", "请填写延期理由"),
                           approver: try need("approver", "请填写批准人（本机关负责人）"))
        case .note:
            // 四包 checklist: the duty the note reports on, kept as a tag at the start of the note.
            let text = try need("text", "请填写进展内容")
            if let item = form["item"], fourDuties.contains(item) { return .note(text: "【\(item)】\(text)") }
            return .note(text: text)
        case .escalate: return .escalate(to: try need("to", "请填写上报单位"), reason: try need("reason", "请填写上报理由"))
        case .reply:
            guard let o = form["outcome"].flatMap(Outcome.init(rawValue:)) else { throw Invalid(message: "请选择答复结果（四到位）") }
            return .reply(outcome: o, text: try need("text", "请填写答复内容"))
        case .followUp:
            guard let s = form["satisfaction"].flatMap(Satisfaction.init(rawValue:)) else { throw Invalid(message: "请选择回访满意度") }
            return .followUp(satisfaction: s, note: form["note"])
        case .close: return .close(note: form["note"])
        case .reopen: return .reopen(reason: try need("reason", "请填写重办理由"))
        case .merge:
            let text = try need("into", "请填写并入的案件编号")
            guard let id = CaseID(text.uppercased()) else { throw Invalid(message: "「\(text)」不是案件编号，应为 MQ-20261122-0042 这样的形式") }
            return .merge(into: id, reason: form["reason"])
        case .classify:
            // Empty fields stay as they are; 被反映对象 is a list separated by 、 or commas (replaces the list when given).
            let concerns = form["concerns"].map { text in
                text.split(whereSeparator: { "、,，;； ".contains($0) }).map(String.init)
            }
            return .classify(Classification(
                village: form["village"], category: form["category"], priority: form["priority"].flatMap(Priority.init(rawValue:)),
                severity: form["severity"].flatMap(Severity.init(rawValue:)), concerns: concerns))
        case .acknowledge:
            return .acknowledge(by: try need("by", "请填写签收单位或签收人"), note: form["note"])
        case .returnToTownship:
            return .returnToTownship(reason: try need("reason", "请填写上级退回的理由"))
        }
    }
}
