import Foundation
import MinqingCore
import Testing

@Suite("Actions from API fields")
struct CaseActionFieldsTests {
    @Test("an assign request becomes an assignment with the time read in Shanghai")
    func assign() throws {
        let action = try CaseAction(kind: .assign, fields: [
            "leader": .text("刘建国"), "staff": .text("陈志强"), "deadline": .text("2026-12-07 17:30"),
        ])
        #expect(action == .assign(Assignment(leader: "刘建国", staff: "陈志强", deadline: Date(iso: "2026-12-07T17:30:00+08:00"))))
    }

    @Test("a missing, unknown or malformed field is named with its path")
    func errors() {
        #expect(throws: TransitionError.invalid("fields.deadline", "「交办（三定）」必须填写此字段")) {
            try CaseAction(kind: .assign, fields: ["leader": .text("a"), "staff": .text("b")])
        }
        let unknown = #expect(throws: TransitionError.self) {
            try CaseAction(kind: .reject, fields: ["reason": .text("x"), "reasn": .text("y")])
        }
        #expect(unknown?.field == "fields.reasn")
        let badDate = #expect(throws: TransitionError.self) {
            try CaseAction(kind: .extend, fields: ["until": .text("下周一"), "reason": .text("r"), "approver": .text("a")])
        }
        #expect(badDate?.field == "fields.until")
        let badEnum = #expect(throws: TransitionError.self) {
            try CaseAction(kind: .followUp, fields: ["satisfaction": .text("很满意")])
        }
        #expect(badEnum?.description.contains("satisfied, basically_satisfied, unsatisfied, not_evaluated") == true)
    }

    @Test("concerns accept a list or a 、-separated text")
    func concerns() throws {
        let a = try CaseAction(kind: .classify, fields: ["concerns": .text("李四、某村委会")])
        let b = try CaseAction(kind: .classify, fields: ["concerns": .list(["李四", "某村委会"])])
        #expect(a == b)
        #expect(a == .classify(Classification(concerns: ["李四", "某村委会"])))
    }
}
