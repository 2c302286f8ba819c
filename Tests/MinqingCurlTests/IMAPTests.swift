import MinqingTesting
import Testing
@testable import MinqingCurl

@Suite("IMAP against a real Dovecot", .enabled(if: Peers.imapRunnable, Comment(rawValue: Peers.imapHint)))
struct IMAPTests {
    static func message(_ number: Int) -> [UInt8] {
        Array([
            "From: =?UTF-8?B?546L5aSn5aiY?= <citizen\(number)@example.cn>",
            "To: minqing@town.example",
            "Subject: =?UTF-8?B?5rCR5oOF5L+h566x?= \(number)",
            "Message-ID: <letter-\(number)@example.cn>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=UTF-8",
            "Content-Transfer-Encoding: 8bit",
            "",
            "第\(number)封来信：村口的桥裂了，请派人看看。",
            "",
        ].joined(separator: "\r\n").utf8)
    }

    /// Starts Dovecot with `count` messages in INBOX, runs `body`, always stops Dovecot.
    func withMailbox(
        messages count: Int, _ body: (DovecotServer, IMAPClient, [String]) async throws -> Void
    ) async throws {
        guard Peers.require(Peers.dovecot != nil && Peers.doveadm != nil, Peers.imapHint) else { return }
        let server = try await DovecotServer.start()
        let curl = try CurlClient()
        do {
            let names = try (1...max(1, count)).prefix(count).map { try server.deliver(Self.message($0)) }
            try await body(server, IMAPClient(curl: curl, account: server.account), names)
        } catch {
            Issue.record(error)
        }
        await curl.shutdown()
        await server.stop()
    }

    @Test("SELECT and EXAMINE report UIDVALIDITY, UIDNEXT and the message count")
    func select() async throws {
        try await withMailbox(messages: 3) { _, imap, _ in
            let selected = try await imap.select("INBOX")
            #expect(selected.uidNext == 4)
            #expect(selected.messageCount == 3)
            #expect(selected.uidValidity > 0)
            let examined = try await imap.examine("INBOX")
            #expect(examined == selected)
            let again = try await imap.select("INBOX")
            #expect(again == selected)
        }
    }

    @Test("UID SEARCH from a cursor returns only UIDs at or after it")
    func search() async throws {
        try await withMailbox(messages: 3) { _, imap, _ in
            let all = try await imap.searchUIDs(in: "INBOX", from: 1)
            #expect(all == [1, 2, 3])
            let fromThree = try await imap.searchUIDs(in: "INBOX", from: 3)
            #expect(fromThree == [3])
            let fromFour = try await imap.searchUIDs(in: "INBOX", from: 4)
            #expect(fromFour == [])
        }
    }

    @Test("fetch by UID returns exactly the delivered bytes; a missing UID or changed UIDVALIDITY is notFound; too big is tooLarge")
    func fetch() async throws {
        try await withMailbox(messages: 3) { _, imap, _ in
            let status = try await imap.select("INBOX")
            for uid in UInt32(1)...3 {
                let bytes = try await imap.fetchMessage(uid: uid, in: "INBOX", uidValidity: status.uidValidity)
                #expect(bytes == Self.message(Int(uid)), "UID \(uid)")
            }
            let missing = await #expect(throws: CurlError.self) { try await imap.fetchMessage(uid: 99, in: "INBOX") }
            #expect(missing?.kind == .notFound)
            let stale = await #expect(throws: CurlError.self) {
                try await imap.fetchMessage(uid: 1, in: "INBOX", uidValidity: status.uidValidity &+ 1)
            }
            #expect(stale?.kind == .notFound)

            let small = try CurlClient(configuration: .init(maxMailBytes: 100))
            let tooLarge = await #expect(throws: CurlError.self) {
                try await IMAPClient(curl: small, account: imap.account).fetchMessage(uid: 1, in: "INBOX")
            }
            #expect(tooLarge?.kind == .tooLarge)
            await small.shutdown()
        }
    }

    @Test("UID STORE +FLAGS sets flags the server keeps")
    func storeFlags() async throws {
        try await withMailbox(messages: 2) { server, imap, names in
            try await imap.addFlags(["\\Flagged", "\\Answered"], uid: 2, in: "INBOX")
            let file = try #require(try server.files(in: "INBOX").first { $0.hasPrefix(names[1]) })
            let flags = file.split(separator: ",").last.map(String.init) ?? ""
            #expect(file.contains(":2,"))
            #expect(flags.contains("F") && flags.contains("R"), "\(file)")
            let untouched = try #require(try server.files(in: "INBOX").first { $0.hasPrefix(names[0]) })
            #expect(!untouched.contains("F"))
            let bad = await #expect(throws: CurlError.self) { try await imap.addFlags(["\\Seen)"], uid: 1, in: "INBOX") }
            #expect(bad?.kind == .invalidRequest)
        }
    }

    @Test("CREATE, then MOVE and COPY into processed folders (ASCII and Chinese names)")
    func createAndMove() async throws {
        try await withMailbox(messages: 3) { server, imap, _ in
            try await imap.createFolder("Processed")
            try await imap.createFolder("Processed")  // already there: fine by default
            let duplicate = await #expect(throws: CurlError.self) {
                try await imap.createFolder("Processed", ignoreExisting: false)
            }
            #expect(duplicate?.kind == .remoteRejected)
            #expect(duplicate?.serverResponse?.contains("ALREADYEXISTS") == true)

            try await imap.move(uid: 1, from: "INBOX", to: "Processed")
            let inboxAfterMove = try await imap.searchUIDs(in: "INBOX", from: 1)
            #expect(inboxAfterMove == [2, 3])
            let processed = try await imap.select("Processed")
            #expect(processed.messageCount == 1)
            let moved = try await imap.fetchMessage(uid: 1, in: "Processed")
            #expect(moved == Self.message(1))

            try await imap.createFolder("已处理")
            try await imap.copy(uid: 2, from: "INBOX", to: "已处理")
            let chinese = try await imap.select("已处理")
            #expect(chinese.messageCount == 1)
            let inboxAfterCopy = try await imap.searchUIDs(in: "INBOX", from: 1)
            #expect(inboxAfterCopy == [2, 3])
            let chineseFiles = try server.files(in: "已处理", encodedName: "&XfJZBHQG-")
            #expect(chineseFiles.count == 1)
            let inbox = try await imap.select("INBOX")
            #expect(inbox.messageCount == 2)
        }
    }

    @Test("a missing folder is remoteRejected; a wrong password is loginDenied")
    func failures() async throws {
        try await withMailbox(messages: 1) { server, imap, _ in
            let missing = await #expect(throws: CurlError.self) { try await imap.searchUIDs(in: "Nope", from: 1) }
            #expect(missing?.kind == .remoteRejected)
            #expect(missing?.serverResponse?.contains("NO") == true)
            let missingMove = await #expect(throws: CurlError.self) { try await imap.move(uid: 1, from: "INBOX", to: "Nope") }
            #expect(missingMove?.kind == .remoteRejected)
            #expect(missingMove?.serverResponse?.contains("[TRYCREATE]") == true)
            // Last: after a failed login Dovecot delays further logins from this address.
            var account = server.account
            account.password = "wrong"
            let denied = await #expect(throws: CurlError.self) {
                try await IMAPClient(curl: imap.curl, account: account).select("INBOX")
            }
            #expect(denied?.kind == .loginDenied)
        }
    }
}
