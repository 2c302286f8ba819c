import Foundation
import MinqingCore

/// Asterisk `cdr-csv/Master.csv` (docs/domain/call-records.md#asterisk-mastercsv): no header; …
/// built with (chosen in config); times `YYYY-MM-DD HH:MM:SS` in the PBX's local time; an unanswered call has an
/// empty answer time. The agent's notes are in `userfield`.
public struct AsteriskCDRFormat: CallRowFormat {
    public static let fixedColumns = [
        "accountcode", "src", "dst", "dcontext", "clid", "channel", "dstchannel", "lastapp", "lastdata",
        "start", "answer", "end", "duration", "billsec", "disposition", "amaflags",
    ]

    public var optionalColumns: [String]
    public var timeZone: TimeZone
    public var origin: String { "asterisk" }

    public init(optionalColumns: [String] = ["uniqueid", "userfield"], timeZone: TimeZone = HubTime.shanghai) {
        self.optionalColumns = optionalColumns
        self.timeZone = timeZone
    }

    public var columns: [String] { Self.fixedColumns + optionalColumns }

    /// ANSWERED → answered; NO ANSWER, FAILED, CONGESTION → missed (the caller did not get through); BUSY → busy.
    public static func result(disposition: String) -> CallResult? {
        switch disposition.trimmingCharacters(in: .whitespaces).uppercased() {
        case "ANSWERED": .answered
        case "NO ANSWER", "NOANSWER", "FAILED", "CONGESTION": .missed
        case "BUSY": .busy
        default: nil
        }
    }

    public func call(from fields: [String], raw: Data) throws(RowError) -> CallRecord {
        let columns = self.columns
        guard fields.count >= columns.count else {
            throw RowError(column: fields.count + 1, field: columns[fields.count],
                           reason: "本行只有 \(fields.count) 列，应为 \(columns.count) 列：请核对配置 hotline.asterisk.optional_columns 是否与话单格式一致")
        }
        func value(_ name: String) -> String? { columns.firstIndex(of: name).map { fields[$0].trimmingCharacters(in: .whitespaces) } }
        func column(_ name: String) -> Int { (columns.firstIndex(of: name) ?? 0) + 1 }
        func time(_ name: String, required: Bool) throws(RowError) -> Date? {
            let text = value(name) ?? ""
            if text.isEmpty {
                if required { throw RowError(column: column(name), field: name, reason: "不能为空：应为通话开始时间，如 2026-11-22 09:30:00") }
                return nil
            }
            do { return try CallTime.checked(text, field: name, timeZone: timeZone) } catch {
                throw RowError(column: column(name), field: name, reason: "「\(Checked.excerptForMessage(text))」不是有效时间，应为 2026-11-22 09:30:00")
            }
        }
        let disposition = value("disposition") ?? ""
        guard let result = Self.result(disposition: disposition) else {
            throw RowError(column: column("disposition"), field: "disposition",
                           reason: "「\(disposition)」不是已知的通话结果（应为 ANSWERED、NO ANSWER、BUSY、FAILED 或 CONGESTION）")
        }
        let start = try time("start", required: true)
        let answer = try time("answer", required: false)
        let end = try time("end", required: false)
        var duration: Int?
        if let text = value("duration"), !text.isEmpty {
            do { duration = try Checked.int(text, field: "duration", in: CallRecord.durationRange) } catch {
                throw RowError(column: column("duration"), field: "duration", reason: error.reason + "（秒数）")
            }
        }
        let uniqueID = value("uniqueid")?.nonEmpty
        let agent = value("dstchannel").flatMap(Self.extension(ofChannel:))
        return CallRecord(
            callID: uniqueID ?? "cdr-" + rowFingerprint(raw), caller: value("src") ?? "", callee: value("dst")?.nonEmpty,
            direction: .inbound, agentID: agent, queue: value("dcontext")?.nonEmpty, ringAt: start,
            answerAt: answer, endAt: end, duration: duration, result: result, notes: value("userfield")?.nonEmpty,
            origin: origin)
    }

    /// `SIP/8001-0000001a` → `8001`; `PJSIP/agent-zhou-00000002` → `agent-zhou`.
    static func `extension`(ofChannel channel: String) -> String? {
        guard let slash = channel.firstIndex(of: "/") else { return nil }
        var name = channel[channel.index(after: slash)...]
        if let dash = name.lastIndex(of: "-") { name = name[..<dash] }
        return String(name).nonEmpty
    }
}
