import Foundation
import MinqingApp
import MinqingConfig
import MinqingCore
import MinqingDispatch
import MinqingRouting
import Testing

@Suite("Notifications about no single case")
struct ScheduledCompositionTests {
    @Test("a market-day alert renders the market.duty template from its stored context, for a group and by e-mail")
    func marketAlert() async throws {
        let harness = try DispatchHarness(environment: [:])
        defer { Task { await harness.shutdown() } }
        let setup = harness.setup
        let context = """
            {"market":{"name":"青山集","date":"2026-12-14（农历冬月初六）","place":"青山镇便民服务中心（老街口）","villages":"青山村、龙泉村"},
             "duty":{"leader":"黄丽华"},"has_cases":true,"case_count":1,
             "cases":[{"id":"MQ-20261130-0001","subject":"宅基地界址纠纷","village":"龙泉村","status":"受理"}]}
            """
        let entry = OutboxEntry(
            id: "n-1", caseID: nil, target: "office-wecom", event: "market.duty", recipients: ["huang-lihua"], snapshot: nil,
            context: context, jobKey: "market:qingshan-market:2026-12-14:morning", state: .pending, attempts: 0,
            nextAttemptAt: .distantPast, createdAt: .distantPast, lastError: nil)
        guard case .send(let content, let snapshot, let recipients) = setup.composer.compose(entry, for: Audience(isPrivate: false))
        else { Issue.record("not composed"); return }
        #expect(snapshot == nil && recipients.isEmpty)
        #expect(content.title == "【赶集日接访】2026-12-14（农历冬月初六） 青山集")
        #expect(content.plainText.contains("接访领导：黄丽华"))
        #expect(content.plainText.contains("MQ-20261130-0001 宅基地界址纠纷（龙泉村，受理）"))
        guard case .send(_, _, let people) = setup.composer.compose(entry, for: Audience(isPrivate: true, addressesPeople: true))
        else { Issue.record("not composed for e-mail"); return }
        #expect(people.map { $0.id } == ["huang-lihua"])
        var broken = entry
        broken.context = "not json"
        guard case .suppress(let reason) = setup.composer.compose(broken, for: Audience(isPrivate: false)) else {
            Issue.record("broken context sent"); return
        }
        #expect(reason.contains("context"))
    }
}
