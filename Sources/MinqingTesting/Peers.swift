import Foundation

/// Real peer programs the tests start, and what to do when one is missing:
/// with CI=true the test runs and fails saying what to install; otherwise it is skipped with that note.
public enum Peers {
    public static let isCI = ProcessInfo.processInfo.environment["CI"] == "true"

    public static let dovecot = executable("dovecot")
    public static let doveadm = executable("doveadm")

    /// The first Python that can import aiosmtpd: Debian's (`apt-get install python3-aiosmtpd`) before one on PATH
    /// (a pyenv Python does not see Debian's packages).
    public static let python3: String? = (["/usr/bin/python3"] + [executable("python3")].compactMap { $0 })
        .first { canImportAiosmtpd($0) }

    public static var aiosmtpdInstalled: Bool { python3 != nil }

    private static func canImportAiosmtpd(_ python: String) -> Bool {
        guard FileManager.default.isExecutableFile(atPath: python) else { return false }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", "import aiosmtpd"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    public static let smtpHint = "the SMTP tests need aiosmtpd: apt-get install -y python3-aiosmtpd"
    public static let imapHint = "the IMAP tests need Dovecot: apt-get install -y dovecot-imapd"

    public static let postgresHint = "the PostgreSQL tests need PostgreSQL 15: apt-get install -y postgresql"

    /// A PostgreSQL server program: Debian's versioned folder first (its programs are not all on PATH), then PATH.
    public static func postgresBinary(_ name: String) -> String? {
        let debian = "/usr/lib/postgresql/15/bin/\(name)"
        return FileManager.default.isExecutableFile(atPath: debian) ? debian : executable(name)
    }

    /// Use as `.enabled(if: Peers.smtpRunnable, Peers.smtpHint)`: false only when missing outside CI.
    public static var smtpRunnable: Bool { aiosmtpdInstalled || isCI }
    public static var imapRunnable: Bool { (dovecot != nil && doveadm != nil) || isCI }
    public static var postgresRunnable: Bool { (postgresBinary("initdb") != nil && postgresBinary("pg_ctl") != nil) || isCI }

    /// Looks in PATH and the sbin folders (Dovecot installs into /usr/sbin, not on every PATH).
    public static func executable(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let folders = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/usr/local/sbin", "/sbin"]
        return folders.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    public static func temporaryDirectory(_ label: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("minqing-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
