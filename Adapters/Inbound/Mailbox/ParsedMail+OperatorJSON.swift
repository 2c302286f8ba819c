import Foundation

extension ParsedMail {
    /// The JSON printed by `minqing mail parse FILE.eml --json`: keys sorted, pretty-printed, non-ASCII unescaped.
    ///
    /// Exactly these keys, always present (`null` when unknown): `message_id`, `subject`,
    /// `from` {`name`, `address`}, `to` [{`name`, `address`}], `date` (ISO 8601 with offset), `text`,
    /// `html_present`, `attachments` [{`filename`, `content_type`, `size`, `sha256`}], `warnings`.
    /// Over-limit attachments appear like the others; their `too_large` state is reported in `warnings`.
    ///
    /// - Parameter timeZone: the zone the date is shown in; China Standard Time (+08:00) by default, so the
    ///   output is the same on every machine.
    public func operatorJSON(timeZone: TimeZone = TimeZone(secondsFromGMT: 8 * 3600)!) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let view = OperatorView(mail: self, timeZone: timeZone)
        // Encoding strings, numbers and booleans cannot fail.
        return (try? encoder.encode(view)) ?? Data("{}".utf8)
    }
}

/// The operator's JSON shape, kept apart from the Codable model so either can change alone.
private struct OperatorView: Encodable {
    struct Address: Encodable {
        let name: String?
        let address: String

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)  // explicit null when absent
            try container.encode(address, forKey: .address)
        }

        enum CodingKeys: String, CodingKey { case name, address }
    }

    struct Attachment: Encodable {
        let filename: String
        let contentType: String
        let size: Int
        let sha256: String

        enum CodingKeys: String, CodingKey {
            case filename, size, sha256
            case contentType = "content_type"
        }
    }

    let messageID: String?
    let subject: String
    let from: Address?
    let to: [Address]
    let date: String?
    let text: String
    let htmlPresent: Bool
    let attachments: [Attachment]
    let warnings: [String]

    init(mail: ParsedMail, timeZone: TimeZone) {
        messageID = mail.messageID
        subject = mail.subject
        from = mail.from.map { Address(name: $0.name, address: $0.address) }
        to = mail.to.map { Address(name: $0.name, address: $0.address) }
        date = mail.date.map { date in
            let formatter = ISO8601DateFormatter()
            formatter.timeZone = timeZone
            formatter.formatOptions = [.withInternetDateTime]
            return formatter.string(from: date)
        }
        text = mail.text
        htmlPresent = mail.html != nil
        attachments = mail.attachments.map {
            Attachment(filename: $0.filename, contentType: $0.contentType, size: $0.size, sha256: $0.sha256)
        }
        warnings = mail.warnings
    }

    enum CodingKeys: String, CodingKey {
        case subject, from, to, date, text, attachments, warnings
        case messageID = "message_id"
        case htmlPresent = "html_present"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(messageID, forKey: .messageID)
        try container.encode(subject, forKey: .subject)
        try container.encode(from, forKey: .from)
        try container.encode(to, forKey: .to)
        try container.encode(date, forKey: .date)
        try container.encode(text, forKey: .text)
        try container.encode(htmlPresent, forKey: .htmlPresent)
        try container.encode(attachments, forKey: .attachments)
        try container.encode(warnings, forKey: .warnings)
    }
}
