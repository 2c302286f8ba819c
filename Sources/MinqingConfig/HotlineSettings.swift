import Foundation
import MinqingCore
import MinqingRouting

/// The `hotline:` section of minqing.yaml: who answers call-backs, how fast, and where call records come from.
public struct HotlineSettings: Sendable {
    public enum Rotation: String, Sendable, CaseIterable {
        /// The staff list takes turns by working day (day 1: first, day 2: second …).
        case daily
        /// Each new call-back goes to the next person on the list.
        case perCase = "per_case"
    }

    /// Staff on hotline duty until duty rosters exist: a leader and a list of staff ids from directory.yaml.
    public struct Duty: Sendable {
        public var leader: String
        public var staff: [String]
        public var rotation: Rotation
    }

    /// Asterisk `cdr-csv/Master.csv` (docs/domain/call-records.md#asterisk-mastercsv).
    public struct Asterisk: Sendable {
        /// The file followed by `serve` (like `tail -F`); nil when only `import cdr` is used.
        public var follow: String?
        /// The optional columns after `amaflags`, in file order (`uniqueid`, `userfield`, `peeraccount`, `linkedid`, `sequence`).
        public var optionalColumns: [String]
        /// Time zone of the file's `YYYY-MM-DD HH:MM:SS` times (the PBX's local time).
        public var timeZone: TimeZone
        /// How often the followed file is checked for new lines and rotation.
        public var pollInterval: Duration

        public static let knownOptionalColumns = ["uniqueid", "userfield", "peeraccount", "linkedid", "sequence"]
    }

    /// A cloud call centre's CSV export: which header holds which field, and which words mean which result.
    public struct CloudExport: Sendable {
        public var name: String
        /// Field (`call_id`, `caller`, `start` …) → header text in the vendor's file.
        public var columns: [String: String]
        /// Result (`answered`, `missed`, `abandoned`, `busy`) → the vendor's words for it.
        public var results: [String: [String]]
        public var timeZone: TimeZone

        public static let fields = [
            "call_id", "caller", "callee", "direction", "agent_id", "agent_name", "queue", "ring_time", "answer_time",
            "end_time", "duration", "hangup_side", "result", "notes", "recording_url",
        ]
        public static let requiredFields = ["call_id", "caller", "ring_time", "result"]
        public static let resultNames = ["answered", "missed", "abandoned", "busy"]
    }

    public var duty: Duty
    /// Office time a call-back must happen within (default 2 working hours).
    public var callbackWorkingHours: Int
    /// Missed calls from one number within this window fold into one call-back case (default 24 h).
    public var foldWindow: TimeInterval
    public var calendar: WorkCalendar
    public var asterisk: Asterisk?
    public var cloudExports: [CloudExport]
    /// Target told when a 12345 work order's case is replied or closed (outbox, delivered by the dispatcher).
    public var workOrderReportTarget: String?
}

extension HotlineSettings {
    static func read(_ n: ConfigNode, directory: Directory?, configURL: URL) -> HotlineSettings? {
        guard let m = n.mapping else { return nil }
        let duty = m.required("duty", hint: "热线值班的领导和人员").flatMap { readDuty($0, directory: directory) }
        var hours = 2
        var fold: TimeInterval = 24 * 3600
        if let cb = m.optional("callback")?.mapping {
            if let h = cb.optional("deadline_working_hours"), let v = h.int {
                if (1...DeadlineSpan.maxWorkingHours).contains(v) { hours = v } else {
                    h.report("回拨时限应在 1–\(DeadlineSpan.maxWorkingHours) 个工作小时之间")
                }
            }
            if let w = cb.optional("fold_window_hours"), let v = w.int {
                if (1...DeadlineSpan.maxHours).contains(v) { fold = TimeInterval(v) * 3600 } else {
                    w.report("合并窗口应在 1–\(DeadlineSpan.maxHours) 小时之间（最长一年）")
                }
            }
            cb.finish()
        }
        var officeHours = OfficeHours.standard
        if let oh = m.optional("office_hours") {
            do { officeHours = try OfficeHours(parsing: oh.strings) } catch { oh.report(error.message) }
        }
        let folder = m.optional("calendars")?.string ?? "../calendars"
        let calendarURL = folder.hasPrefix("/") ? URL(fileURLWithPath: folder) : configURL.appendingPathComponent(folder)
        let years = CalendarFiles.read(folder: calendarURL, diagnostics: n.diagnostics, shownAs: n.child("calendars", n.node))
        let asterisk = m.optional("asterisk").flatMap(readAsterisk)
        let cloud = (m.optional("cloud_exports")?.items ?? []).compactMap(readCloud)
        var target: String?
        if let wo = m.optional("work_orders")?.mapping {
            target = wo.optional("report_target")?.string
            wo.finish()
        }
        m.finish()
        guard let duty, let years else { return nil }
        return HotlineSettings(
            duty: duty, callbackWorkingHours: hours, foldWindow: fold,
            calendar: WorkCalendar(years: years, officeHours: officeHours), asterisk: asterisk, cloudExports: cloud,
            workOrderReportTarget: target)
    }

