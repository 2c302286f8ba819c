import Foundation

/// The top-level header fields of a message, decoded.
struct Envelope {
    var subject = ""
    var from: MailAddress?
    var to: [MailAddress] = []
    var cc: [MailAddress] = []
    var date: Date?
    var messageID: String?
    var inReplyTo: String?
    var references: [String] = []

    init(header: HeaderBlock, log: inout WarningLog) {
        subject = header.text("subject", log: &log) ?? ""
        from = header.value("from").flatMap { AddressList.parse($0, context: "From", log: &log).first }
        if from == nil, let sender = header.value("sender") {
            from = AddressList.parse(sender, context: "Sender", log: &log).first
        }
        to = header.values("to").flatMap { AddressList.parse($0, context: "To", log: &log) }
        cc = header.values("cc").flatMap { AddressList.parse($0, context: "Cc", log: &log) }
        if let raw = header.plain("date") {
            date = MailDate.parse(raw, log: &log)
        }
        messageID = header.value("message-id").flatMap { MessageIDList.parse($0).first }
        inReplyTo = header.value("in-reply-to").flatMap { MessageIDList.parse($0).first }
        references = header.value("references").map { MessageIDList.parse($0) } ?? []
    }
}
