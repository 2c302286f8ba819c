import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Reception days page")
struct ReceptionTests {
    @Test("each market lists its next five market days with the duty leader of each, and each leader's reception days with time and place")
    func page() async throws {
        try await TestHub().test { client in
            let html = String(buffer: try await client.execute(uri: "/reception", method: .get).body)
            #expect(html.contains("青山集（农历逢三、六、九）") && html.contains("青山镇便民服务中心（老街口）"))
            #expect(html.contains("党委书记刘建国") && html.contains("镇长赵红梅"))
            let qingshan = firstMatch(#"青山集[\s\S]*?<ul class="market-days">([\s\S]*?)</ul>"#, in: html) ?? ""
            let items = qingshan.components(separatedBy: "<li>").dropFirst()
            #expect(items.count == 5)
            let lunarDays = ["初三", "初六", "初九", "十三", "十六", "十九", "廿三", "廿六", "廿九"]
            for item in items {
                let lunar = firstMatch(#"（([^）]+)）"#, in: item) ?? ""
                #expect(lunarDays.contains { lunar.hasSuffix($0) }, "\(lunar) is not a 三六九 day")
            }
            #expect(items.first?.contains("11 月") == true || items.first?.contains("12 月") == true)
            #expect(items.allSatisfy { $0.contains("接访领导：") },
                    "every market day names its duty leader from schedules.yaml")
            #expect(Set(items.compactMap { firstMatch(#"接访领导：([^<]+)"#, in: $0) }).count >= 2, "the duty rotates")
            let monday = firstMatch(#"<h3>党委书记刘建国</h3>\s*<p>时间：09:00–12:00　地点：青山镇信访接待室</p>\s*<ul class="reception-days">([\s\S]*?)</ul>"#, in: html) ?? ""
            #expect(monday.components(separatedBy: "<li>").dropFirst().count == 3, "the leader's next three reception days")
            #expect(monday.contains("星期一") && !monday.contains("星期二"))
        }
    }
}
