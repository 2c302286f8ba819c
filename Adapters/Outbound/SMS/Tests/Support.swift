import Foundation
import MinqingCore
import MinqingCurl
import MinqingDispatch
import MinqingTesting
import SMSAdapter

/// The office as a notification sees it: names for codes, one staff member.
struct TownshipDirectory: NotificationDirectory {
    var officeName = "安仁县青山镇人民政府群众工作办公室"
    let staff = Contact(id: "chen-zhiqiang", name: "陈志强", email: "chenzq@qingshan.gov.cn", mobile: "13700001111")
    var people: PeopleIndex { PeopleIndex() }
    func contact(_ key: String) -> Contact? { key == staff.id || key == staff.name ? staff : nil }
    func villageName(_ code: String) -> String? { code == "qingshan" ? "青山村" : nil }
    func categoryName(_ code: String) -> String? { code == "water" ? "饮水" : nil }
}

enum Fixture {
    static let verifier = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/verify_sms_signature.py")

    static let templates = try! TemplateSet(templates: [
        "case.replied.citizen": "{{office.name}}答复（{{case.id}}）\n{{case.reply_text}}\n请到 {{status_url}} 评价",
        "case.created.citizen": "已登记（{{case.id}}）\n编号 {{case.id}}",
    ])

    static let composer = NotificationComposer(
        templates: templates, directory: TownshipDirectory(), publicURL: "https://minqing.qingshan.gov.cn",
        lookupCode: { _ in "04718352" })

    /// A web-form case about a water cut, replied, with internal data a citizen must never see: staff, leader,
    /// concerns, another villager's number in the body.
    static func repliedCase(reply: String = "经核查，村东头供水管道破裂已于11月24日修复，现已恢复供水。如仍有问题请联系村委会。") -> CaseRecord {
        var r = CaseRecord(
            id: CaseID("MQ-20261123-0007")!, channel: .webform, sourceRef: "form:5f1c0a9e3b7d4e21a8c6f0b2d9e4a713",
            receivedAt: Date(timeIntervalSince1970: 1_795_395_600), registeredAt: Date(timeIntervalSince1970: 1_795_395_660),
            complainant: Complainant(name: "李桂兰", phone: "139 1234 5678", idNumber: "11010519491231002X"),
            village: "qingshan", category: "water", subject: "村东头停水三天",
            body: "村东头停水三天，邻居王大爷（电话13600002222）家也没水。")
        r.staff = "chen-zhiqiang"
        r.leader = "sun-wei"
        r.concerns = ["zhao-hongmei"]
        r.status = .replied
        r.outcome = .resolved
        r.replyText = reply
        return r
    }

    static func entry(_ record: CaseRecord, event: String = "case.replied", attempt: Int = 1) -> OutboxEntry {
        OutboxEntry(
            id: "0b7f3c1e-5d7a-4c55-9a43-1f0e3d2c1b0a", caseID: record.id, target: "citizen-sms", event: event,
            recipients: [Contact.complainantKey], snapshot: record, state: .pending, attempts: attempt - 1,
            nextAttemptAt: record.registeredAt, createdAt: record.registeredAt, lastError: nil)
    }

    /// The delivery a lane hands an SMS target for `record`'s citizen message.
    static func delivery(_ record: CaseRecord = repliedCase(), event: String = "case.replied", attempt: Int = 1, sentAt: Date = Date()) -> Delivery {
        let entry = entry(record, event: event, attempt: attempt)
        guard case .send(let content, let snapshot, let recipients) = composer.compose(entry, for: Audience(isPrivate: false, addressesPeople: true)) else {
            preconditionFailure("the citizen templates compose")
        }
        return Delivery(id: entry.id, event: event, createdAt: entry.createdAt, attempt: attempt, sentAt: sentAt,
                        content: content, recipients: recipients, snapshot: snapshot)
    }

    static let tencentTemplates: [String: SMSTemplate] = [
        "case.created": SMSTemplate(id: "2000001", parameters: [.init(field: .caseID)]),
        "case.replied": SMSTemplate(id: "2000002", parameters: [.init(field: .caseID), .init(field: .replyText), .init(field: .lookupCode)]),
    ]

    static let aliyunTemplates: [String: SMSTemplate] = [
        "case.replied": SMSTemplate(id: "SMS_468151234", parameters: [
            .init(name: "code", field: .caseID), .init(name: "reply", field: .replyText), .init(name: "query", field: .lookupCode),
        ]),
    ]

    static let secretID = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE"
    static let secretKey = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE"

    static func tencent(_ url: String, client: CurlClient, maxChars: Int = 35) -> TencentSMSTarget {
        TencentSMSTarget(
            name: "citizen-sms",
            settings: SMSGatewaySettings(endpoint: url, signName: "青山镇群工办", templates: tencentTemplates, maxParameterCharacters: maxChars,
                                         timeout: .seconds(5)),
            appID: "1400787878", region: "ap-guangzhou", secretID: secretID, secretKey: secretKey, client: client)
    }

    static func aliyun(_ url: String, client: CurlClient) -> AliyunSMSTarget {
        AliyunSMSTarget(
            name: "citizen-sms",
            settings: SMSGatewaySettings(endpoint: url, signName: "青山镇群工办", templates: aliyunTemplates, maxParameterCharacters: 35,
                                         timeout: .seconds(5)),
            accessKeyID: "LTAI5tExampleAccessKey", accessKeySecret: "ExampleAccessKeySecret0123456789", client: client)
    }

    static let tencentOK = #"{"Response":{"SendStatusSet":[{"SerialNo":"5000:1045710669157053657849499619","PhoneNumber":"+8613912345678","Fee":1,"SessionContext":"","Code":"Ok","Message":"send success","IsoCode":"CN"}],"RequestId":"a0aabda6-cf91-4f3e-a81f-9198114a2279"}}"#

    static func tencentStatus(_ code: String) -> String {
        #"{"Response":{"SendStatusSet":[{"SerialNo":"","PhoneNumber":"+8613912345678","Fee":0,"SessionContext":"","Code":"\#(code)","Message":"limit","IsoCode":"CN"}],"RequestId":"b1"}}"#
    }

    static func tencentError(_ code: String) -> String {
        #"{"Response":{"Error":{"Code":"\#(code)","Message":"The provided credentials could not be validated."},"RequestId":"c2"}}"#
    }

    static let aliyunOK = #"{"Code":"OK","Message":"OK","BizId":"9006197469364984^0","RequestId":"F655A8D5-B967-440B-8683-DAD6FF8DE990"}"#

    static func aliyunCode(_ code: String, _ message: String = "触发天级流控Permits:10") -> String {
        #"{"Code":"\#(code)","Message":"\#(message)","RequestId":"D1"}"#
    }

    static func verify(_ vendor: SMSVendorSDK.Vendor, _ request: LoopbackHTTPReceiver.RecordedRequest, secretID: String, secretKey: String) throws -> (ok: Bool, output: String) {
        try SMSVendorSDK.verify(
            script: verifier, vendor: vendor, method: request.method, uri: request.uri, headers: request.headers,
            body: request.body, secretID: secretID, secretKey: secretKey)
    }
}
