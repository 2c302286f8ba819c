import Foundation

/// The top-level header fields of a message, decoded.
struct Envelope {
    var subject = ""
    var from: MailAddress?
    /// The `From` text when it holds no usable address (`From: 张三`): kept so the sender's name is not lost.
    var fromDisplay: String?
    var to: [MailAddress] = []
    var cc: [MailAddress] = []
    var date: Date?
    var messageID: String?
    var inReplyTo: String?
    var references: [String] = []

    /// - Parameter rawCharset: the charset the message declares for its text; raw 8-bit header bytes are read in
    ///   it before any guess (a Big5 message's raw Big5 subject is not guessed to be GB18030).
    init(header: HeaderBlock, rawCharset: String? = nil, log: inout WarningLog) {
        subject = header.text("subject", rawCharset: rawCharset, log: &log) ?? ""
        from = header.value("from").flatMap { AddressList.parse($0, context: "From", rawCharset: rawCharset, log: &log).first }
        if from == nil, let sender = header.value("sender") {
            from = AddressList.parse(sender, context: "Sender", rawCharset: rawCharset, log: &log).first
        }
        if from == nil, let raw = header.value("from") {
            fromDisplay = AddressList.displayText(raw, context: "From", rawCharset: rawCharset, log: &log)
        }
        to = header.values("to").flatMap { AddressList.parse($0, context: "To", rawCharset: rawCharset, log: &log) }
        cc = header.values("cc").flatMap { AddressList.parse($0, context: "Cc", rawCharset: rawCharset, log: &log) }
        if let raw = header.plain("date") {
            date = MailDate.parse(raw, log: &log)
        }
        messageID = header.value("message-id").flatMap { MessageIDList.parse($0).first }
        inReplyTo = header.value("in-reply-to").flatMap { MessageIDList.parse($0).first }
        references = header.value("references").map { MessageIDList.parse($0) } ?? []
    }
}
