import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Reception days page")
struct ReceptionTests {
    @Test("each market lists its next five market days (lunar 旬 days of its rule), its place and the receiving leaders")
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
        }
    }
}
