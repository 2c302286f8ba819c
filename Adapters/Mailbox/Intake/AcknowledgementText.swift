import Foundation
import MinqingCore

/// The words of the e-mail receipt (回执) for `case.acknowledged`, for the e-mail target to send.
///
/// The subject carries `[case id]`, so a reply that keeps the subject threads back to the case even when the
/// citizen's client drops `In-Reply-To`; the body says what the number is for and how to follow up.
public struct AcknowledgementText: Sendable, Hashable {
    public var subject: String
    public var body: String

    public init(for record: CaseRecord, office: String, timeZone: TimeZone = HubTime.shanghai) {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "zh_CN")
        formatter.timeZone = timeZone
        formatter.dateFormat = "yyyy年M月d日 HH:mm"
        let greeting = record.complainant.name.map { "\($0)：" } ?? "您好："
        subject = "[\(record.id)] 您的来信已登记（\(office)）"
        body = """
            \(greeting)

            您于 \(formatter.string(from: record.receivedAt)) 发来的来信「\(record.subject)」已登记，案件编号为 \(record.id)。
            我们将按规定时限办理并答复您。

            · 查询办理进度：请保留此编号，直接回复本邮件，或致电本办公室并报出编号。
            · 补充情况或材料：直接回复本邮件即可（请保留主题中的编号），补充内容会并入同一案件，不会重复登记。

            本邮件由系统自动发送。
            \(office)
            """
    }
}
