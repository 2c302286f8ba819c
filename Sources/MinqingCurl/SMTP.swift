import CCurl

/// One e-mail to hand to an SMTP server.
public struct SMTPMessage: Sendable {
    public var server: MailEndpoint
    /// Envelope sender (MAIL FROM), a bare address: `xinfang@town.example`.
    public var from: String
    /// Envelope recipients (RCPT TO), bare addresses. Every one must be accepted, or nothing is sent.
    public var recipients: [String]
    /// The complete RFC 5322 message — headers, blank line, body — with CRLF line endings.
    /// Sent as given; curl only dot-stuffs lines that begin with ".".
    public var message: [UInt8]

    public init(server: MailEndpoint, from: String, recipients: [String], message: [UInt8]) {
        self.server = server
        self.from = from
        self.recipients = recipients
        self.message = message
    }
}

/// What the server said when it took the message.
public struct SMTPReceipt: Sendable {
    /// The last reply line, e.g. "250 2.0.0 Ok: queued as 4F2A1" — worth keeping in the audit trail.
    public var serverResponse: String
    public var totalTime: Duration
}

extension CurlClient {
    /// Delivers one message. Returns when the server has accepted it (reply 250 after DATA).
    /// A refused sender or recipient, a failed DATA or a refused login throws (`.remoteRejected`,
    /// `.loginDenied`) with the server's reply in `CurlError.serverResponse`.
    @discardableResult
    public func sendMail(_ mail: SMTPMessage) async throws(CurlError) -> SMTPReceipt {
        let base = try mail.server.base(for: .smtp)
        try SMTPMessage.validate(mail, url: base)
        let outcome = await perform(url: base) { transfer throws(CurlError) in
            try mail.server.apply(to: transfer, protocols: "smtp,smtps")
            try transfer.set(CURLOPT_MAIL_FROM, "<\(mail.from)>")
            try transfer.set(CURLOPT_MAIL_RCPT, list: mail.recipients.map { "<\($0)>" })
            try transfer.setUpload(mail.message)
            transfer.collectBody(limit: 64 * 1024, overflow: .truncate)
        }
        switch outcome {
        case .success(let result):
            return SMTPReceipt(serverResponse: result.headerLines.last ?? "", totalTime: result.totalTime)
        case .failure(var error):
            // curl reports refused MAIL FROM / RCPT / DATA as send or receive errors; the reply code tells them apart.
            if let code = error.responseCode, code >= 400, error.kind == .connectionLost || error.kind == .other {
                error.kind = .remoteRejected
            }
            throw error
        }
    }
}

extension SMTPMessage {
    static func validate(_ mail: SMTPMessage, url: String) throws(CurlError) {
        guard !mail.recipients.isEmpty else { throw .invalid("an e-mail needs at least one recipient", url: url) }
        guard !mail.message.isEmpty else { throw .invalid("the e-mail message is empty", url: url) }
        for address in [mail.from] + mail.recipients {
            let bad = address.hasControlCharacters || address.utf8.contains { $0 == 0x3C || $0 == 0x3E || $0 == 0x20 }
            if bad || (address != mail.from && address.isEmpty) {
                throw .invalid("invalid e-mail address \(String(reflecting: address))", url: url)
            }
        }
    }
}
