import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A helper program run by a test: start it, wait for a line it prints, stop it — without sleeping.
///
/// Spawned with `posix_spawn` and a clean signal state: the concurrency pool's threads block almost
/// every signal, and a child inherits that mask (it would then ignore SIGTERM, and a Dovecot master
/// would never see SIGCHLD). Exit is observed by a thread blocked in `waitpid`, output by threads
/// blocked in `read` — no signals and no polling involved.
///
/// The child's stdin is a pipe whose write end this process keeps: a helper that exits on EOF
/// (the SMTP sink does) cannot outlive a crashed test run.
public final class ChildProcess: Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        public init(description: String) { self.description = description }
    }

    private struct State {
        var stdout: [UInt8] = []
        var stderr: [UInt8] = []
        var stdoutEnded = false
        var stderrEnded = false
        var outputWaiters: [CheckedContinuation<Void, Never>] = []
        var exitStatus: Int32?
        var lineWaiter: (prefix: String, continuation: CheckedContinuation<String, any Error>)?
        var exitWaiters: [CheckedContinuation<Void, Never>] = []
    }

    public let pid: pid_t
    private let stdinWriteEnd: Int32
    private let state = Mutex(State())

    /// Starts `executable` with `arguments` (the environment is inherited).
    public convenience init(_ executable: String, _ arguments: [String]) throws {
        try self.init(executable, arguments, environment: nil)
    }

    /// Starts `executable` with `arguments` and, if given, exactly this environment.
    public init(_ executable: String, _ arguments: [String], environment: [String: String]?) throws {
        let input = try Self.pipe()
        let output = try Self.pipe()
        let errors = try Self.pipe()

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, input.read, 0)
        posix_spawn_file_actions_adddup2(&actions, output.write, 1)
        posix_spawn_file_actions_adddup2(&actions, errors.write, 2)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var nothing = sigset_t()
        sigemptyset(&nothing)
        posix_spawnattr_setsigmask(&attributes, &nothing)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGCHLD, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM] {
            sigaddset(&defaults, signal)
        }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        let envp: [UnsafeMutablePointer<CChar>?]? = environment.map { env in env.map { strdup("\($0.key)=\($0.value)") } + [nil] }
        defer { for pointer in envp ?? [] { free(pointer) } }
        var pid: pid_t = 0
        let result = envp.map { envp in
            envp.withUnsafeBufferPointer { posix_spawn(&pid, executable, &actions, &attributes, argv, $0.baseAddress) }
        } ?? posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        for fd in [input.read, output.write, errors.write] { close(fd) }
        guard result == 0 else {
            for fd in [input.write, output.read, errors.read] { close(fd) }
            throw Failure(description: "cannot start \(executable): \(String(cString: strerror(result)))")
        }
        self.pid = pid
        self.stdinWriteEnd = input.write
        startReader(output.read, isStdout: true)
        startReader(errors.read, isStdout: false)
        startReaper()
    }

    deinit {
        close(stdinWriteEnd)
    }

    /// Waits until the program prints a whole line starting with `prefix`; returns that line.
    /// Fails if its stdout ends first, with what it wrote to stderr.
    public func waitForLine(startingWith prefix: String) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            let immediate: Result<String, any Error>? = state.withLock { state in
                if let line = Self.line(in: state.stdout, prefix: prefix) { return .success(line) }
                if state.stdoutEnded { return .failure(Self.endedError(state)) }
                state.lineWaiter = (prefix, continuation)
                return nil
            }
            if let immediate { continuation.resume(with: immediate) }
        }
    }

    /// Sends SIGKILL (no chance to clean up) and waits until the program has exited.
    public func kill9() async {
        if state.withLock({ $0.exitStatus == nil }) { kill(pid, SIGKILL) }
        await waitForExit()
    }

    /// Sends SIGTERM and waits until the program has exited.
    public func stop() async {
        if state.withLock({ $0.exitStatus == nil }) { kill(pid, SIGTERM) }
        await waitForExit()
    }

    /// Waits for exit; returns the exit code (128 + n when killed by signal n).
    @discardableResult
    public func waitForExit() async -> Int32 {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { state in
                if state.exitStatus != nil { return true }
                state.exitWaiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
        return state.withLock { $0.exitStatus ?? -1 }
    }

    /// Waits for exit and for the end of the program's output (both pipes closed), then returns both. The reaper
    /// may see the exit before the readers have read the last bytes, so `output` right after `waitForExit()` can
    /// miss the end of what a short-lived program printed. Only for programs that leave no process of their own
    /// holding the output (a daemon's child would keep this waiting): the hub's own commands, scripts.
    public func waitForExitAndOutput() async -> (status: Int32, output: String) {
        let status = await waitForExit()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { state in
                if state.stdoutEnded && state.stderrEnded { return true }
                state.outputWaiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
        return (status, output)
    }

    public var output: String {
        state.withLock { String(decoding: $0.stdout, as: UTF8.self) + String(decoding: $0.stderr, as: UTF8.self) }
    }

    /// Runs a program to completion; returns its exit code and what it printed so far.
    public static func run(_ executable: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        let child = try ChildProcess(executable, arguments)
        let status = await child.waitForExit()
        return (status, child.output)
    }

    // MARK: Threads that block so tests don't have to

    private func startReader(_ fd: Int32, isStdout: Bool) {
        let thread = Thread { [self] in
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                if count <= 0 { break }
                received(Array(buffer[0..<count]), isStdout: isStdout)
            }
            close(fd)
            received([], isStdout: isStdout)
        }
        thread.start()
    }

    private func startReaper() {
        let pid = self.pid
        let thread = Thread { [self] in
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0, errno == EINTR {}
            let code = status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
            let waiters = state.withLock { state in
                state.exitStatus = code
                defer { state.exitWaiters.removeAll() }
                return state.exitWaiters
            }
            for waiter in waiters { waiter.resume() }
        }
        thread.start()
    }

    private func received(_ bytes: [UInt8], isStdout: Bool) {
        var ended: [CheckedContinuation<Void, Never>] = []
        defer { for waiter in ended { waiter.resume() } }
        let resume: (CheckedContinuation<String, any Error>, Result<String, any Error>)? = state.withLock { state in
            if isStdout {
                if bytes.isEmpty { state.stdoutEnded = true } else { state.stdout += bytes }
            } else {
                if bytes.isEmpty { state.stderrEnded = true } else { state.stderr += bytes }
            }
            if state.stdoutEnded && state.stderrEnded {
                ended = state.outputWaiters
                state.outputWaiters.removeAll()
            }
            guard let waiter = state.lineWaiter else { return nil }
            if let line = Self.line(in: state.stdout, prefix: waiter.prefix) {
                state.lineWaiter = nil
                return (waiter.continuation, .success(line))
            }
            if state.stdoutEnded {
                state.lineWaiter = nil
                return (waiter.continuation, .failure(Self.endedError(state)))
            }
            return nil
        }
        if let (continuation, result) = resume { continuation.resume(with: result) }
    }

    private static func line(in bytes: [UInt8], prefix: String) -> String? {
        // Only complete lines: a pipe may deliver "READY " and "4242\n" separately.
        let complete = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        return complete.first { $0.hasPrefix(prefix) }.map(String.init)
    }

    private static func endedError(_ state: State) -> Failure {
        Failure(description: "the helper closed its output early: \(String(decoding: state.stderr, as: UTF8.self))")
    }

    private static func pipe() throws -> (read: Int32, write: Int32) {
        var fds: [Int32] = [0, 0]
        guard Glibc.pipe(&fds) == 0 else {
            throw Failure(description: "pipe failed: \(String(cString: strerror(errno)))")
        }
        // Keep our ends out of other children (dup2 in the spawn clears the flag on the child's copies).
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return (fds[0], fds[1])
    }
}