    private static func readDuty(_ n: ConfigNode, directory: Directory?) -> Duty? {
        guard let m = n.mapping else { return nil }
        let leaderNode = m.required("leader", hint: "责任领导的人员 id")
        let leader = leaderNode?.string
        let staffNode = m.required("staff", hint: "值班人员 id 列表")
        let staff = staffNode?.strings ?? []
        var rotation = Rotation.daily
        if let r = m.optional("rotation")?.oneOf(Rotation.self) { rotation = r }
        m.finish()
        if let directory {
            if let leader, let node = leaderNode, directory.person(leader) == nil {
                node.report("未定义的人员「\(leader)」：请先在 directory.yaml 的 people 中登记此人")
            }
            for id in staff where directory.person(id) == nil {
                staffNode?.report("未定义的人员「\(id)」：请先在 directory.yaml 的 people 中登记此人")
            }
        }
        if staffNode != nil, staff.isEmpty { staffNode?.report("至少要有一名值班人员") }
        guard let leader, !staff.isEmpty else { return nil }
        return Duty(leader: leader, staff: staff, rotation: rotation)
    }

    private static func readAsterisk(_ n: ConfigNode) -> Asterisk? {
        guard let m = n.mapping else { return nil }
        var a = Asterisk(follow: nil, optionalColumns: [], timeZone: HubTime.shanghai, pollInterval: .seconds(1))
        if let t = m.optional("follow")?.text, !t.trimmingCharacters(in: .whitespaces).isEmpty { a.follow = t }
        if let cols = m.optional("optional_columns") {
            let names = cols.strings
            for name in names where !Asterisk.knownOptionalColumns.contains(name) {
                cols.report("「\(name)」不是 Master.csv 的可选列（可选：\(Asterisk.knownOptionalColumns.joined(separator: ", "))）")
            }
            a.optionalColumns = names.filter(Asterisk.knownOptionalColumns.contains)
        }
        if let z = m.optional("time_zone"), let text = z.string {
            if let tz = TimeZone(identifier: text) { a.timeZone = tz } else { z.report("「\(text)」不是时区名称（如 Asia/Shanghai）") }
        }
        if let p = m.optional("poll_interval_ms"), let v = p.int {
            if v >= 10 { a.pollInterval = .milliseconds(v) } else { p.report("检查间隔至少 10 毫秒") }
        }
        m.finish()
        return a
    }

    private static func readCloud(_ n: ConfigNode) -> CloudExport? {
        guard let m = n.mapping else { return nil }
        let name = m.required("name", hint: "如 aliyun、huawei")?.string
        var columns: [String: String] = [:]
        if let c = m.required("columns", hint: "字段对应的表头")?.mapping {
            for field in CloudExport.fields {
                if let header = c.optional(field)?.string { columns[field] = header }
            }
            c.finish()
            for field in CloudExport.requiredFields where columns[field] == nil {
                c.node.report("缺少字段 \(field) 对应的表头（必填：\(CloudExport.requiredFields.joined(separator: ", "))）")
            }
        }
        var results: [String: [String]] = [:]
        if let r = m.required("results", hint: "各通话结果对应的文字")?.mapping {
            for result in CloudExport.resultNames {
                if let words = r.optional(result)?.strings { results[result] = words }
            }
            r.finish()
        }
        var zone = HubTime.shanghai
        if let z = m.optional("time_zone"), let text = z.string {
            if let tz = TimeZone(identifier: text) { zone = tz } else { z.report("「\(text)」不是时区名称（如 Asia/Shanghai）") }
        }
        m.finish()
        guard let name, CloudExport.requiredFields.allSatisfy({ columns[$0] != nil }) else { return nil }
        return CloudExport(name: name, columns: columns, results: results, timeZone: zone)
    }
}
