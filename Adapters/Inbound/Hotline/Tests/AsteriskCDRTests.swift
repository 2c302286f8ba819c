import Foundation
import HotlineAdapter
import MinqingCore
import MinqingTesting
import Testing

@Suite("Asterisk Master.csv rows")
struct AsteriskCDRTests {
    let format = AsteriskCDRFormat(optionalColumns: ["uniqueid", "userfield"], timeZone: TimeZone(identifier: "Asia/Shanghai")!)

    func parse(_ line: String) throws(RowError) -> CallRecord {
        let fields = CSVFields.parse(Data(line.utf8))!
        return try format.call(from: fields, raw: Data(line.utf8))
    }

    @Test("quoted commas, doubled quotes, Chinese userfield and local times are read field by field")
    func answeredRow() throws {
        let line = #""","13812345678","88886666","hotline-in","""张秀英"" <13812345678>","SIP/trunk-01","SIP/8001-0000001a","Dial","SIP/8001,30,tT","2026-11-16 09:00:05","2026-11-16 09:00:12","2026-11-16 09:04:40",275,268,"ANSWERED","DOCUMENTATION","1763254805.7","反映路灯不亮,青山村五组,说""尽快修"""#
        let call = try parse(line)
        #expect(call.callID == "1763254805.7")
        #expect(call.caller == "13812345678")
        #expect(call.agentID == "8001")
        #expect(call.result == .answered)
        #expect(call.ringAt == Date(iso: "2026-11-16T09:00:05+08:00"))
        #expect(call.answerAt == Date(iso: "2026-11-16T09:00:12+08:00"))
        #expect(call.notes == "反映路灯不亮,青山村五组,说\"尽快修\"")
    }

    @Test("an unanswered call has an empty answer time and maps to a call-back result")
    func missedRow() throws {
        let line = #""","13900001111","88886666","hotline-in","","SIP/trunk-02","","Queue","hotline,t","2026-11-16 12:10:00","","2026-11-16 12:10:30",30,0,"NO ANSWER","DOCUMENTATION","1763266200.9","""#
        let call = try parse(line)
        #expect(call.answerAt == nil && call.result == .missed && call.notes == nil)
        #expect(AsteriskCDRFormat.result(disposition: "BUSY") == .busy)
        #expect(AsteriskCDRFormat.result(disposition: "CONGESTION") == .missed)
        #expect(AsteriskCDRFormat.result(disposition: "MAYBE") == nil)
    }

    @Test("a bad row names its column and field: bad start time, unknown disposition, missing columns")
    func badRows() {
        let badTime = #""","13900001111","88886666","hotline-in","","SIP/t","","Queue","","2026-13-45 99:00:00","","",0,0,"NO ANSWER","DOCUMENTATION","1.1","""#
        #expect(throws: RowError(column: 10, field: "start", reason: "「2026-13-45 99:00:00」不是有效时间，应为 2026-11-22 09:30:00")) { try parse(badTime) }
        let badDisposition = badTime.replacingOccurrences(of: "2026-13-45 99:00:00", with: "2026-11-16 09:00:00").replacingOccurrences(of: "NO ANSWER", with: "MAYBE")
        #expect(throws: RowError.self) { try parse(badDisposition) }
        do { _ = try parse(badDisposition) } catch { #expect(error.column == 15 && error.field == "disposition") }
        do { _ = try parse(#""","13900001111","88886666""#) } catch { #expect(error.column == 4 && error.field == "dcontext") }
    }
}
