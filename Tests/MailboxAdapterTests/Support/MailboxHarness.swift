import Foundation
import Logging
import MailboxAdapter
import Metrics
import MinqingCore
import MinqingCurl
import MinqingStore
import MinqingTesting
import Synchronization
import Testing

/// A real Dovecot, a fresh SQLite ledger (with the acknowledgement planner) and pollers over them.
final class MailboxHarness: Sendable {
    let server: DovecotServer
    let curl: CurlClient
    let store: SQLiteCaseStore
    let intake: IntakeService
    let path: String

    private init(server: DovecotServer, curl: CurlClient, path: String) throws {
        self.server = server
        self.curl = curl
        self.path = path
        store = try SQLiteCaseStore(path: path, settings: LedgerSettings(planner: CompositePlanner([AcknowledgementPlanner()])))
        intake = IntakeService(store: store)
    }

    /// Starts Dovecot, runs `body`, always stops Dovecot (skips with a note, or fails under CI=true, without it).
    static func with(_ body: (MailboxHarness) async throws -> Void) async throws {
        guard Peers.require(Peers.dovecot != nil && Peers.doveadm != nil, Peers.imapHint) else { return }
        let server = try await DovecotServer.start()
        let curl = try CurlClient()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("minqing-mailbox-\(UUID().uuidString)")
        do {
            let harness = try MailboxHarness(server: server, curl: curl, path: dir.appendingPathComponent("ledger.sqlite").path)
            try await body(harness)
        } catch {
            Issue.record(error)
        }
        await curl.shutdown()
        await server.stop()
        try? FileManager.default.removeItem(at: dir)
    }

    func poller(
        _ disposition: MailboxPollerSettings.Disposition = .move(to: "已登记"), curl: CurlClient? = nil,
        sleeper: any Sleeper = TaskSleeper()
    ) -> MailboxPoller {
        MailboxPoller(
            settings: MailboxPollerSettings(name: "office", interval: 60, disposition: disposition),
            imap: IMAPClient(curl: curl ?? self.curl, account: server.account), intake: intake, store: store,
            sleeper: sleeper, logger: Logger(label: "test.mailbox", factory: { _ in SwiftLogNoOpLogHandler() }),
            metrics: NOOPMetricsHandler.instance)
    }

    func total() async throws -> Int { try await store.searchCases(CaseQuery()).total }

    func acknowledgements() async throws -> [OutboxEntry] {
        try await store.outboxEntries(state: nil, limit: 10_000).filter { $0.event == AcknowledgementPlanner.event }
    }

    /// "已登记" in modified UTF-7, as Dovecot names the maildir.
    static let processedMaildirName = "&XfJ2e4uw-"
}

/// Realistic messages in the styles township mailboxes receive.
enum SampleMail {
    static func gbkBase64(_ text: String) -> String {
        let data = text.data(using: String.Encoding(rawValue: 0x8000_0632))!
        return "=?GBK?B?\(data.base64EncodedString())?="
    }

    static func plain(
        _ number: Int, messageID: String? = nil, subject: String? = nil, inReplyTo: String? = nil, references: [String] = [],
        from: String = "citizen"
    ) -> [UInt8] {
        var lines = [
            "From: \(gbkBase64("王大娘")) <\(from)\(number)@qq.com>",
            "To: minqing@qingshan.gov.cn",
            "Subject: \(subject.map { "=?UTF-8?B?\(Data($0.utf8).base64EncodedString())?=" } ?? gbkBase64("反映村口路灯不亮 \(number)"))",
            "Date: Sun, 22 Nov 2026 09:\(String(format: "%02d", number % 60)):00 +0800",
        ]
        if let id = messageID ?? Optional("letter-\(number)@qq.com") { lines.append("Message-ID: <\(id)>") }
        if let inReplyTo { lines.append("In-Reply-To: <\(inReplyTo)>") }
        if !references.isEmpty { lines.append("References: " + references.map { "<\($0)>" }.joined(separator: " ")) }
        lines += ["MIME-Version: 1.0", "Content-Type: text/plain; charset=UTF-8", "Content-Transfer-Encoding: 8bit", "",
                  "第\(number)封来信：青山村村口的路灯坏了一个月，晚上走路看不见，请派人修一修。", ""]
        return Array(lines.joined(separator: "\r\n").utf8)
    }

