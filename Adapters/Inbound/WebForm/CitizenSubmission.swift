import Foundation
import MinqingConfig
import MinqingCore
import MinqingHTTP

/// The public form's fields, checked. Errors name the field and say what to do, in Chinese.
struct CitizenSubmission: Sendable {
    var name: String?
    var phone: String
    var village: String?
    var category: String?
    var subject: String
    var text: String
    var keepLocation: Bool
    /// The citizen ticked 不用短信通知我.
    var noMessages = false
    var photos: [InboundAttachment]

    struct FieldError: Error, Sendable { var field: String; var message: String }

    static func read(_ form: FormBody, settings: WebFormSettings, directory: Directory) -> Result<CitizenSubmission, FieldError> {
        func fail(_ field: String, _ message: String) -> Result<CitizenSubmission, FieldError> {
            .failure(FieldError(field: field, message: message))
        }
        guard let phone = form["phone"] else { return fail("phone", "请填写手机号码或座机号码，便于我们联系您") }
        guard PhoneNumber.kind(of: phone) != nil else {
            return fail("phone", "「\(phone)」不是有效的电话号码：手机号为 11 位（如 13812345678），座机请带区号（如 0731-84561234）")
        }
        let village = form["village"]
        if let village, directory.village(village) == nil { return fail("village", "请从列表中选择所在村（社区）") }
        let category = form["category"]
        if let category, directory.category(category) == nil { return fail("category", "请从列表中选择诉求类别") }
        guard let subject = form["subject"] else { return fail("subject", "请用一句话概括您反映的事情") }
        guard subject.count <= settings.maxSubjectLength else {
            return fail("subject", "标题不超过 \(settings.maxSubjectLength) 个字，现在有 \(subject.count) 个字")
        }
        guard let text = form["text"] else { return fail("text", "请写明您反映的具体情况：什么事、在哪里、希望怎样解决") }
        guard text.count <= settings.maxTextLength else {
            return fail("text", "内容不超过 \(settings.maxTextLength) 个字，现在有 \(text.count) 个字，请精简后再提交")
        }
        guard form["consent"] == "yes" else { return fail("consent", "请勾选同意：我们需要您的联系方式办理和答复此事") }
        let files = form.files.filter { $0.field == "photos" && $0.size > 0 }
        guard files.count <= settings.maxPhotos else { return fail("photos", "最多上传 \(settings.maxPhotos) 张照片，您选了 \(files.count) 张") }
        let keepLocation = form["keep_location"] == "yes"
        var photos: [InboundAttachment] = []
        for (i, file) in files.enumerated() {
            guard file.size <= settings.maxPhotoBytes else {
                let mb = settings.maxPhotoBytes >> 20
                return fail("photos", "第 \(i + 1) 张照片「\(file.filename)」超过 \(mb) MB，请压缩或换一张")
            }
            do {
                let (data, kind) = try PhotoSanitizer.sanitize(file.data, keepLocation: keepLocation)
                let ext = kind == .jpeg ? "jpg" : "png"
                photos.append(InboundAttachment(filename: "照片\(i + 1).\(ext)", contentType: kind.rawValue, data: data))
            } catch {
                return fail("photos", "第 \(i + 1) 张照片「\(file.filename)」：\(error.reason)")
            }
        }
        var submission = CitizenSubmission(
            name: form["name"], phone: phone, village: village, category: category, subject: subject, text: text,
            keepLocation: keepLocation, photos: photos)
        submission.noMessages = form["no_messages"] == "yes"
        return .success(submission)
    }

    func message(sourceRef: String, at now: Date) -> InboundMessage {
        let raw: [String: Any] = [
            "name": name ?? "", "phone": phone, "village": village ?? "", "category": category ?? "",
            "subject": subject, "text": text, "photos": photos.count, "keep_location": keepLocation,
            "no_messages": noMessages,
        ]
        var message = InboundMessage(
            channel: .webform, sourceRef: sourceRef, receivedAt: now,
            complainant: Complainant(name: name, phone: phone), village: village, category: category,
            subject: subject, body: text, attachments: photos,
            raw: (try? JSONSerialization.data(withJSONObject: raw, options: [.sortedKeys])) ?? Data(),
            rawContentType: "application/json")
        message.citizenOptOut = noMessages
        return message
    }
}
