import Foundation
import MinqingCore
import MinqingDispatch
import Testing

@Suite("Notification templates of the example township")
struct TemplateTests {
    static let templates = DispatchHarness.exampleConfig.appendingPathComponent("templates")

    @Test("every event kind has a zh-CN template that parses")
    func everyEventHasOne() throws {
        let set = try TemplateSet.load(from: Self.templates)
        for event in NotificationEvent.allCases {
            #expect(set.has(event.rawValue), "templates/\(event.rawValue).mustache")
        }
    }

    @Test("market-day duty alerts list the open cases of the market's villages, or say there are none")
    func marketDuty() throws {
        let set = try TemplateSet.load(from: Self.templates)
        let context: [String: Any] = [
            "market": ["name": "青山集", "date": "2026-12-03（农历十月十四）", "place": "青山镇便民服务中心", "villages": "青山村、河西村"],
            "duty": ["leader": "刘建国", "staff": "王丽"],
            "has_cases": true, "case_count": 2,
            "cases": [["id": "MQ-20261123-0001", "subject": "垃圾清运", "village": "青山村", "status": "办理中"],
                      ["id": "MQ-20261124-0003", "subject": "拖欠工资", "village": "河西村", "status": "已交办"]],
        ]
        let content = try #require(set.render("market.duty", context: context))
        #expect(content.title == "【赶集日接访】2026-12-03（农历十月十四） 青山集")
        #expect(content.plainText.contains("接访领导：刘建国"))
        #expect(content.plainText.contains("- MQ-20261124-0003 拖欠工资（河西村，已交办）"))
        let none = try #require(set.render("market.duty", context: context.merging(["has_cases": false, "cases": []]) { $1 }))
        #expect(none.plainText.contains("目前没有未办结的案件"))
    }

    @Test("a value with markup characters is inserted as written, not HTML-escaped")
    func noHTMLEscaping() throws {
        let set = try TemplateSet(templates: ["t": "{{case.subject}}\n\n{{case.body}}"])
        let content = try #require(set.render("t", context: ["case": ["subject": "\"水\" & <电>", "body": "a<b"]]))
        #expect(content.title == "\"水\" & <电>")
        #expect(content.html.contains("a&lt;b"), "the HTML alternative escapes it instead")
    }

    @Test("a template with a broken section is refused with the file and what to check")
    func brokenTemplate() {
        let error = #expect(throws: TemplateError.self) { try TemplateSet(templates: ["case.created": "{{#case}}未闭合"]) }
        #expect(error?.description.contains("case.created.mustache") == true)
    }
}
