import Foundation
import Logging
import MinqingCore
import MinqingStore
import ServiceLifecycle
import Synchronization

/// Runs `inner` only while this instance holds the leadership `name` (`Leadership`): the scheduler, a mailbox
/// poller or the call-record follower of a hub that shares its store with other instances.
///
/// - A standby asks for the name every `checkInterval` (on `clock`); the moment it wins, `inner` starts.
/// - The holder asks `holds` every `checkInterval`; if the name was lost (its connection to the database ended),
///   `inner` is cancelled and the service goes back to standby — another instance has, or will take, the job.
/// - Graceful shutdown ends `inner` the usual way (it sees the shutdown through the task tree), releases the name
///   and returns; a standby returns at once.
///
/// What the jobs write is safe even in the instant two instances both believe they lead (a lost connection noticed
/// late): scheduled notifications are unique per job key, mailbox cursors only move forward, calls are stored once
/// per record (docs/postgres.md).
public struct LeaderOnly: Service {
    public let name: String
    let leadership: any Leadership
    let inner: any Service
    let clock: any SleepingClock
    let checkInterval: TimeInterval
    let logger: Logger
    /// Called each time this instance takes (true) or loses (false) the name — metrics, `/readyz`, tests.
    let onChange: @Sendable (Bool) -> Void

    public init(
        name: String, leadership: any Leadership, inner: any Service, clock: any SleepingClock, checkInterval: TimeInterval = 5,
        logger: Logger, onChange: @escaping @Sendable (Bool) -> Void = { _ in }
    ) {
        self.name = name
        self.leadership = leadership
        self.inner = inner
        self.clock = clock
        self.checkInterval = checkInterval
        self.logger = logger
        self.onChange = onChange
    }

    private enum Ending: Sendable { case innerReturned, lost }

    public func run() async throws {
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            let won: Bool
            do {
                won = try await leadership.tryLeadership(name)
            } catch is CancellationError {
                return  // shutting down
            } catch {
                logger.warning("leadership check failed; retrying", metadata: ["leader.name": "\(name)", "error": "\(String(describing: error))"])
                won = false
            }
            guard won else {
                try? await cancelWhenGracefulShutdown { try await clock.sleep(until: clock.now().addingTimeInterval(checkInterval)) }
                continue
            }
            logger.info("took leadership", metadata: ["leader.name": "\(name)"])
            onChange(true)
            let ending = try await withThrowingTaskGroup(of: Ending.self) { group in
                group.addTask {
                    try await inner.run()
                    return .innerReturned
                }
                group.addTask {
                    while !Task.isShuttingDownGracefully {
                        try? await cancelWhenGracefulShutdown {
                            try await clock.sleep(until: clock.now().addingTimeInterval(checkInterval))
                        }
                        try Task.checkCancellation()
                        if Task.isShuttingDownGracefully { break }
                        if !(await leadership.holds(name)) { return .lost }
                    }
                    // Shutting down: `inner` ends by itself and so ends the group; until then keep the name.
                    try await clock.sleep(until: .distantFuture)
                    return .innerReturned
                }
                defer { group.cancelAll() }
                return try await group.next() ?? .innerReturned
            }
            onChange(false)
            switch ending {
            case .innerReturned:
                try? await leadership.release(name)
                return
            case .lost:
                logger.warning("lost leadership; standing by", metadata: ["leader.name": "\(name)"])
            }
        }
        try? await leadership.release(name)
    }
}

/// A background loop as a service: runs `body` until graceful shutdown (which cancels it) or until it returns.
struct BackgroundTask: Service {
    let body: @Sendable () async -> Void

    func run() async throws {
        try await cancelWhenGracefulShutdown { await body() }
    }
}

/// Which `LeaderOnly` jobs this instance runs now, for `/readyz` and the tests.
public final class LeaderBoard: Sendable {
    private let names = Mutex<Set<String>>([])

    public init() {}

    private let changed = ChangeSignal()

    public var held: Set<String> { names.withLock { $0 } }

    func set(_ name: String, held: Bool) {
        names.withLock { if held { $0.insert(name) } else { $0.remove(name) } }
        changed.notify()
    }

    /// Returns once `predicate` holds for the names held (at once if it does), or when the task is cancelled.
    public func wait(until predicate: (Set<String>) -> Bool) async {
        while !predicate(held), !Task.isCancelled {
            await changed.wait(until: nil, on: SystemClock())
        }
    }
}