    static func html(_ number: Int) -> [UInt8] {
        let html = "<html><body><p>第\(number)封：河西村垃圾<b>无人清运</b>。</p></body></html>"
        let gbk = html.data(using: String.Encoding(rawValue: 0x8000_0632))!
        return Array([
            "From: =?gb2312?B?\("李四".data(using: String.Encoding(rawValue: 0x8000_0632))!.base64EncodedString())?= <li\(number)@163.com>",
            "To: minqing@qingshan.gov.cn", "Subject: \(gbkBase64("垃圾清运 \(number)"))",
            "Message-ID: <html-\(number)@163.com>", "MIME-Version: 1.0",
            "Content-Type: text/html; charset=gb2312", "Content-Transfer-Encoding: base64", "",
            gbk.base64EncodedString(options: .lineLength76Characters), "",
        ].joined(separator: "\r\n").utf8)
    }

    static func withAttachment(_ number: Int) -> [UInt8] {
        let photo = Data((0..<512).map { UInt8(($0 * 7 + number) & 0xFF) })
        return Array([
            "From: \"张三, 石桥村\" <zhang\(number)@foxmail.com>", "To: minqing@qingshan.gov.cn",
            "Subject: =?UTF-8?Q?=E6=B2=B3=E9=81=93=E6=B1=A1=E6=9F=93?= \(number)",
            "Message-ID: <att-\(number)@foxmail.com>", "MIME-Version: 1.0",
            "Content-Type: multipart/mixed; boundary=\"b\(number)\"", "",
            "--b\(number)", "Content-Type: text/plain; charset=utf-8", "", "河道有死鱼，附照片。", "",
            "--b\(number)", "Content-Type: image/jpeg; name*=UTF-8''%E7%85%A7%E7%89%87.jpg",
            "Content-Disposition: attachment; filename*=UTF-8''%E7%85%A7%E7%89%87\(number).jpg",
            "Content-Transfer-Encoding: base64", "", photo.base64EncodedString(options: .lineLength76Characters),
            "--b\(number)--", "",
        ].joined(separator: "\r\n").utf8)
    }

    /// No Message-ID at all (some web forms and scanners send such mail): keyed by content hash.
    static func withoutMessageID(_ number: Int) -> [UInt8] {
        Array([
            "From: scanner\(number)@town.example", "To: minqing@qingshan.gov.cn", "Subject: scan \(number)",
            "Content-Type: text/plain; charset=utf-8", "", "扫描来信 \(number)：申请低保复核。", "",
        ].joined(separator: "\r\n").utf8)
    }

    /// 500 messages of mixed styles, all distinct.
    static func mixed(_ count: Int) -> [[UInt8]] {
        (1...count).map { n in
            switch n % 4 {
            case 0: plain(n)
            case 1: html(n)
            case 2: withAttachment(n)
            default: n % 8 == 3 ? withoutMessageID(n) : plain(n, from: "other")
            }
        }
    }

    /// Binary noise: no header line, no colon, no line break — nothing a parser can read as mail.
    static let garbage: [UInt8] = {
        let bytes: [UInt8] = (0..<300).map { (i: Int) -> UInt8 in UInt8((i * 37 + 11) % 256) }
        return bytes.filter { (b: UInt8) -> Bool in b != 0x0A && b != 0x0D && b != 0x3A && b != 0x00 }
    }()
}

/// A sleeper that returns at once and remembers what it was asked (tests drive the loop by its outcomes).
final class RecordingSleeper: Sleeper {
    let delays = Mutex<[TimeInterval]>([])
    func sleep(seconds: TimeInterval) async throws {
        delays.withLock { $0.append(seconds) }
        try Task.checkCancellation()
        await Task.yield()
    }
}
