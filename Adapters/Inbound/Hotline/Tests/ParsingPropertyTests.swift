import Foundation
import HotlineAdapter
import MinqingCore
import MinqingTesting
import Testing

/// Properties of the checked conversions and of the call-file readers, over generated hostile inputs (seeded:
/// a failure names its seed and case, and reproduces).
@Suite("Parsing properties: times, numbers, CSV and CDR")
struct ParsingPropertyTests {
    static let cases = 4_000

    @Test("Checked.int and Checked.double return a finite value in range or a FieldError naming the field, for any text")
    func numbers() {
        var gen = HostileInputs(seed: 0x4E55_4D42)
        for i in 0..<Self.cases {
            let text = gen.numberText()
            let low = gen.int(-1000...1000), range = low...(low + gen.int(0...Int.max / 2))
            do {
                let n = try Checked.int(text, field: "n", in: range)
                #expect(range.contains(n), "case \(i): \(n) from \(text.debugDescription)")
            } catch {
                #expect(error.field == "n" && !error.reason.isEmpty && error.reason.count < 200, "case \(i)")
            }
            do {
                let d = try Checked.double(text, field: "d", in: -1e6...1e6)
                #expect(d.isFinite && (-1e6...1e6).contains(d), "case \(i): \(d) from \(text.debugDescription)")
            } catch {
                #expect(error.field == "d", "case \(i)")
            }
            let value = gen.double()
            if let n = try? Checked.int(value, field: "x", in: 0...86_400, rounding: .down) {
                #expect((0...86_400).contains(n), "case \(i): \(value)")
            }
            if let date = try? Checked.epoch(value, field: "t") {
                #expect(date >= Checked.earliestTime && date < Checked.latestTime, "case \(i): \(value)")
            }
        }
    }

    @Test("a decimal text that Checked.int accepts reads back as the same number")
    func integerRoundTrip() throws {
        var gen = HostileInputs(seed: 7)
        for _ in 0..<Self.cases {
            let n = gen.int(Int.min...Int.max)
            #expect(try Checked.int(String(n), field: "n") == n)
        }
    }

    @Test("HubTime.parse and CallTime.parse never trap; what they accept lies in 1970–2199 and prints back to the same instant")
    func times() {
        var gen = HostileInputs(seed: 0x54_494D_45)
        for i in 0..<Self.cases {
            let text = gen.timeText()
            if let date = HubTime.parse(text) {
                #expect(date >= Checked.earliestTime && date < Checked.latestTime, "case \(i): \(text.debugDescription)")
                let again = HubTime.parse(HubTime.iso(date)) ?? .distantPast
                #expect(abs(again.timeIntervalSince(date)) < 0.001, "case \(i): \(text.debugDescription) round trip")
            }
            do {
                let date = try CallTime.checked(text, field: "ring_time", timeZone: HubTime.shanghai)
                #expect(date >= Checked.earliestTime && date < Checked.latestTime, "case \(i): \(text.debugDescription)")
            } catch {
                #expect(error.field == "ring_time" && error.reason.contains("应为"), "case \(i)")
                #expect(error.reason.count < 300, "case \(i): the message does not echo long input whole")
            }
            if let date = try? CallTime.checked(gen.double(), field: "ring_time") {
                #expect(date >= Checked.earliestTime && date < Checked.latestTime, "case \(i)")
            }
        }
    }

    @Test("valid local times read in the office zone: fields survive, impossible dates and components are refused")
    func timeForms() throws {
        #expect(HubTime.parse("2026-11-22 09:30:05.5") == Date(iso: "2026-11-22T09:30:05.500+08:00"))
        #expect(HubTime.parse("2026-11-22T09:30") == Date(iso: "2026-11-22T09:30:00+08:00"))
        for bad in ["2026-02-30", "2026-11-01 nan:00", "2026-11-01 24:00", "2026-11-01 09:60", "2026-11-01 +9:00", "2026-11-01 09:30:00.1234567890",
                    "99999-01-01", "2200-01-02", "2200-01-01T00:00:00Z", "1969-12-31T23:59:59Z", "2026-11-01 9:30:1e2", "2026-11-01\u{0}"] {
            #expect(HubTime.parse(bad) == nil, "\(bad.debugDescription)")
        }
        let error = try #require(throws: FieldError.self) { try Checked.time("2026-11-01 nan:00", field: "start_date") }
        #expect(error.field == "start_date" && error.reason.contains("ISO-8601"))
    }

