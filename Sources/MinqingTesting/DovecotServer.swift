import Foundation
import MinqingCurl
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A real Dovecot IMAP server on 127.0.0.1 for one test: a temp directory with its own config,
/// a passwd-file user and a maildir; `ssl = no`, plain-text login allowed (loopback only).
///
/// `start` returns once the master process has bound its listener (`dovecot` binds before it
/// daemonizes). `deliver` drops messages into the maildir's `new/` the way an MTA would.
/// Always call `stop()` (it runs `doveadm stop` and removes the directory).
public final class DovecotServer: Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        public init(description: String) { self.description = description }
    }

    public let root: URL
    public let port: Int
    public let user = "hub"
    public let password = "民情-pass-1"
    private let mailOwner: (uid: uid_t, gid: gid_t)
    private let sequence = Atomic(0)

    private init(root: URL, port: Int, mailOwner: (uid_t, gid_t)) {
        self.root = root
        self.port = port
        self.mailOwner = mailOwner
    }

    public var config: URL { root.appendingPathComponent("dovecot.conf") }

    /// The account a test's `IMAPClient` uses.
    public var account: MailEndpoint {
        MailEndpoint(url: "imap://127.0.0.1:\(port)", username: user, password: password, timeout: .seconds(20))
    }

    public static func start() async throws -> DovecotServer {
        // A port free when picked can be taken before Dovecot binds it (another server a test starts at that moment):
        // then Dovecot says "Address already in use" and the start is tried again on another port.
        var attempt = 1
        while true {
            do {
                return try await start(port: try FreePort.pick())
            } catch let failure as Failure where failure.description.contains("Address already in use") && attempt < 3 {
                attempt += 1
            }
        }
    }

    private static func start(port: Int) async throws -> DovecotServer {
        guard let dovecot = Peers.dovecot else { throw Failure(description: Peers.imapHint) }
        let root = try Peers.temporaryDirectory("dovecot")
        // Dovecot's auth and login processes run as other users and must reach the config and users file.
        chmod(root.path, 0o755)
        let isRoot = getuid() == 0
        // Dovecot refuses to run mail processes as root: as root, mail belongs to nobody.
        let owner: (uid_t, gid_t) = isRoot ? (65534, 65534) : (getuid(), getgid())
        let me = String(cString: getpwuid(getuid()).pointee.pw_name)
        let myGroup = String(cString: getgrgid(getgid()).pointee.gr_name)
        let server = DovecotServer(root: root, port: port, mailOwner: owner)
        for folder in ["run", "state"] {
            try FileManager.default.createDirectory(at: root.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        try server.makeMaildir(server.maildir("INBOX"))
        let home = root.appendingPathComponent("mail/\(server.user)").path
        try "\(server.user):{PLAIN}\(server.password):\(owner.0):\(owner.1)::\(home)\n"
            .write(to: root.appendingPathComponent("users"), atomically: true, encoding: .utf8)
        try configText(root: root.path, port: server.port, internalUser: isRoot ? "dovecot" : me, internalGroup: isRoot ? "dovecot" : myGroup,
            loginUser: isRoot ? "dovenull" : me, firstValidUID: Int(owner.0))
            .write(to: server.config, atomically: true, encoding: .utf8)
        let (status, output) = try await ChildProcess.run(dovecot, ["-c", server.config.path])
        guard status == 0 else {
            let log = (try? String(contentsOf: root.appendingPathComponent("dovecot.log"), encoding: .utf8)) ?? ""
            try? FileManager.default.removeItem(at: root)
            throw Failure(description: "dovecot did not start (\(status)): \(output) \(log)")
        }
        return server
    }

    public func stop() async {
        if let doveadm = Peers.doveadm {
            _ = try? await ChildProcess.run(doveadm, ["-c", config.path, "stop"])
        }
        try? FileManager.default.removeItem(at: root)
    }

    /// The maildir of a folder: INBOX is the user's maildir root, others are Maildir++ `.Name` (modified UTF-7).
    public func maildir(_ folder: String, encodedName: String? = nil) -> URL {
        let base = root.appendingPathComponent("mail/\(user)")
        return folder == "INBOX" ? base : base.appendingPathComponent("." + (encodedName ?? folder))
    }

    /// Writes one message into `INBOX/new/` (via `tmp/`, as maildir requires); returns its file name.
    @discardableResult
    public func deliver(_ message: [UInt8]) throws -> String {
        let number = sequence.add(1, ordering: .relaxed).newValue
        let name = "1795000000.M\(number)P\(getpid()).minqing-test"
        let box = maildir("INBOX")
        let temporary = box.appendingPathComponent("tmp/\(name)")
        try Data(message).write(to: temporary)
        chown(temporary.path, mailOwner.uid, mailOwner.gid)
        try FileManager.default.moveItem(at: temporary, to: box.appendingPathComponent("new/\(name)"))
        return name
    }

    /// File names in a folder's `cur/` and `new/` (flags are the part after ":2,").
    public func files(in folder: String, encodedName: String? = nil) throws -> [String] {
        let box = maildir(folder, encodedName: encodedName)
        return try ["cur", "new"].flatMap { try FileManager.default.contentsOfDirectory(atPath: box.appendingPathComponent($0).path) }
    }

    private func makeMaildir(_ url: URL) throws {
        var path = root
        for component in url.path.dropFirst(root.path.count).split(separator: "/") {
            path.appendPathComponent(String(component))
            try FileManager.default.createDirectory(at: path, withIntermediateDirectories: true)
            chown(path.path, mailOwner.uid, mailOwner.gid)
        }
        for sub in ["cur", "new", "tmp"] {
            let folder = url.appendingPathComponent(sub)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            chown(folder.path, mailOwner.uid, mailOwner.gid)
        }
    }

    private static func configText(root: String, port: Int, internalUser: String, internalGroup: String, loginUser: String, firstValidUID: Int) -> String {
        """
        base_dir = \(root)/run
        state_dir = \(root)/state
        listen = 127.0.0.1
        protocols = imap
        ssl = no
        disable_plaintext_auth = no
        auth_mechanisms = plain login
        auth_failure_delay = 0
        default_internal_user = \(internalUser)
        default_internal_group = \(internalGroup)
        default_login_user = \(loginUser)
        first_valid_uid = \(firstValidUID)
        mail_location = maildir:\(root)/mail/%u
        log_path = \(root)/dovecot.log
        service imap-login {
          inet_listener imap {
            address = 127.0.0.1
            port = \(port)
          }
        }
        passdb {
          driver = passwd-file
          args = scheme=PLAIN username_format=%u \(root)/users
        }
        userdb {
          driver = passwd-file
          args = username_format=%u \(root)/users
        }

        """
    }
}
