import Foundation
import MinqingCore

extension NotificationComposer {
    /// The message `minqing notify test` sends, like the 「测试」 button on every robot's page: a made-up case with no
    /// personal data, so a clerk can check an address, a secret and the group's settings.
    public func testDelivery(event: String = "test", recipients: [Contact], audience: Audience, at now: Date) -> Delivery {
        let day = CaseID.day(of: now, in: timeZone)
        let record = CaseRecord(
            id: CaseID(prefix: "TEST", day: day, sequence: 1), channel: .webform, sourceRef: "notify-test",
            receivedAt: now, registeredAt: now, subject: "通知测试",
            body: "这是一条测试消息，用于检查通知地址、密钥和群设置。收到即表示配置正确，无需处理。")
        let snapshot = snapshot(of: record, unmasked: audience.isPrivate)
        let content = NotificationContent(
            title: "【测试】\(directory.officeName) 民情通通知测试",
            markdown: "**发送时间**：\(HubTime.iso(now, in: timeZone))\n> \(record.body)",
            link: publicURL)
        return Delivery(
            id: "test-\(Int(now.timeIntervalSince1970))", event: event, createdAt: now, attempt: 1, sentAt: now,
            content: content, recipients: recipients, snapshot: snapshot)
    }
}