    @Test("CSV scanning and field splitting are total: records are in order and inside the input, for any bytes")
    func csv() {
        var gen = HostileInputs(seed: 0x4353_56)
        let scanner = CSVRecordScanner()
        for i in 0..<1_000 {
            var data = Data()
            for _ in 0..<gen.int(0...6) {
                data += gen.chance(70) ? Data((gen.csvLine(columns: gen.int(1...16)) + gen.pick(["\n", "\r\n", "\r", ""])).utf8)
                    : Data(gen.bytes(maxLength: 40))
            }
            let (records, consumed, _) = scanner.records(in: data, base: 0, firstLine: 1)
            #expect(consumed <= data.count, "case \(i)")
            var offset: Int64 = 0
            for r in records {
                #expect(r.offset >= offset && r.end >= r.offset && r.end <= Int64(consumed), "case \(i): records are in order, inside what was consumed")
                offset = r.end
                _ = CSVFields.parse(r.bytes)
            }
            _ = CSVFields.parse(data)
        }
    }

    @Test("the Asterisk CDR reader turns any row into a call or a RowError naming a column; never a trap")
    func asteriskRows() {
        var gen = HostileInputs(seed: 0x4344_52)
        let format = AsteriskCDRFormat()
        for i in 0..<Self.cases {
            var fields = (0..<gen.int(0...(format.columns.count + 2))).map { _ in gen.chance(50) ? gen.numberText() : gen.text(maxLength: 4) }
            if fields.count > 9, gen.chance(70) { fields[9] = gen.timeText() }
            if fields.count > 14, gen.chance(70) { fields[14] = gen.pick(["ANSWERED", "NO ANSWER", "BUSY"]) }
            do {
                let call = try format.call(from: fields, raw: Data())
                if let d = call.duration { #expect(CallRecord.durationRange.contains(d), "case \(i)") }
                if let ring = call.ringAt { #expect(ring >= Checked.earliestTime && ring < Checked.latestTime, "case \(i)") }
            } catch {
                #expect(!error.field.isEmpty && !error.reason.isEmpty, "case \(i)")
            }
        }
    }

    @Test("a cloud export row with hostile times and durations is a call or a RowError; 1e300 seconds is refused")
    func cloudRows() throws {
        let aliyun = try #require(exampleConfig.hotline?.cloudExports.first { $0.name == "aliyun" })
        let header = ["通话ID", "主叫号码", "被叫号码", "呼叫类型", "坐席工号", "坐席姓名", "技能组", "振铃时间", "接通时间", "挂断时间", "通话时长", "挂断方", "通话结果", "备注", "录音文件"]
        let format = try CloudExportFormat(settings: aliyun, header: header)
        var gen = HostileInputs(seed: 0x434C_4F55)
        for i in 0..<Self.cases {
            var row = ["ali-\(i)", "13812345678", "057188886666", "呼入", "", "", "群众热线", gen.timeText(), "", "", gen.numberText(), "客户", "接通", "", ""]
            if gen.chance(20) { row[7] = gen.numberText() }
            do {
                let call = try format.call(from: row, raw: Data())
                if let d = call.duration { #expect(CallRecord.durationRange.contains(d), "case \(i)") }
            } catch {
                #expect(["ring_time", "duration"].contains(error.field), "case \(i): \(error)")
            }
        }
        var row = ["x", "13812345678", "", "呼入", "", "", "", "1794790800", "", "", "1e300", "", "接通", "", ""]
        #expect(throws: RowError.self) { try format.call(from: row, raw: Data()) }
        row[10] = "inf"
        #expect(throws: RowError.self) { try format.call(from: row, raw: Data()) }
    }
}
