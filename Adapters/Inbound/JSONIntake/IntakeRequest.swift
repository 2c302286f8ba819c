import Foundation
import MinqingCore
import MinqingHTTP

/// The body of `POST /api/v1/messages` (see openapi.yaml). Only `channel`, `source_ref` and `body` are required.
struct IntakeRequest: Decodable {
    struct Person: Decodable {
        var name: String?
        var phone: String?
        var idNumber: String?
        var email: String?
    }

    struct Attachment: Decodable {
        var filename: String?
        var contentType: String?
        /// Base64 (standard or URL-safe alphabet, with or without padding and line breaks).
        var data: String?
    }

    var channel: String?
    var sourceRef: String?
    var receivedAt: String?
    var complainant: Person?
    var village: String?
    var category: String?
    var subject: String?
    var body: String?
    var attachments: [Attachment]?
    /// The complainant wants no SMS or e-mail about the case.
    var noMessages: Bool?
}

/// Limits the JSON intake enforces on attachments.
public struct IntakeLimits: Sendable {
    public var maxAttachments: Int
    public var maxAttachmentBytes: Int

    public init(maxAttachments: Int = 10, maxAttachmentBytes: Int = 10 << 20) {
        self.maxAttachments = maxAttachments
        self.maxAttachmentBytes = maxAttachmentBytes
    }
}

extension IntakeRequest {
    /// The inbound message this request describes, or a 422 naming the first field at fault.
    func message(raw: Data, limits: IntakeLimits, timeZone: TimeZone) throws(Problem) -> InboundMessage {
        guard let channelText = channel?.nonEmpty else { throw .invalid("channel", "必须填写此字段（可选：\(Self.channels)）") }
        guard let channel = Channel(rawValue: channelText) else {
            throw .invalid("channel", "「\(channelText)」不是已知渠道（可选：\(Self.channels)）")
        }
        guard let sourceRef else { throw .invalid("source_ref", "必须填写此字段：来源系统中的编号，用于防止重复登记") }
        var received: Date?
        if let text = receivedAt?.nonEmpty {
            do { received = try Checked.time(text, field: "received_at", defaultTimeZone: timeZone) } catch {
                throw .invalid(error)
            }
        }
        let files = attachments ?? []
        guard files.count <= limits.maxAttachments else {
            throw .invalid("attachments", "最多 \(limits.maxAttachments) 个附件，这里有 \(files.count) 个")
        }
        var decoded: [InboundAttachment] = []
        for (i, file) in files.enumerated() {
            let field = "attachments[\(i)]"
            guard let name = file.filename?.nonEmpty else { throw .invalid("\(field).filename", "必须填写文件名") }
            guard let base64 = file.data, let bytes = Self.decodeBase64(base64) else {
                throw .invalid("\(field).data", "不是有效的 base64 内容")
            }
            guard bytes.count <= limits.maxAttachmentBytes else {
                throw .invalid("\(field).data", "附件「\(name)」有 \(bytes.count) 字节，超过单个附件上限 \(limits.maxAttachmentBytes) 字节")
            }
            decoded.append(InboundAttachment(filename: name, contentType: file.contentType?.nonEmpty ?? "application/octet-stream", data: bytes))
        }
        var message = InboundMessage(
            channel: channel, sourceRef: sourceRef.trimmingCharacters(in: .whitespacesAndNewlines), receivedAt: received,
            complainant: Complainant(name: complainant?.name, phone: complainant?.phone, idNumber: complainant?.idNumber,
                                     email: complainant?.email),
            village: village, category: category, subject: subject, body: body ?? "", attachments: decoded,
            raw: raw, rawContentType: "application/json")
        message.citizenOptOut = noMessages ?? false
        do {
            try message.validate()
        } catch {
            throw .invalid(error.field, error.reason)
        }
        return message
    }

    static let channels = Channel.allCases.map(\.rawValue).joined(separator: ", ")

    static func decodeBase64(_ text: String) -> Data? {
        var s = text.filter { !$0.isWhitespace }
        if let comma = s.firstIndex(of: ","), s.hasPrefix("data:") { s = String(s[s.index(after: comma)...]) }
        s = s.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while s.count % 4 != 0 { s += "=" }
        return Data(base64Encoded: s)
    }
}
