import Foundation
import MinqingCore
import Testing

@Suite("Identifiers, masking and times")
struct IdentifiersTests {
    @Test("case ids print with four-digit sequences and parse back", arguments: [
        ("MQ-20261122-0042", "MQ", "20261122", 42), ("QS-20260101-12345", "QS", "20260101", 12345),
    ])
    func caseID(_ text: String, _ prefix: String, _ day: String, _ sequence: Int) {
        let id = CaseID(text)
        #expect(id == CaseID(prefix: prefix, day: day, sequence: sequence))
        #expect(id?.description == text)
    }

    @Test("malformed case ids are refused", arguments: ["", "MQ-2026112-0001", "MQ-20261122-001", "MQ-20261122-0000", "民情-20261122-0001", "MQ20261122-0001"])
    func badCaseID(_ text: String) {
        #expect(CaseID(text) == nil)
    }

    @Test("the registration day is taken in the office time zone")
    func day() {
        let t = Date(iso: "2026-11-22T16:30:00Z")  // 00:30 on the 23rd in Shanghai
        #expect(CaseID.day(of: t, in: HubTime.shanghai) == "20261123")
        #expect(CaseID.day(of: t, in: TimeZone(identifier: "UTC")!) == "20261122")
    }

    @Test("resident id check characters follow GB 11643-1999", arguments: [
        ("11010519491231002X", true), ("11010519491231002x", true), ("110105194912310021", false),
        ("440524188001010014", true), ("440524188001010015", false), ("110105491231002", true), ("1101051949123", false),
    ])
    func residentID(_ id: String, _ valid: Bool) {
        #expect(ResidentID.isValid(id) == valid)
    }

    @Test("phone numbers: mobiles with or without +86, landlines with area codes", arguments: [
        ("13812345678", PhoneNumber.Kind.mobile), ("+86 138-1234-5678", .mobile), ("008613812345678", .mobile),
        ("0791-86541234", .landline), ("(010)12345678", .landline),
    ])
    func phones(_ text: String, _ kind: PhoneNumber.Kind) {
        #expect(PhoneNumber.kind(of: text) == kind)
    }

    @Test("not phone numbers", arguments: ["12812345678", "1381234567", "电话", "110"])
    func notPhones(_ text: String) {
        #expect(PhoneNumber.kind(of: text) == nil)
    }

    @Test("masking keeps only what a non-assigned reader may see")
    func masking() {
        let m = Masking()
        #expect(m.phone("+86 13812341234") == "138****34")
        #expect(m.idNumber("11010519491231002X") == "110105**********2X")
        #expect(m.name("张三") == "张*")
        #expect(m.name("张三丰") == "张*丰")
        #expect(m.name("欧阳娜娜") == "欧**娜")
        #expect(Masking(idKeepStart: 3, idKeepEnd: 2).idNumber("11010519491231002X") == "110*************2X")
    }

    @Test("timestamps parse with offsets, Z, fractions, or as Shanghai local time")
    func times() {
        let expected = Date(timeIntervalSince1970: 1_795_311_000)  // 2026-11-22T01:30:00Z
        for text in ["2026-11-22T09:30:00+08:00", "2026-11-22T01:30:00Z", "2026-11-22 09:30:00", "2026-11-22T09:30", "2026-11-22T01:30:00.000Z"] {
            #expect(HubTime.parse(text) == expected, "\(text)")
        }
        #expect(HubTime.parse("2026-02-30") == nil)
        #expect(HubTime.parse("明天") == nil)
        #expect(HubTime.iso(expected) == "2026-11-22T09:30:00+08:00")
        #expect(HubTime.iso(expected.addingTimeInterval(0.25)) == "2026-11-22T09:30:00.250+08:00")
        #expect(HubTime.iso(expected, in: TimeZone(identifier: "UTC")!) == "2026-11-22T01:30:00Z")
    }

    @Test("e-mail addresses are masked like phone numbers: first and last character of the local part kept")
    func emailMasking() {
        let m = Masking()
        #expect(m.email("zhangsan@163.com") == "z***n@163.com")
        #expect(m.email("ab@qq.com") == "*@qq.com")
        #expect(m.complainant(Complainant(name: "张三", phone: "13812341234", email: "wang.da@qq.com"))
            == Complainant(name: "张*", phone: "138****34", email: "w***a@qq.com"))
    }
}
