import Crypto
import Foundation

/// Walks the MIME tree of a message, collecting body text and attachments.
///
/// Body parts are text/plain and text/html leaves that are neither `attachment`-disposed nor named; everything
/// else (including message/rfc822 and the inline images of multipart/related) becomes a ``MailAttachment``.
/// multipart/alternative contributes one plain and one HTML rendering; other multiparts contribute all children.
struct MIMEWalker {
    /// Body text collected below one entity.
    struct Content {
        var plain: [String] = []
        var html: [String] = []
    }

    let limits: MailParser.Limits
    var log: WarningLog
    private(set) var attachments: [MailAttachment] = []
    /// The charset label of the first body text part (not US-ASCII): what the message declares for its text.
    private(set) var declaredCharset: String?
    /// The decoded text of text/plain parts that carry a file name (kept as attachments too): the body when the
    /// message has no other text.
    private(set) var namedPlainText: [String] = []
    private var entityCount = 0

    init(limits: MailParser.Limits, log: WarningLog) {
        self.limits = limits
        self.log = log
    }

    /// Visits the entity whose header is `header` and whose body runs from `header.bodyStart` to `end`.
    mutating func visit(
        _ bytes: [UInt8], header: HeaderBlock, end: Int, depth: Int, defaultType: String = "text/plain"
    ) -> Content {
        entityCount += 1
        guard entityCount <= limits.maxParts else {
            log.add("more than \(limits.maxParts) MIME parts; the rest is ignored")
            return Content()
        }
        let body = header.bodyStart..<max(header.bodyStart, end)
        var contentType = StructuredHeader(value: defaultType)
        if let raw = header.value("content-type") {
            contentType = StructuredHeader.parse(raw, context: "Content-Type", log: &log)
            let parts = contentType.value.split(separator: "/")
            if parts.count != 2 || parts.contains(where: \.isEmpty) {
                log.add("Content-Type \"\(contentType.value)\" is not a media type; \(defaultType) assumed")
                contentType.value = defaultType
            }
        }
        let transferEncoding = header.plain("content-transfer-encoding")
        if contentType.value.hasPrefix("multipart/") {
            return visitMultipart(bytes, body: body, contentType: contentType, transferEncoding: transferEncoding,
                                  depth: depth)
        }
        return visitLeaf(bytes[body], header: header, contentType: contentType, transferEncoding: transferEncoding)
    }

    // MARK: Multipart

    private mutating func visitMultipart(
        _ bytes: [UInt8], body: Range<Int>, contentType: StructuredHeader, transferEncoding: String?, depth: Int
    ) -> Content {
        let kind = contentType.value
        guard depth < limits.maxNestingDepth else {
            log.add("MIME nesting deeper than \(limits.maxNestingDepth) levels; inner parts ignored")
            return Content()
        }
        var source = bytes
        var range = body
        if let encoding = transferEncoding?.lowercased(), encoding.contains("base64") || encoding.contains("quoted") {
            log.add("\(kind) body has transfer encoding \(encoding); decoded before splitting")
            source = TransferDecoding.decode(bytes[body], encoding: encoding, context: kind, log: &log)
            range = 0..<source.count
        }
        var boundary = Array((contentType.parameters["boundary"] ?? "").utf8)
        if boundary.isEmpty {
            if let guessed = guessBoundary(source, in: range) {
                log.add("\(kind) has no boundary parameter; boundary guessed from the body")
                boundary = guessed
            } else {
                log.add("\(kind) has no boundary parameter; body read as text")
                return plainFallback(source[range])
            }
        }
        let split = MultipartSplitter.split(source, in: range, boundary: boundary)
        guard split.foundDelimiter else {
            log.add("\(kind): boundary never appears; body read as text")
            return plainFallback(source[range])
        }
        if !split.closed { log.add("\(kind): closing boundary missing (truncated message?)") }

        let childType = kind == "multipart/digest" ? "message/rfc822" : "text/plain"
        var children: [Content] = []
        for part in split.parts {
            let header = HeaderBlock.parse(source, in: part, log: &log)
            children.append(visit(source, header: header, end: part.upperBound, depth: depth + 1,
                                  defaultType: childType))
            if entityCount > limits.maxParts { break }
        }
        if kind == "multipart/alternative" {
            // Alternatives render the same content: take one plain and one HTML version.
            return Content(
                plain: children.first { !$0.plain.isEmpty }?.plain ?? [],
                html: children.last { !$0.html.isEmpty }?.html ?? []
            )
        }
        return Content(plain: children.flatMap(\.plain), html: children.flatMap(\.html))
    }

