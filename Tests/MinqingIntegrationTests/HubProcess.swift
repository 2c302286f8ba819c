import Foundation
import Synchronization
import MinqingCore
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// A real `minqing serve` process on loopback, for tests that crash it.
final class HubProcess: @unchecked Sendable {
    static let token = "integration-token-0123456789abcdef"
    /// The example's office-system token (`MINQING_OFFICE_TOKEN`: read, read_pii, transition).
    static let officeToken = "integration-office-token-0123456789"
    let process = Process()
    let port: Int
    private let output = Pipe()

    /// The built `minqing` binary (`MINQING_BIN`, else `.build/debug/minqing`).
    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["MINQING_BIN"] { return URL(fileURLWithPath: path) }
        return repoRoot.appendingPathComponent(".build/debug/minqing")
    }

    /// Starts the hub on a free port and waits until it says it is listening.
    /// - Parameter log: collects the hub's log (standard error) when given; otherwise it is discarded.
    init(
        data: URL, config: URL = repoRoot.appendingPathComponent("Config/example"), environment extra: [String: String] = [:],
        log: HubLog? = nil
    ) async throws {
        guard FileManager.default.isExecutableFile(atPath: Self.binary.path) else {
            throw TestFailure("找不到 minqing 可执行文件 \(Self.binary.path)：请先运行 swift build（或设置 MINQING_BIN）")
        }
        process.executableURL = Self.binary
        process.arguments = ["serve", "--config", config.path,
                             "--data", data.path, "--host", "127.0.0.1", "--port", "0"]
        var env = ProcessInfo.processInfo.environment
        env["MINQING_API_TOKEN"] = Self.token
        env["MINQING_OFFICE_TOKEN"] = Self.officeToken
        env.merge(extra) { $1 }
        process.environment = env
        process.standardOutput = output
        if let log {
            let pipe = Pipe()
            process.standardError = pipe
            log.follow(pipe.fileHandleForReading)
        } else {
            process.standardError = FileHandle.nullDevice
        }
        try process.run()
        port = try await Self.listeningPort(output.fileHandleForReading)
    }

    /// Reads the hub's output until its "listening" line and returns the port. The pipe is read on a thread of its
    /// own: a blocking read on one of the test process's few cooperative threads would starve every other test
    /// (and the in-process hubs some of them run) while this hub starts on a loaded machine.
    private static func listeningPort(_ reader: FileHandle) async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                var seen = ""
                while true {
                    let chunk = reader.availableData
                    guard !chunk.isEmpty else {
                        continuation.resume(throwing: TestFailure("minqing serve exited before listening: \(seen)"))
                        return
                    }
                    seen += String(decoding: chunk, as: UTF8.self)
                    if let range = seen.range(of: #"http://127\.0\.0\.1:(\d+)"#, options: .regularExpression) {
                        continuation.resume(returning: Int(seen[range].split(separator: ":").last!)!)
                        return
                    }
                }
            }.start()
        }
    }

    func kill9() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    func terminate() {
        process.terminate()
        process.waitUntilExit()
    }

    var base: String { "http://127.0.0.1:\(port)" }
}

/// The log lines of one or more hub processes, read on a thread of their own, with a wait for a line to appear.
final class HubLog: Sendable {
    private let lines = Mutex<[String]>([])
    private let changed = ChangeSignal()

    var all: [String] { lines.withLock { $0 } }

    func follow(_ reader: FileHandle) {
        Thread { [self] in
            var partial = ""
            while true {
                let chunk = reader.availableData
                if chunk.isEmpty { return }
                partial += String(decoding: chunk, as: UTF8.self)
                var complete = partial.components(separatedBy: "\n")
                partial = complete.removeLast()
                lines.withLock { $0.append(contentsOf: complete) }
                changed.notify()
            }
        }.start()
    }

    /// Waits until more than `count` lines satisfy `match`; returns the lines that do.
    @discardableResult
    func wait(forMoreThan count: Int = 0, _ match: @escaping (String) -> Bool) async -> [String] {
        while true {
            let found = all.filter(match)
            if found.count > count || Task.isCancelled { return found }
            await changed.wait(until: nil, on: SystemClock())
        }
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// A loopback HTTP client with many connections.
let session: URLSession = {
    let c = URLSessionConfiguration.ephemeral
    c.httpMaximumConnectionsPerHost = 64
    // Generous: on a loaded 2-core machine a hub (in-process or not) may take long to answer; a hung one still fails.
    c.timeoutIntervalForRequest = 120
    return URLSession(configuration: c)
}()

func post(_ url: String, _ body: [String: Any], token: String = HubProcess.token) async throws -> (Int, [String: Any]) {
    var request = URLRequest(url: URL(string: url)!)
    request.httpMethod = "POST"
    request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
    request.setValue("application/json", forHTTPHeaderField: "Content-Type")
    request.httpBody = try JSONSerialization.data(withJSONObject: body)
    let (data, response) = try await session.data(for: request)
    return ((response as! HTTPURLResponse).statusCode, (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:])
}

func get(_ url: String, token: String = HubProcess.token) async throws -> (Int, [String: Any]) {
    var request = URLRequest(url: URL(string: url)!)
    request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
    let (data, response) = try await session.data(for: request)
    return ((response as! HTTPURLResponse).statusCode, (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:])
}
