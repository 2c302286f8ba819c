import Foundation

/// Turns labelled bytes into text with the fallback policy real Chinese mail needs.
///
/// Policy (docs/domain/mail.md#fallback-policy):
/// - pure ASCII is ASCII, whatever the label says;
/// - a label that proves wrong falls back to "valid UTF-8, else GB18030", with a warning;
/// - a GB label on bytes that are valid UTF-8 with at least two CJK-length sequences is taken to be wrong (GBK text
///   practically never passes that test), so mislabelled web-form mail still reads;
/// - unlabelled or `unknown-8bit` bytes are guessed the same way (a GB18030 guess is reported);
/// - bytes no decoder accepts are replaced by U+FFFD, never dropped silently, never fatal.
enum TextDecoder {
    /// Decodes `bytes` labelled `label` (nil when the message gives no label).
    /// - Parameter context: where the bytes come from (e.g. `Subject`, `body text/plain`), used in warnings.
    static func decode(_ bytes: ArraySlice<UInt8>, label: String?, context: String, log: inout WarningLog) -> String {
        let charset = Charset(label: label)
        let shown = label.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        if case .foundation(let encoding) = charset, isUTF16(encoding) {
            if let text = String(data: Data(bytes), encoding: encoding) { return text }
            return fallback(bytes, context: context, reason: "not valid \(shown)", log: &log)
        }
        if isASCII(bytes) {
            return String(decoding: bytes, as: UTF8.self)
        }
        switch charset {
        case .utf8:
            if let text = String(validating: bytes, as: UTF8.self) { return text }
            return fallback(bytes, context: context, reason: "labelled \(shown) but not valid UTF-8", log: &log)
        case .ascii:
            if let text = String(validating: bytes, as: UTF8.self) {
                log.add("\(context): labelled \(shown) but holds 8-bit text; decoded as UTF-8")
                return text
            }
            return fallback(bytes, context: context, reason: "labelled \(shown) but holds 8-bit text", log: &log)
        case .gb18030:
            if looksLikeUTF8(bytes), let text = String(validating: bytes, as: UTF8.self) {
                log.add("\(context): labelled \(shown) but holds UTF-8; decoded as UTF-8")
                return text
            }
            if let text = strictGB18030(bytes) { return text }
            return fallback(bytes, context: context, reason: "labelled \(shown) but not valid GB18030", log: &log)
        case .foundation(let encoding):
            if let text = String(data: Data(bytes), encoding: encoding) { return text }
            return fallback(bytes, context: context, reason: "labelled \(shown) but not decodable as such", log: &log)
        case .unknown8bit:
            if let text = String(validating: bytes, as: UTF8.self) { return text }
            let reason = label == nil ? "unlabelled 8-bit text" : "\(shown) text"
            return fallback(bytes, context: context, reason: reason, log: &log)
        case .unsupported:
            return fallback(bytes, context: context, reason: "unsupported charset \(shown)", log: &log)
        }
    }

    /// Raw header text with no label: UTF-8 when valid (RFC 6532), else GB18030 with a warning.
    static func decodeUnlabelled(_ bytes: ArraySlice<UInt8>, context: String, log: inout WarningLog) -> String {
        decode(bytes, label: nil, context: context, log: &log)
    }

    // MARK: Fallback

    /// "Valid UTF-8, else GB18030, else the lossy decoding with fewer replacement characters."
    private static func fallback(
        _ bytes: ArraySlice<UInt8>, context: String, reason: String, log: inout WarningLog
    ) -> String {
        if let text = String(validating: bytes, as: UTF8.self) {
            log.add("\(context): \(reason); decoded as UTF-8")
            return text
        }
        if let text = strictGB18030(bytes) {
            log.add("\(context): \(reason); decoded as GB18030")
            return text
        }
        let gb = GB18030Lossy.decodeCounting(bytes)
        let useGB = gb.replacements <= UTF8Errors.count(bytes)
        log.add("\(context): \(reason); undecodable bytes replaced (decoded as \(useGB ? "GB18030" : "UTF-8"))")
        return useGB ? gb.text : String(decoding: bytes, as: UTF8.self)
    }

    static func strictGB18030(_ bytes: ArraySlice<UInt8>) -> String? {
        String(data: Data(bytes), encoding: Charset.gb18030Encoding)
    }

    static func isASCII(_ bytes: ArraySlice<UInt8>) -> Bool {
        bytes.withUnsafeBufferPointer { buffer in
            var combined: UInt8 = 0
            for byte in buffer { combined |= byte }
            return combined < 0x80
        }
    }

    /// Valid UTF-8 holding at least two multi-byte sequences of three or more bytes (CJK): GBK text almost never
    /// passes this, so a GB label on such bytes is taken to be wrong.
    private static func looksLikeUTF8(_ bytes: ArraySlice<UInt8>) -> Bool {
        var leads = 0
        for byte in bytes where byte >= 0xE0 {
            leads += 1
            if leads >= 2 { return true }
        }
        return false
    }

    private static func isUTF16(_ encoding: String.Encoding) -> Bool {
        encoding == .utf16 || encoding == .utf16LittleEndian || encoding == .utf16BigEndian
    }
}
