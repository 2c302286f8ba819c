import Foundation
import Logging
import MinqingConfig
import MinqingCore
import MinqingStore
import PostgresNIO

/// Leadership among hub instances by session advisory locks, held on one connection of its own: the scheduler
/// and each mailbox poller or CDR follower runs only where `tryLeadership(name)` returned true. When the holder's
/// process dies its connection ends, PostgreSQL drops its locks, and the next `tryLeadership` elsewhere wins
/// (failover). After this connection is lost, `holds` is false for every name and `tryLeadership` reconnects.
///
/// A name maps to a 64-bit lock key by `hashtextextended('minqing.leader:' || name, 0)`.
public actor PostgresLeadership: Leadership {
    private let settings: PostgresSettings
    private let logger: Logger
    private var connection: PostgresConnection?
    /// The connection being made: callers that arrive meanwhile (the actor is reentrant at each `await`) wait for
    /// it instead of making one each — a second connection would be dropped unclosed, which postgres-nio traps on.
    private var connecting: Task<PostgresConnection, any Error>?
    private var held: Set<String> = []

    public init(settings: PostgresSettings, logger: Logger = Logger(label: "minqing.leadership")) {
        self.settings = settings
        self.logger = logger
    }

    /// Takes the lock of `name` if nobody holds it; true if this instance holds it now (also when it already did).
    public func tryLeadership(_ name: String) async throws -> Bool {
        if held.contains(name), await holds(name) { return true }
        let c = try await connect()
        let won = try await c.query("SELECT pg_try_advisory_lock(\(Self.key(name))) AS won", logger: logger)
            .collect().first?.makeRandomAccess()["won"].decode(Bool.self) ?? false
        if won { held.insert(name) }
        return won
    }

    /// Waits (up to `timeout`) until `name` is free and takes it; true when taken. The connection is busy while
    /// waiting, so a standby that waits uses a `PostgresLeadership` of its own. Takes over the moment the holder's
    /// connection ends — no polling.
    public func waitForLeadership(_ name: String, timeout: Duration) async throws -> Bool {
        if held.contains(name), await holds(name) { return true }
        let c = try await connect()
        let ms = Int(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        _ = try await c.query(PostgresQuery(unsafeSQL: "SET lock_timeout = \(max(ms, 1))"), logger: logger).collect()
        do {
            _ = try await c.query("SELECT pg_advisory_lock(\(Self.key(name)))", logger: logger).collect()
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "55P03" {
            _ = try? await c.query("SET lock_timeout = 0", logger: logger).collect()
            return false
        }
        _ = try await c.query("SET lock_timeout = 0", logger: logger).collect()
        held.insert(name)
        return true
    }

    /// Gives up `name` (another instance's `tryLeadership` can take it at once).
    public func release(_ name: String) async throws {
        guard held.remove(name) != nil, let c = connection else { return }
        _ = try await c.query("SELECT pg_advisory_unlock(\(Self.key(name)))", logger: logger).collect()
    }

    /// Whether this instance still holds `name`, asked of the server (false once the connection is gone).
    public func holds(_ name: String) async -> Bool {
        guard held.contains(name), let c = connection else { return false }
        do {
            let rows = try await c.query("""
                SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()
                  AND objsubid = 1 AND granted AND ((classid::bigint << 32) | objid::bigint) = \(Self.key(name))) AS held
                """, logger: logger).collect()
            if try rows.first?.makeRandomAccess()["held"].decode(Bool.self) == true { return true }
        } catch {
            lost()
            return false
        }
        held.remove(name)
        return false
    }

    /// The server process id of the leadership connection (for tests and `pg_stat_activity`).
    public func backendPID() async throws -> Int32 {
        let c = try await connect()
        return try await c.query("SELECT pg_backend_pid() AS pid", logger: logger).collect().first!
            .makeRandomAccess()["pid"].decode(Int32.self)
    }

    /// Ends the connection: every lock it held is released by the server.
    public func close() async {
        held.removeAll()
        if let connecting { _ = try? await connecting.value }
        if let c = connection {
            // Give the names up explicitly: the server also drops them when the connection ends, but only once it
            // has noticed the close.
            _ = try? await c.query("SELECT pg_advisory_unlock_all()", logger: logger).collect()
            try? await c.close()
        }
        connection = nil
    }

    /// Forgets the connection (and so every lock), closing it: postgres-nio requires a connection be closed
    /// before it is released.
    private func lost() {
        held.removeAll()
        if let c = connection { c.close().whenComplete { _ in } }
        connection = nil
    }

    private func connect() async throws -> PostgresConnection {
        if let c = connection, !c.isClosed { return c }
        if connection != nil { lost() }
        if let connecting { return try await connecting.value }
        let settings = settings, logger = logger
        let task = Task {
            try await PostgresConnection.connect(
                configuration: try PostgresCaseStore.connectionConfiguration(settings), id: 1, logger: logger)
        }
        connecting = task
        defer { connecting = nil }
        let c = try await task.value
        connection = c
        return c
    }

    /// The advisory lock key of a name: computed by the server, so every instance agrees.
    static func key(_ name: String) -> PostgresQuery.StringInterpolation.KeyExpression { .init(name: name) }
}

extension PostgresQuery.StringInterpolation {
    /// `hashtextextended('minqing.leader:' || name, 0)` as a query fragment with the name bound.
    struct KeyExpression {
        let name: String
    }

    mutating func appendInterpolation(_ key: KeyExpression) {
        appendInterpolation(unescaped: "hashtextextended(")
        appendInterpolation("minqing.leader:" + key.name)
        appendInterpolation(unescaped: ", 0)")
    }
}

/// Wakes this instance when another one commits outbox rows or changes a case: `LISTEN minqing_outbox` and
/// `LISTEN minqing_cases` on a connection of its own, each notification → `notify()` of the matching signal.
/// Notifications are not stored by the server: whenever the connection is (re)made both signals fire, so the
/// consumers look at the database once instead of trusting they missed nothing. A case notification also wakes
/// `repeats` (another instance's intake may have queued cases for this one's `RepeatDetector`).
public enum PostgresChangeListener {
    /// Listens until cancelled; reconnects after `retryDelay` (on `clock`) when the connection fails.
    /// `onListening` is called each time both channels are listened to.
    public static func run(
        settings: PostgresSettings, outbox: ChangeSignal, cases: ChangeSignal, repeats: ChangeSignal = ChangeSignal(),
        clock: any SleepingClock = SystemClock(), retryDelay: TimeInterval = 1, logger: Logger = Logger(label: "minqing.listener"),
        onListening: @Sendable () -> Void = {}
    ) async {
        while !Task.isCancelled {
            do {
                try await listenOnce(
                    settings: settings, outbox: outbox, cases: cases, repeats: repeats, logger: logger, onListening: onListening)
            } catch {
                if Task.isCancelled { return }
                logger.warning("LISTEN connection lost; reconnecting", metadata: ["error": "\(String(describing: error))"])
            }
            outbox.notify()
            cases.notify()
            repeats.notify()
            try? await clock.sleep(until: clock.now().addingTimeInterval(retryDelay))
        }
    }

    static func listenOnce(
        settings: PostgresSettings, outbox: ChangeSignal, cases: ChangeSignal, repeats: ChangeSignal, logger: Logger,
        onListening: @Sendable () -> Void
    ) async throws {
        let c = try await PostgresConnection.connect(
            configuration: try PostgresCaseStore.connectionConfiguration(settings), id: 2, logger: logger)
        do {
            // A cancelled listener closes its connection, which ends both notification sequences.
            try await withTaskCancellationHandler {
            try await c.listen(on: PostgresCaseStore.outboxChannel) { outboxNotes in
                try await c.listen(on: PostgresCaseStore.caseChannel) { caseNotes in
                    outbox.notify()
                    cases.notify()
                    repeats.notify()
                    onListening()
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask { for try await _ in outboxNotes { outbox.notify() } }
                        group.addTask { for try await _ in caseNotes {
                            cases.notify()
                            repeats.notify()
                        } }
                        try await group.next()
                        group.cancelAll()
                    }
                }
            }
            } onCancel: {
                let closing: EventLoopFuture<Void> = c.close()
                closing.whenComplete { _ in }
            }
        } catch {
            try? await c.close()
            throw error
        }
        try? await c.close()
    }
}
