import Foundation
import Logging
import MinqingConfig
import MinqingCore
import MinqingStore
import NIOSSL
import PostgresNIO

/// The shared ledger of several hub instances: one PostgreSQL database (docs/postgres.md).
///
/// Same contract as `SQLiteCaseStore` (the conformance suites run on both). What differs is what several
/// instances need: intake is idempotent across instances through the `(channel, source_ref)` unique keys, case
/// numbers come from one counter row per day, the outbox is claimed with `FOR UPDATE SKIP LOCKED` and leases that
/// name their owner, and every commit that wrote outbox rows (or changed a case) sends `NOTIFY` so the other
/// instances wake (`PostgresChangeListener`).
public final class PostgresCaseStore: HubStore {
    /// The `NOTIFY` channel of commits that wrote outbox rows.
    public static let outboxChannel = "minqing_outbox"
    /// The `NOTIFY` channel of commits that created or changed a case.
    public static let caseChannel = "minqing_cases"

    let client: PostgresClient
    let settings: LedgerSettings
    /// The factory, policy and warning rules in force (a configuration reload replaces them).
    let intakeRules: IntakeRulesSlot
    public let connection: PostgresSettings
    /// Names this instance's leases (`outbox.lease_owner`); `releaseLeases()` ends only these.
    public let instanceID: String
    let logger: Logger
    let encoder: JSONEncoder
    let decoder: JSONDecoder
    private let runner: Task<Void, Never>

    private init(client: PostgresClient, connection: PostgresSettings, ledger: LedgerSettings, instanceID: String, logger: Logger) {
        self.client = client
        self.connection = connection
        settings = ledger
        intakeRules = ledger.rulesSlot
        self.instanceID = instanceID
        self.logger = logger
        encoder = HubJSON.encoder(timeZone: ledger.timeZone)
        decoder = HubJSON.decoder(timeZone: ledger.timeZone)
        runner = Task { await client.run() }
    }

    /// Connects a pool of `settings.poolSize` connections and migrates the database to the current schema
    /// (one instance at a time: see `PostgresMigrations`).
    ///
    /// - Parameter instanceID: names this instance's outbox leases. Give each instance a stable id (its host and
    ///   data directory) so a restarted instance ends its own old leases at once; a fresh id is safe too — the
    ///   old leases then run out by themselves.
    public static func open(
        settings: PostgresSettings, ledger: LedgerSettings, instanceID: String = UUID().uuidString.lowercased(),
        logger: Logger = Logger(label: "minqing.store.postgres")
    ) async throws -> PostgresCaseStore {
        // One direct connection first: a wrong address, password or TLS mode fails here at once with the server's
        // reason, instead of the pool retrying in the background while `migrate` waits.
        let probe = try await PostgresConnection.connect(
            configuration: try connectionConfiguration(settings), id: 0, logger: logger)
        try? await probe.close()
        let client = PostgresClient(configuration: try clientConfiguration(settings), backgroundLogger: logger)
        let store = PostgresCaseStore(client: client, connection: settings, ledger: ledger, instanceID: instanceID, logger: logger)
        do {
            try await PostgresMigrations.migrate(store.client, logger: logger)
        } catch {
            await store.close()
            throw error
        }
        return store
    }

    /// Closes every connection. Leases this instance holds stay until they run out (as after a crash).
    public func close() async {
        runner.cancel()
        await runner.value
    }

    public var storeDescription: String { "PostgreSQL \(connection.redactedURL)" }

    public func checkReady() async throws {
        _ = try await client.withConnection { c in try await c.query("SELECT 1", logger: self.logger).collect() }
    }

    // MARK: Connections

    static func clientConfiguration(_ s: PostgresSettings) throws -> PostgresClient.Configuration {
        var config = PostgresClient.Configuration(
            host: s.host, port: s.port, username: s.username, password: s.password?.value, database: s.database,
            tls: try tls(s.sslMode))
        config.options.maximumConnections = s.poolSize
        if s.statementTimeout > 0 {
            config.options.additionalStartupParameters = [("statement_timeout", "\(Int((s.statementTimeout * 1000).rounded()))")]
        }
        return config
    }

    static func connectionConfiguration(_ s: PostgresSettings) throws -> PostgresConnection.Configuration {
        PostgresConnection.Configuration(
            host: s.host, port: s.port, username: s.username, password: s.password?.value, database: s.database,
            tls: try connectionTLS(s.sslMode))
    }

