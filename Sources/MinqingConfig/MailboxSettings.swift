import Foundation

/// The `mailbox:` section of minqing.yaml: the IMAP accounts of 民情信箱 and the acknowledgement of e-mail.
///
/// ```yaml
/// mailbox:
///   acknowledgement: { enabled: true, target: email }
///   accounts:
///     - name: office
///       host: imap.qiye.163.com
///       port: 993
///       tls: implicit            # implicit | starttls | none (none: loopback test servers only)
///       user: minqing@qingshan.gov.cn
///       password: ${MINQING_MAILBOX_PASSWORD}
///       folder: INBOX
///       interval: 60s
///       disposition: move        # move | flag | leave (mail is never deleted)
///       processed_folder: 已登记
/// ```
public struct MailboxSettings: Sendable {
    public var acknowledgement: Acknowledgement
    public var accounts: [Account]

    public struct Acknowledgement: Sendable, Hashable {
        /// On by default: the sender of a new e-mail case gets a receipt with its case id.
        public var enabled: Bool
        /// The outbox target the receipt is queued for.
        public var target: String

        public init(enabled: Bool = true, target: String = "email") {
            self.enabled = enabled
            self.target = target
        }
    }

    public enum TLSMode: String, Sendable, CaseIterable { case implicit, starttls, none }
    public enum Disposition: String, Sendable, CaseIterable { case move, flag, leave }

    public struct Account: Sendable, Hashable {
        public var name: String
        public var host: String
        public var port: Int
        public var tls: TLSMode
        public var user: String
        public var password: Secret
        public var folder: String
        /// Seconds between polls.
        public var interval: TimeInterval
        public var disposition: Disposition
        /// Where `move` puts registered mail (created if missing).
        public var processedFolder: String
        /// The keyword `flag` sets (and `move` sets too before moving).
        public var flag: String
    }

    static let defaults = MailboxSettings(acknowledgement: .init(enabled: true, target: "email"), accounts: [])
}

extension MailboxSettings {
    static func read(_ n: ConfigNode) -> MailboxSettings? {
        guard let m = n.mapping else { return nil }
        var settings = MailboxSettings.defaults
        if let ack = m.optional("acknowledgement")?.mapping {
            if let v = ack.optional("enabled")?.bool { settings.acknowledgement.enabled = v }
            if let v = ack.optional("target")?.string { settings.acknowledgement.target = v }
            ack.finish()
        }
        var names: Set<String> = []
        for item in m.optional("accounts")?.items ?? [] {
            guard let account = readAccount(item) else { continue }
            if !names.insert(account.name).inserted {
                item.report("邮箱名称「\(account.name)」重复：每个邮箱的 name 必须不同（游标按名称保存）")
                continue
            }
            settings.accounts.append(account)
        }
        m.finish()
        return settings
    }

    private static func readAccount(_ n: ConfigNode) -> Account? {
        guard let m = n.mapping else { return nil }
        let name = m.required("name", hint: "如 office，用于区分多个邮箱")?.string
        let host = m.required("host", hint: "IMAP 服务器地址，如 imap.qiye.163.com")?.string
        let tls = m.optional("tls")?.oneOf(TLSMode.self) ?? .implicit
        var port = tls == .implicit ? 993 : 143
        if let p = m.optional("port"), let v = p.int {
            if (1...65535).contains(v) { port = v } else { p.report("端口应在 1–65535 之间") }
        }
        let user = m.required("user", hint: "登录邮箱的用户名")?.string
        let password = m.required("password", hint: "建议写成 ${MINQING_MAILBOX_PASSWORD}")?.text
        let folder = m.optional("folder")?.string ?? "INBOX"
        var interval: TimeInterval = 60
        if let i = m.optional("interval"), let v = i.duration {
            if v >= 0.1 { interval = v } else { i.report("轮询间隔至少 100ms") }
        }
        let disposition = m.optional("disposition")?.oneOf(Disposition.self) ?? .move
        let processed = m.optional("processed_folder")?.string ?? "已登记"
        var flag = "$MinqingRegistered"
        if let f = m.optional("flag"), let v = f.string {
            if v.contains(where: { $0 == " " || $0 == "(" || $0 == ")" || $0 == "\"" || !$0.isASCII }) {
                f.report("标记只能是不含空格和括号的英文关键字，如 $MinqingRegistered")
            } else {
                flag = v
            }
        }
        if let p = m.optional("processed_folder"), processed == folder {
            p.report("处理后文件夹不能与收件文件夹 \(folder) 相同")
        }
        m.finish()
        guard let name, let host, let user, let password else { return nil }
        return Account(name: name, host: host, port: port, tls: tls, user: user, password: Secret(password),
                       folder: folder, interval: interval, disposition: disposition, processedFolder: processed, flag: flag)
    }
}
