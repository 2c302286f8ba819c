import Foundation

/// libFuzzer target: the whole mail parser (MIME walker, transfer decodings, charsets, encoded-words, address
/// lists, dates) on arbitrary bytes. Built by scripts/fuzz.sh together with Adapters/Inbound/Mailbox/*.swift.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMIME(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let mail = MailParser(limits: .init(maxAttachmentBytes: 1 << 20, maxNestingDepth: 20, maxParts: 200)).parse(Data(bytes))
    precondition(mail.warnings.count <= WarningLog.cap + 1, "warnings not capped")
    for attachment in mail.attachments { precondition(attachment.tooLarge == (attachment.data == nil)) }
    var log = WarningLog()
    _ = EncodedWords.decode(bytes[...], context: "Subject", rawCharset: size % 2 == 0 ? "big5" : nil, log: &log)
    _ = AddressList.parse(bytes[...], context: "From", log: &log)
    _ = MailDate.parse(String(decoding: bytes, as: UTF8.self), log: &log)
    return 0
}
