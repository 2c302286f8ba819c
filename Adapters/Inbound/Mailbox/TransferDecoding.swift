import Foundation

/// Undoes a `Content-Transfer-Encoding`, recording what had to be repaired.
enum TransferDecoding {
    /// - Parameter encoding: the raw header value (any case, may be nil); 7bit, 8bit and binary are identity.
    static func decode(
        _ bytes: ArraySlice<UInt8>, encoding: String?, context: String, log: inout WarningLog
    ) -> [UInt8] {
        let name = (encoding ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        switch name {
        case "", "7bit", "8bit", "binary", "7-bit", "8-bit":
            return Array(bytes)
        case "base64", "base-64":
            let result = Base64Decoder.decode(bytes)
            if result.invalidCharacters > 0 {
                log.add("\(context): \(result.invalidCharacters) invalid base64 characters skipped")
            }
            if result.truncated || result.unpaddedEnd {
                log.add("\(context): base64 ends in an incomplete quantum (truncated?)")
            }
            return result.bytes
        case "quoted-printable", "quotedprintable", "qp":
            let result = QuotedPrintableDecoder.decode(bytes)
            if result.malformedEscapes > 0 {
                log.add("\(context): \(result.malformedEscapes) malformed quoted-printable escapes kept as-is")
            }
            return result.bytes
        default:
            log.add("\(context): unsupported transfer encoding \(name); kept as-is")
            return Array(bytes)
        }
    }
}