    /// The first `--token` line of the body, for multiparts that lost their boundary parameter.
    private func guessBoundary(_ bytes: [UInt8], in range: Range<Int>) -> [UInt8]? {
        var lineStart = range.lowerBound
        var linesSeen = 0
        while lineStart < range.upperBound, linesSeen < 200 {
            let newline = bytes[lineStart..<range.upperBound].firstIndex(of: 0x0A) ?? range.upperBound
            var line = bytes[lineStart..<newline]
            while let last = line.last, StructuredHeader.isBlank(last) { line = line.dropLast() }
            if line.count > 2, line.starts(with: [0x2D, 0x2D]) {
                return Array(line.dropFirst(2))
            }
            lineStart = newline + 1
            linesSeen += 1
        }
        return nil
    }

    private mutating func plainFallback(_ bytes: ArraySlice<UInt8>) -> Content {
        let text = TextDecoder.decode(ArraySlice(LineEndings.normalized(Array(bytes))), label: nil,
                                      context: "body", log: &log)
        return Content(plain: [text])
    }

    // MARK: Leaves

    private mutating func visitLeaf(
        _ body: ArraySlice<UInt8>, header: HeaderBlock, contentType: StructuredHeader, transferEncoding: String?
    ) -> Content {
        let kind = contentType.value
        let disposition = header.value("content-disposition")
            .map { StructuredHeader.parse($0, context: "Content-Disposition", log: &log) }
        let filename = [disposition?.parameters["filename"], contentType.parameters["name"]]
            .compactMap { $0 }.first { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        let context = filename.map { "attachment \($0)" } ?? kind
        let decoded = TransferDecoding.decode(body, encoding: transferEncoding, context: context, log: &log)

        let isBodyText = (kind == "text/plain" || kind == "text/html")
            && disposition?.value != "attachment" && filename == nil
        if isBodyText, declaredCharset == nil, let label = contentType.parameters["charset"],
           !["us-ascii", "ascii", ""].contains(label.trimmingCharacters(in: .whitespaces).lowercased()) {
            declaredCharset = label
        }
        if kind == "text/plain", !isBodyText, filename != nil, decoded.count <= limits.maxAttachmentBytes {
            let text = decodeText(decoded, label: contentType.parameters["charset"], context: "named text/plain \(context)")
            if !BodyText.trimmed(text).isEmpty { namedPlainText.append(text) }
        }
        if isBodyText {
            var label = contentType.parameters["charset"]
            if label == nil, kind == "text/html" { label = HTMLCharsetSniffer.declaredCharset(in: decoded) }
            var text = decodeText(decoded, label: label, context: "body \(kind)")
            if kind == "text/plain", contentType.parameters["format"]?.lowercased() == "flowed" {
                let deleteSpace = contentType.parameters["delsp"]?.lowercased() == "yes"
                text = FormatFlowed.unflow(text, deleteSpace: deleteSpace)
            }
            return kind == "text/plain" ? Content(plain: [text]) : Content(html: [text])
        }

        let contentID = header.plain("content-id").map(Self.stripAngles)
        var messageSubject: String?
        if kind == "message/rfc822" || kind == "message/global" {
            var scratch = WarningLog()  // the enclosed message's own defects are not this message's
            let inner = HeaderBlock.parse(decoded, in: 0..<decoded.count, log: &scratch)
            messageSubject = inner.text("subject", log: &scratch) ?? ""
        }
        addAttachment(decoded, contentType: kind, filename: filename, disposition: disposition?.value,
                      contentID: contentID, messageSubject: messageSubject)
        return Content()
    }

    private mutating func decodeText(_ bytes: [UInt8], label: String?, context: String) -> String {
        if case .foundation(let encoding) = Charset(label: label),
           encoding == .utf16 || encoding == .utf16LittleEndian || encoding == .utf16BigEndian {
            return LineEndings.normalized(TextDecoder.decode(bytes[...], label: label, context: context, log: &log))
        }
        return TextDecoder.decode(LineEndings.normalized(bytes)[...], label: label, context: context, log: &log)
    }

    private mutating func addAttachment(
        _ bytes: [UInt8], contentType: String, filename rawName: String?, disposition: String?,
        contentID: String?, messageSubject: String?
    ) {
        let filename = AttachmentName.resolve(
            rawName, contentType: contentType, messageSubject: messageSubject, ordinal: attachments.count + 1
        )
        let tooLarge = bytes.count > limits.maxAttachmentBytes
        if tooLarge {
            log.add("attachment \(filename): \(bytes.count) bytes exceeds the limit of \(limits.maxAttachmentBytes); data dropped")
        }
        attachments.append(MailAttachment(
            filename: filename,
            contentType: contentType,
            size: bytes.count,
            sha256: SHA256.hex(bytes),
            isInline: disposition == "inline" || (disposition == nil && contentID != nil),
            tooLarge: tooLarge,
            contentID: contentID,
            messageSubject: messageSubject,
            data: tooLarge ? nil : Data(bytes)
        ))
    }

    private static func stripAngles(_ text: String) -> String {
        text.trimmingCharacters(in: CharacterSet(charactersIn: "<> \t"))
    }
}
