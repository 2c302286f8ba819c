import Foundation
import Hummingbird
import MinqingCore
import MinqingHTTP

// MARK: Typed paper letters with scans (channel mailbox)

extension ConsoleRoutes {
    func letterContext(_ current: ConsoleAuth.Current, values: FormBody = FormBody(), error: String? = nil) -> [String: Any] {
        var c = base(current, [
            "title": "录入来信",
            "villages": directory.villages.map { ["value": $0.code, "label": $0.name, "selected": values["village"] == $0.code] },
            "categories": directory.categories.map { ["value": $0.code, "label": $0.name, "selected": values["category"] == $0.code] },
            "number": values["letter_no"] ?? "", "received": values["received_at"] ?? "", "name": values["name"] ?? "",
            "phone": values["phone"] ?? "", "idNumber": values["id_number"] ?? "", "subject": values["subject"] ?? "",
            "text": values["text"] ?? "", "maxScans": deps.config.intake.maxAttachments,
        ])
        if let error { c["error"] = error }
        return c
    }

    func letterPage(_ request: Request) async throws -> Response {
        guard let current = await auth.current(request) else { return toLogin() }
        return pages.response("letter", letterContext(current))
    }

    func letter(_ request: Request) async throws -> Response {
        let limits = deps.config.intake
        let authorised = try await authorisedForm(request, limit: deps.config.server.bodyLimits.console)
        guard case .form(let current, let form) = authorised else { return authorised.refusal }
        defer { form.removeFiles() }
        guard access(current).mayRegister else { return forbidden() }
        func fail(_ message: String) -> Response {
            pages.response("letter", letterContext(current, values: form, error: message), status: .unprocessableContent)
        }
        guard let number = form["letter_no"] else { return fail("请填写信件编号（登记簿上的编号），用于防止重复录入") }
        guard let text = form["text"] else { return fail("请录入来信内容") }
        var received: Date?
        if let day = form["received_at"] {
            guard let d = HubTime.parse(day + "T00:00:00", defaultTimeZone: zone) else { return fail("收信日期「\(day)」格式不对，应为 2026-11-21") }
            received = d
        }
        if let phone = form["phone"], PhoneNumber.kind(of: phone) == nil { return fail("电话「\(phone)」无效：手机号 11 位，座机请带区号") }
        if let id = form["id_number"], !ResidentID.isValid(id) { return fail("身份证号「\(id)」校验不通过，请核对") }
        let files = form.files.filter { $0.field == "scans" && !$0.data.isEmpty }
        guard files.count <= limits.maxAttachments else { return fail("最多 \(limits.maxAttachments) 个扫描件") }
        var scans: [InboundAttachment] = []
        for file in files {
            guard file.data.count <= limits.maxAttachmentBytes else { return fail("扫描件「\(file.filename)」超过 \(limits.maxAttachmentBytes >> 20) MB") }
            let type: String
            if let kind = PhotoSanitizer.kind(of: file.data) { type = kind.rawValue } else if file.data.starts(with: Array("%PDF".utf8)) {
                type = "application/pdf"
            } else { return fail("扫描件「\(file.filename)」不是 JPG、PNG 或 PDF") }
            scans.append(InboundAttachment(filename: file.filename, contentType: type, data: file.data))
        }
        let letter = PaperLetter(number: number, receivedAt: received, name: form["name"], phone: form["phone"], idNumber: form["id_number"],
                                 village: form["village"], category: form["category"], subject: form["subject"], body: text, scans: scans)
        let receipt = try await deps.intake.submit(letter.message(raw: Data("typed by \(current.user.id)".utf8), rawContentType: "text/plain"))
        return Response(status: .seeOther, headers: [.location: "/console/cases/\(receipt.caseID)"])
    }
}