    private static func tlsConfiguration(verify: Bool) -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        if !verify { tls.certificateVerification = .none }
        return tls
    }

    static func tls(_ mode: PostgresSettings.SSLMode) throws -> PostgresClient.Configuration.TLS {
        switch mode {
        case .disable: .disable
        case .prefer: .prefer(tlsConfiguration(verify: false))
        case .require: .require(tlsConfiguration(verify: false))
        case .verifyFull: .require(tlsConfiguration(verify: true))
        }
    }

    static func connectionTLS(_ mode: PostgresSettings.SSLMode) throws -> PostgresConnection.Configuration.TLS {
        switch mode {
        case .disable: .disable
        case .prefer: .prefer(try NIOSSLContext(configuration: tlsConfiguration(verify: false)))
        case .require: .require(try NIOSSLContext(configuration: tlsConfiguration(verify: false)))
        case .verifyFull: .require(try NIOSSLContext(configuration: tlsConfiguration(verify: true)))
        }
    }

    /// Runs `body` in one transaction (READ COMMITTED) on a pooled connection, retrying the whole transaction when
    /// the server aborts it for a deadlock or a serialisation failure. The body's own errors are rethrown as they
    /// are (not wrapped), after the rollback.
    func transaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await client.withConnection { c in
                    try await c.query("BEGIN", logger: self.logger)
                    do {
                        let value = try await body(c)
                        try await c.query("COMMIT", logger: self.logger)
                        return value
                    } catch {
                        _ = try? await c.query("ROLLBACK", logger: self.logger)
                        throw error
                    }
                }
            } catch let error as PSQLError where attempt < 5 && Self.isRetryable(error) {
                logger.debug("transaction retried", metadata: ["sqlstate": "\(error.serverInfo?[.sqlState] ?? "")"])
                continue
            }
        }
    }

    /// Runs `body` on a pooled connection outside any explicit transaction (each statement commits alone).
    func read<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await client.withConnection { c in try await body(c) }
    }

    static func isRetryable(_ error: PSQLError) -> Bool {
        let state = error.serverInfo?[.sqlState]
        return state == "40P01" || state == "40001"
    }

    static func isUniqueViolation(_ error: any Error) -> Bool {
        (error as? PSQLError)?.serverInfo?[.sqlState] == "23505"
    }

    func rows(_ q: PostgresQuery, _ c: PostgresConnection) async throws -> [PostgresRandomAccessRow] {
        try await c.query(q, logger: logger).collect().map { $0.makeRandomAccess() }
    }

    func exec(_ q: PostgresQuery, _ c: PostgresConnection) async throws {
        _ = try await c.query(q, logger: logger).collect()
    }

    /// Tells the other instances (and, at commit, this one's listener) that outbox rows or cases changed.
    /// Sent inside the transaction, so PostgreSQL delivers it only if the transaction commits.
    func notifyPeers(outbox: Bool, cases: Bool, _ c: PostgresConnection) async throws {
        if outbox { try await exec("SELECT pg_notify(\(Self.outboxChannel), \(instanceID))", c) }
        if cases { try await exec("SELECT pg_notify(\(Self.caseChannel), \(instanceID))", c) }
    }

    // MARK: Rows shared by ingest and transitions

    func insertCase(_ r: CaseRecord, _ c: PostgresConnection) async throws {
        try await exec(
            """
            INSERT INTO cases (id, day, seq, channel, source_ref, status, village, category, leader, staff,
              complainant_phone, subject, body, deadline, received_at, registered_at, updated_at, version, doc, search)
            VALUES (\(r.id.description), \(r.id.day), \(r.id.sequence), \(r.channel.rawValue), \(r.sourceRef),
              \(r.status.rawValue), \(r.village), \(r.category), \(r.leader), \(r.staff),
              \(r.complainant.phone.map(PhoneNumber.normalised)), \(r.subject), \(r.body),
              \(r.deadline?.timeIntervalSince1970), \(r.receivedAt.timeIntervalSince1970),
              \(r.registeredAt.timeIntervalSince1970), \(r.updatedAt.timeIntervalSince1970), \(r.version), \(try document(r)),
              array_to_tsvector(\(CaseTextSearch.tokens(of: r))::text[]))
            """, c)
    }

    /// Writes a case's changes. Subject, body, id and phone never change after intake, so `search` stays right.
    func updateCase(_ r: CaseRecord, _ c: PostgresConnection) async throws {
        try await exec(
            """
            UPDATE cases SET status = \(r.status.rawValue), village = \(r.village), category = \(r.category),
              leader = \(r.leader), staff = \(r.staff), deadline = \(r.deadline?.timeIntervalSince1970),
              updated_at = \(r.updatedAt.timeIntervalSince1970), version = \(r.version), doc = \(try document(r))
            WHERE id = \(r.id.description)
            """, c)
    }

    func insertEvent(_ e: AuditEvent, _ c: PostgresConnection) async throws {
        let details = String(decoding: try encoder.encode(e.details), as: UTF8.self)
        try await exec(
            """
            INSERT INTO audit_events (case_id, at, actor, action, from_status, to_status, reason, details)
            VALUES (\(e.caseID.description), \(e.at.timeIntervalSince1970), \(e.actor), \(e.action), \(e.from?.rawValue),
              \(e.to.rawValue), \(e.reason), \(details))
            """, c)
    }

    /// Writes the planner's notifications for `change` into the outbox, due at `now`; returns how many.
    func enqueueNotifications(for change: CaseChange, at now: Date, _ c: PostgresConnection) async throws -> Int {
        let drafts = settings.planner.plan(for: change)
        guard !drafts.isEmpty else { return 0 }
        let snapshot = try document(change.after)
        let at = now.timeIntervalSince1970
        for d in drafts {
            let recipients = String(decoding: try encoder.encode(d.recipients), as: UTF8.self)
            try await exec(
                """
                INSERT INTO outbox (id, case_id, target, event, recipients, snapshot, state, next_attempt_at, created_at, updated_at)
                VALUES (\(UUID().uuidString.lowercased()), \(change.after.id.description), \(d.target), \(d.event),
                  \(recipients), \(snapshot), 'pending', \(at), \(at), \(at))
                """, c)
        }
        return drafts.count
    }

    /// The case with this id; with `forUpdate`, row-locked until the transaction ends (so two instances changing
    /// one case take turns instead of losing an update).
    func loadCase(_ id: String, forUpdate: Bool = false, _ c: PostgresConnection) async throws -> CaseRecord? {
        let q: PostgresQuery = forUpdate
            ? "SELECT doc FROM cases WHERE id = \(id) FOR UPDATE"
            : "SELECT doc FROM cases WHERE id = \(id)"
        guard let row = try await rows(q, c).first else { return nil }
        return try decodeCase(try row["doc"].decode(String.self))
    }

    func decodeCase(_ doc: String) throws -> CaseRecord {
        try decoder.decode(CaseRecord.self, from: Data(doc.utf8))
    }

    func document(_ r: CaseRecord) throws -> String {
        String(decoding: try encoder.encode(r), as: UTF8.self)
    }
}

