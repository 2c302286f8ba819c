import Foundation
import MinqingConfig
import MinqingCore

/// A cloud call centre's CSV export (Huawei, Tencent, Aliyun, Volcengine …), read through the column mapping in
/// config: the header row names the columns, the mapping says which header holds which field.
public struct CloudExportFormat: CallRowFormat {
    public let settings: HotlineSettings.CloudExport
    /// Field → column index, from the header row.
    let index: [String: Int]
    public var origin: String { "cloud:\(settings.name)" }

    /// Binds the mapping to a file's header row; throws naming the first mapped header that is missing.
    public init(settings: HotlineSettings.CloudExport, header: [String]) throws(RowError) {
        self.settings = settings
        let trimmed = header.map { $0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "\u{FEFF}", with: "") }
        var index: [String: Int] = [:]
        for (field, name) in settings.columns {
            guard let i = trimmed.firstIndex(of: name) else {
                throw RowError(column: nil, field: field,
                               reason: "表头中没有「\(name)」列：请核对配置 hotline.cloud_exports[\(settings.name)].columns.\(field)（表头有：\(trimmed.joined(separator: "、"))）")
            }
            index[field] = i
        }
        self.index = index
    }

    public func call(from fields: [String], raw: Data) throws(RowError) -> CallRecord {
        func value(_ field: String) -> String? {
            guard let i = index[field], i < fields.count else { return nil }
            return fields[i].trimmingCharacters(in: .whitespaces).nonEmpty
        }
        func column(_ field: String) -> Int? { index[field].map { $0 + 1 } }
        func time(_ field: String) throws(RowError) -> Date? {
            guard let text = value(field) else { return nil }
            do { return try CallTime.checked(text, field: field, timeZone: settings.timeZone) } catch {
                throw RowError(column: column(field), field: field, reason: error.reason)
            }
        }
        guard let callID = value("call_id") else {
            throw RowError(column: column("call_id"), field: "call_id", reason: "不能为空：应为通话编号")
        }
        let resultText = value("result") ?? ""
        guard let result = settings.results.first(where: { $0.value.contains(resultText) }).flatMap({ CallResult(rawValue: $0.key) })
            ?? CallResult(rawValue: resultText.lowercased())
        else {
            let known = settings.results.values.flatMap { $0 }.joined(separator: "、")
            throw RowError(column: column("result"), field: "result",
                           reason: "「\(resultText)」不是配置中的通话结果（可用：\(known)）：请在 hotline.cloud_exports[\(settings.name)].results 中补充")
        }
        let ring = try time("ring_time")
        let answer = try time("answer_time")
        let end = try time("end_time")
        guard ring ?? answer ?? end != nil else {
            throw RowError(column: column("ring_time"), field: "ring_time", reason: "不能为空：应为振铃（呼入）时间")
        }
        var duration: Int?
        if let text = value("duration") {
            do {
                let seconds = try Checked.double(text, field: "duration")
                duration = try Checked.int(seconds, field: "duration", in: CallRecord.durationRange, rounding: .down)
            } catch {
                throw RowError(column: column("duration"), field: "duration",
                               reason: "「\(Checked.excerptForMessage(text))」不是秒数，应为 0 到 \(CallRecord.durationRange.upperBound) 之间的数")
            }
        }
        let directionText = value("direction")?.lowercased() ?? ""
        let direction: CallDirection = ["呼出", "外呼", "outbound", "out", "callout"].contains(directionText) ? .outbound : .inbound
        return CallRecord(
            callID: callID, caller: value("caller") ?? "", callee: value("callee"), direction: direction,
            agentID: value("agent_id"), agentName: value("agent_name"), queue: value("queue"), ringAt: ring,
            answerAt: answer, endAt: end, duration: duration, hangupSide: value("hangup_side"), result: result,
            notes: value("notes"), recordingURL: value("recording_url"), origin: origin)
    }
}
