import MinqingTesting
import Testing
@testable import MinqingCurl

@Suite("SMTP against a real aiosmtpd server", .enabled(if: Peers.smtpRunnable, Comment(rawValue: Peers.smtpHint)))
struct SMTPTests {
    static let message = [
        "From: =?UTF-8?B?5rCR5oOF6YCa?= <hub@town.example>",
        "To: leader@town.example, staff@town.example",
        "Subject: =?UTF-8?B?5paw5qGI5Lu2IE1RLTIwMjYxMTIyLTAwNDI=?=",
        "Message-ID: <MQ-20261122-0042.3@town.example>",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=UTF-8",
        "Content-Transfer-Encoding: 8bit",
        "",
        "王书记：",
        "王家村三组群众反映路灯不亮，请于11月25日前答复。",
        ".这一行以句点开头，SMTP 需要点填充。",
        "",
    ].joined(separator: "\r\n")

    @Test("a UTF-8 MIME message arrives with its envelope and exact bytes")
    func delivers() async throws {
        guard Peers.require(Peers.aiosmtpdInstalled, Peers.smtpHint) else { return }
        let sink = try await SMTPSink.start()
        let client = try CurlClient()
        let receipt = try await client.sendMail(SMTPMessage(
            server: MailEndpoint(url: sink.url), from: "hub@town.example",
            recipients: ["leader@town.example", "staff@town.example"], message: Array(Self.message.utf8)))
        #expect(receipt.serverResponse.hasPrefix("250 2.0.0 Ok: stored as 0001"))
        let received = try sink.received()
        #expect(received.count == 1)
        #expect(received.first?.from == "hub@town.example")
        #expect(received.first?.recipients == ["leader@town.example", "staff@town.example"])
        #expect(received.first?.data == Array(Self.message.utf8))
        await client.shutdown()
        await sink.stop()
    }

    @Test("username and password log in; a wrong password is loginDenied")
    func login() async throws {
        guard Peers.require(Peers.aiosmtpdInstalled, Peers.smtpHint) else { return }
        let sink = try await SMTPSink.start(login: ("hub", "秘密-s3cret"))
        let client = try CurlClient()
        var mail = SMTPMessage(
            server: MailEndpoint(url: sink.url, username: "hub", password: "秘密-s3cret"), from: "hub@town.example",
            recipients: ["leader@town.example"], message: Array(Self.message.utf8))
        try await client.sendMail(mail)
        mail.server.password = "wrong"
        let error = await #expect(throws: CurlError.self) { try await client.sendMail(mail) }
        #expect(error?.kind == .loginDenied)
        #expect(try sink.received().count == 1)
        await client.shutdown()
        await sink.stop()
    }

    @Test("a refused recipient is remoteRejected with the server's reply, and nothing is delivered")
    func refusedRecipient() async throws {
        guard Peers.require(Peers.aiosmtpdInstalled, Peers.smtpHint) else { return }
        let sink = try await SMTPSink.start()
        let client = try CurlClient()
        let error = await #expect(throws: CurlError.self) {
            try await client.sendMail(SMTPMessage(
                server: MailEndpoint(url: sink.url), from: "hub@town.example",
                recipients: ["leader@town.example", "nobody@refused.test"], message: Array(Self.message.utf8)))
        }
        #expect(error?.kind == .remoteRejected)
        #expect(error?.responseCode == 550)
        #expect(error?.serverResponse == "550 5.1.1 No such user here", "\(String(describing: error))")
        #expect(try sink.received().isEmpty)
        await client.shutdown()
        await sink.stop()
    }

    @Test("required STARTTLS that the server does not offer fails as a TLS error")
    func startTLSRequired() async throws {
        guard Peers.require(Peers.aiosmtpdInstalled, Peers.smtpHint) else { return }
        let sink = try await SMTPSink.start()
        let client = try CurlClient()
        let error = await #expect(throws: CurlError.self) {
            try await client.sendMail(SMTPMessage(
                server: MailEndpoint(url: sink.url, startTLS: true), from: "hub@town.example",
                recipients: ["leader@town.example"], message: Array(Self.message.utf8)))
        }
        #expect(error?.kind == .tls)
        #expect(try sink.received().isEmpty)
        await client.shutdown()
        await sink.stop()
    }
}

@Suite("SMTP input checks")
struct SMTPValidationTests {
    @Test("an unusable message is refused before connecting")
    func validation() async throws {
        let client = try CurlClient()
        let server = MailEndpoint(url: "smtp://127.0.0.1:9")
        let noRecipients = await #expect(throws: CurlError.self) {
            try await client.sendMail(SMTPMessage(server: server, from: "a@b", recipients: [], message: [1]))
        }
        #expect(noRecipients?.kind == .invalidRequest)
        let injected = await #expect(throws: CurlError.self) {
            try await client.sendMail(SMTPMessage(server: server, from: "a@b", recipients: ["x@y>\r\nRCPT TO:<z@w"], message: [1]))
        }
        #expect(injected?.kind == .invalidRequest)
        let wrongScheme = await #expect(throws: CurlError.self) {
            try await client.sendMail(SMTPMessage(server: MailEndpoint(url: "http://127.0.0.1:9"), from: "a@b", recipients: ["c@d"], message: [1]))
        }
        #expect(wrongScheme?.kind == .invalidRequest)
        await client.shutdown()
    }
}