/// A query assembled from pieces at run time (filters), its values bound as `$n` parameters.
struct DynamicQuery {
    var binds = PostgresBindings()

    /// The placeholder of a newly bound value.
    mutating func bind<T: PostgresDynamicTypeEncodable>(_ value: T) -> String {
        binds.append(value)
        return "$\(binds.count)"
    }

    /// The placeholder of newly bound bytes (`bytea`).
    mutating func bind(_ value: Data) -> String {
        binds.append(ByteBuffer(bytes: value))
        return "$\(binds.count)"
    }

    /// The placeholder of a newly bound value or NULL.
    mutating func bind<T: PostgresDynamicTypeEncodable>(_ value: T?) -> String {
        binds.append(value)
        return "$\(binds.count)"
    }

    func query(_ sql: String) -> PostgresQuery { PostgresQuery(unsafeSQL: sql, binds: binds) }
}

extension PostgresRandomAccessRow {
    func value<T: PostgresDecodable>(_ column: String, as: T.Type = T.self) throws -> T {
        try self[column].decode(T.self)
    }

    func date(_ column: String) throws -> Date { Date(timeIntervalSince1970: try value(column, as: Double.self)) }

    func optionalDate(_ column: String) throws -> Date? {
        try value(column, as: Double?.self).map(Date.init(timeIntervalSince1970:))
    }
}
