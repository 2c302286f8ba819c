import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A real PostgreSQL server on 127.0.0.1 for tests: a fresh cluster in a temp directory (`initdb`, trust
/// authentication, UTF-8, `C.UTF-8` collation), a free port, its socket in the same directory.
///
/// `initdb` refuses to run as root, so as root the cluster belongs to the `postgres` user and every program runs
/// through `runuser -u postgres --`. `start` returns once `pg_ctl -w` saw the server accept connections;
/// `stop()` stops it (fast mode) and removes the directory. `shared()` is one server for the whole test process,
/// stopped when the process exits; each test makes its own database with `createDatabase()`.
public final class PostgresServer: Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        public init(description: String) { self.description = description }
    }

    public let root: URL
    public let port: Int
    /// The superuser every test connects as (trust authentication, no password).
    public let user: String
    private let runAs: String?
    private let databases = Atomic(0)

    private init(root: URL, port: Int, user: String, runAs: String?) {
        self.root = root
        self.port = port
        self.user = user
        self.runAs = runAs
    }

    var dataDirectory: String { root.appendingPathComponent("pg").path }

    /// `postgres://user@127.0.0.1:port/database?sslmode=disable`.
    public func url(database: String) -> String {
        "postgres://\(user)@127.0.0.1:\(port)/\(database)?sslmode=disable"
    }

    public static func start() async throws -> PostgresServer {
        guard let initdb = Peers.postgresBinary("initdb"), let pgctl = Peers.postgresBinary("pg_ctl") else {
            throw Failure(description: Peers.postgresHint)
        }
        let root = try Peers.temporaryDirectory("postgres")
        let isRoot = getuid() == 0
        let runAs: String? = isRoot ? "postgres" : nil
        if isRoot {
            guard let pw = getpwnam("postgres") else { throw Failure(description: Peers.postgresHint) }
            chown(root.path, pw.pointee.pw_uid, pw.pointee.pw_gid)
        }
        let user = isRoot ? "postgres" : String(cString: getpwuid(getuid()).pointee.pw_name)
        let server = PostgresServer(root: root, port: try FreePort.pick(), user: user, runAs: runAs)
        let made = try await server.run(initdb, ["-D", server.dataDirectory, "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "-U", user])
        guard made.status == 0 else {
            try? FileManager.default.removeItem(at: root)
            throw Failure(description: "initdb failed (\(made.status)): \(made.output)")
        }
        let options = "-c listen_addresses=127.0.0.1 -p \(server.port) -k \(root.path) -c fsync=off -c max_connections=200"
        let started = try await server.run(pgctl, ["-D", server.dataDirectory, "-w", "-l", root.appendingPathComponent("log").path,
                                                   "-o", options, "start"])
        guard started.status == 0 else {
            let log = (try? String(contentsOf: root.appendingPathComponent("log"), encoding: .utf8)) ?? ""
            try? FileManager.default.removeItem(at: root)
            throw Failure(description: "pg_ctl start failed (\(started.status)): \(started.output) \(log)")
        }
        return server
    }

    /// A new empty database on this server; returns its name.
    public func createDatabase() async throws -> String {
        let name = "minqing_\(getpid())_\(databases.add(1, ordering: .relaxed).newValue)"
        guard let createdb = Peers.postgresBinary("createdb") else { throw Failure(description: Peers.postgresHint) }
        let made = try await run(createdb, ["-h", "127.0.0.1", "-p", "\(port)", "-U", user, name])
        guard made.status == 0 else { throw Failure(description: "createdb failed (\(made.status)): \(made.output)") }
        return name
    }

    public func stop() async {
        if let pgctl = Peers.postgresBinary("pg_ctl") {
            _ = try? await run(pgctl, ["-D", dataDirectory, "-m", "fast", "-w", "stop"])
        }
        try? FileManager.default.removeItem(at: root)
    }

    /// Stops the server without waiting for anything (at process exit).
    func stopNow() {
        guard let pgctl = Peers.postgresBinary("pg_ctl") else { return }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: runAs == nil ? pgctl : "/usr/sbin/runuser")
        process.arguments = (runAs.map { ["-u", $0, "--", pgctl] } ?? []) + ["-D", dataDirectory, "-m", "immediate", "stop"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        if (try? process.run()) != nil { process.waitUntilExit() }
        try? FileManager.default.removeItem(at: root)
    }

    private func run(_ program: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        if let runAs {
            return try await ChildProcess.run(Peers.executable("runuser") ?? "/usr/sbin/runuser", ["-u", runAs, "--", program] + arguments)
        }
        return try await ChildProcess.run(program, arguments)
    }

    // MARK: One server per test process

    private static let sharedServer = Mutex<Task<PostgresServer, any Error>?>(nil)
    private static let stopAtExit = Mutex<PostgresServer?>(nil)

    /// The test process's server, started on first use and stopped when the process exits.
    public static func shared() async throws -> PostgresServer {
        let task = sharedServer.withLock { current in
            if let current { return current }
            let task = Task { try await start() }
            current = task
            return task
        }
        let server = try await task.value
        let first = stopAtExit.withLock { registered in
            defer { registered = server }
            return registered == nil
        }
        if first { atexit { PostgresServer.stopAtExit.withLock { $0 }?.stopNow() } }
        return server
    }
}
