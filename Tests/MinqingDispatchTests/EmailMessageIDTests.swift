import Foundation
@testable import EmailAdapter
import MinqingCore
import MinqingCurl
import MinqingDispatch
import Testing

@Suite("E-mail Message-ID")
struct EmailMessageIDTests {
    @Test("mail about no single case (a digest) has one pair of angle brackets around its Message-ID (regression: <<…>>)")
    func digestMessageID() async throws {
        let client = try CurlClient()
        let target = EmailTarget(name: "staff-email", server: MailEndpoint(url: "smtp://127.0.0.1:1"), fromAddress: "qunzhong@qingshan.gov.cn",
                                 fromName: "青山镇群工办", client: client)
        let delivery = Delivery(
            id: "digest-2026-11-23", event: "digest.daily", createdAt: Date(), attempt: 1, sentAt: Date(),
            content: NotificationContent(title: "每日汇总", markdown: "新案件 3 件"), recipients: [Contact(id: "wang-li", name: "王丽", email: "wangli@qingshan.gov.cn")],
            snapshot: nil)
        let raw = String(decoding: target.message(for: delivery).render(boundary: "b"), as: UTF8.self)
        #expect(raw.contains("Message-ID: <digest-2026-11-23@qingshan.gov.cn>\r\n"))
        #expect(!raw.contains("<<") && !raw.contains(">>"))
        #expect(!raw.contains("In-Reply-To"), "no thread for mail about no case")
        await client.shutdown()
    }
}
