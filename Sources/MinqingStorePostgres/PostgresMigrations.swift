import Foundation
import Logging
import MinqingConfig
import PostgresNIO

/// The PostgreSQL schema as named, versioned steps. `minqing_migrations` lists the steps applied; each step runs
/// once, in its own transaction, together with the row that records it. A session advisory lock
/// (`migrationLock`) makes instances that start at the same moment take turns: the second finds everything
/// applied and does nothing.
///
/// Times are `double precision` seconds since 1970 (as in the SQLite ledger, so a `Date` reads back exactly);
/// case documents are the same JSON text the SQLite ledger keeps.
enum PostgresMigrations {
    /// The advisory lock key held while migrating (any fixed 64-bit number no other code uses).
    static let migrationLock: Int64 = 0x4D51_4D49_4752_0001

    struct Step {
        let name: String
        let statements: [String]
        /// Work after the statements, in the same transaction (filling a new index from the rows stored).
        var backfill: (@Sendable (PostgresConnection, Logger) async throws -> Void)? = nil
    }

    static let steps: [Step] = [
        Step(name: "pg1-ledger", statements: [
            "CREATE TABLE case_sequences (day text PRIMARY KEY, last bigint NOT NULL)",
            """
            CREATE TABLE cases (
                id text PRIMARY KEY,
                day text NOT NULL,
                seq bigint NOT NULL,
                channel text NOT NULL,
                source_ref text NOT NULL,
                status text NOT NULL,
                village text, category text, leader text, staff text,
                complainant_phone text,
                subject text NOT NULL,
                body text NOT NULL,
                deadline double precision,
                received_at double precision NOT NULL,
                registered_at double precision NOT NULL,
                updated_at double precision NOT NULL,
                version bigint NOT NULL,
                doc text NOT NULL,
                UNIQUE (channel, source_ref)
            )
            """,
            "CREATE INDEX cases_registered ON cases (registered_at DESC, seq DESC)",
            "CREATE INDEX cases_status ON cases (status, deadline)",
            "CREATE INDEX cases_village ON cases (village)",
            "CREATE INDEX cases_phone ON cases (complainant_phone)",
            """
            CREATE TABLE inbound_messages (
                id bigserial PRIMARY KEY,
                channel text NOT NULL,
                source_ref text NOT NULL,
                case_id text NOT NULL REFERENCES cases(id),
                registered_at double precision NOT NULL,
                content_type text NOT NULL,
                raw bytea NOT NULL,
                UNIQUE (channel, source_ref)
            )
            """,
            """
            CREATE TABLE audit_events (
                seq bigserial PRIMARY KEY,
                case_id text NOT NULL REFERENCES cases(id),
                at double precision NOT NULL,
                actor text NOT NULL,
                action text NOT NULL,
                from_status text,
                to_status text NOT NULL,
                reason text,
                details text NOT NULL
            )
            """,
            "CREATE INDEX audit_case ON audit_events (case_id, seq)",
            "CREATE TABLE attachments (sha256 text PRIMARY KEY, size bigint NOT NULL, data bytea NOT NULL)",
        ]),
        Step(name: "pg1-outbox", statements: [
            """
            CREATE TABLE outbox (
                id text PRIMARY KEY,
                case_id text REFERENCES cases(id),
                target text NOT NULL,
                event text NOT NULL,
                recipients text NOT NULL,
                snapshot text,
                state text NOT NULL,
                attempts bigint NOT NULL DEFAULT 0,
                next_attempt_at double precision NOT NULL,
                created_at double precision NOT NULL,
                updated_at double precision NOT NULL,
                last_error text,
                lease_until double precision,
                lease_owner text,
                delivered_at double precision,
                context text,
                job_key text
            )
            """,
            "CREATE UNIQUE INDEX outbox_job ON outbox (job_key, target) WHERE job_key IS NOT NULL",
            "CREATE INDEX outbox_target_due ON outbox (target, state, next_attempt_at)",
            "CREATE INDEX outbox_leased ON outbox (target, lease_until) WHERE lease_until IS NOT NULL",
            "CREATE INDEX outbox_owner ON outbox (lease_owner) WHERE lease_owner IS NOT NULL",
            "CREATE INDEX outbox_case ON outbox (case_id, created_at)",
            "CREATE INDEX outbox_created ON outbox (created_at, id)",
            """
            CREATE TABLE delivery_attempts (
                id bigserial PRIMARY KEY,
                notification_id text NOT NULL REFERENCES outbox(id),
                target text NOT NULL,
                number bigint NOT NULL,
                started_at double precision NOT NULL,
                result text NOT NULL,
                http_status bigint,
                latency_ms bigint,
                detail text
            )
            """,
            "CREATE INDEX delivery_attempts_notification ON delivery_attempts (notification_id, id)",
            "CREATE INDEX delivery_attempts_target ON delivery_attempts (target, started_at)",
            """
            CREATE TABLE target_states (
                name text PRIMARY KEY,
                disabled_at double precision,
                disabled_reason text,
                paused_until double precision
            )
            """,
        ]),
        Step(name: "pg1-cursors", statements: [
            """
            CREATE TABLE mailbox_cursors (
                mailbox text PRIMARY KEY,
                uid_validity bigint NOT NULL,
                last_uid bigint NOT NULL,
                updated_at double precision NOT NULL
            )
            """,
            """
            CREATE TABLE source_cursors (
                source text PRIMARY KEY,
                file_id text NOT NULL,
                "offset" bigint NOT NULL,
                line bigint NOT NULL,
                updated_at double precision NOT NULL
            )
            """,
        ]),
        Step(name: "pg1-hotline", statements: [
            """
            CREATE TABLE call_records (
                call_id text PRIMARY KEY,
                caller text NOT NULL,
                started_at double precision NOT NULL,
                result text NOT NULL,
                doc bytea NOT NULL,
                case_id text REFERENCES cases(id),
                role text,
                updated_at double precision NOT NULL
            )
            """,
            "CREATE INDEX call_records_caller ON call_records (caller, role)",
            """
            CREATE TABLE rejected_inputs (
                id bigserial PRIMARY KEY,
                source text NOT NULL,
                fingerprint text NOT NULL,
                line bigint,
                "column" bigint,
                field text NOT NULL,
                reason text NOT NULL,
                raw bytea NOT NULL,
                raw_bytes bigint NOT NULL,
                at double precision NOT NULL,
                UNIQUE (source, fingerprint)
            )
            """,
            "CREATE INDEX rejected_inputs_at ON rejected_inputs (at)",
        ]),
        Step(name: "pg1-access", statements: [
            """
            CREATE TABLE console_sessions (
                id_hash text PRIMARY KEY,
                user_id text NOT NULL,
                csrf text NOT NULL,
                expires double precision NOT NULL
            )
            """,
            "CREATE INDEX console_sessions_user ON console_sessions (user_id)",
            "CREATE INDEX console_sessions_expires ON console_sessions (expires)",
            "CREATE TABLE feed_secrets (person text PRIMARY KEY, secret text NOT NULL UNIQUE, created_at double precision NOT NULL)",
            "CREATE TABLE lookup_attempts (id bigserial PRIMARY KEY, key text NOT NULL, at double precision NOT NULL)",
            "CREATE INDEX lookup_attempts_key ON lookup_attempts (key, at)",
            "CREATE INDEX lookup_attempts_at ON lookup_attempts (at)",
            "CREATE TABLE hub_secrets (name text PRIMARY KEY, value bytea NOT NULL)",
        ]),
        // Related cases and early warnings (PostgresCaseStore+Related / +Warnings; docs/repeats-and-warnings.md),
        // and the index of replies the statistics read (PostgresCaseStore+Statistics; docs/reports.md).
        Step(name: "pg2-related-warnings", statements: [
            """
            CREATE TABLE case_fingerprints (
                case_id text PRIMARY KEY REFERENCES cases(id),
                registered_at double precision NOT NULL,
                village text,
                category text,
                phone text,
                id_number text,
                phones text NOT NULL,
                group_words boolean NOT NULL,
                signature bytea NOT NULL
            )
            """,
            "CREATE INDEX case_fingerprints_phone ON case_fingerprints (phone, registered_at) WHERE phone IS NOT NULL",
            "CREATE INDEX case_fingerprints_id ON case_fingerprints (id_number, registered_at) WHERE id_number IS NOT NULL",
            "CREATE INDEX case_fingerprints_village ON case_fingerprints (village, registered_at)",
            "CREATE INDEX case_fingerprints_category ON case_fingerprints (category, registered_at)",
            """
            CREATE TABLE case_bands (
                band_key bigint NOT NULL,
                registered_at double precision NOT NULL,
                case_id text NOT NULL,
                PRIMARY KEY (band_key, registered_at, case_id)
            )
            """,
            "CREATE INDEX case_bands_age ON case_bands (registered_at)",
            """
            CREATE TABLE related_cases (
                case_id text NOT NULL REFERENCES cases(id),
                related_id text NOT NULL REFERENCES cases(id),
                reason text NOT NULL,
                score double precision NOT NULL,
                at double precision NOT NULL,
                PRIMARY KEY (case_id, related_id)
            )
            """,
            "CREATE INDEX related_cases_back ON related_cases (related_id)",
            """
            CREATE TABLE warnings (
                id text PRIMARY KEY,
                rule text NOT NULL,
                kind text NOT NULL,
                scope text NOT NULL,
                state text NOT NULL,
                raised_at double precision NOT NULL,
                updated_at double precision NOT NULL,
                last_case_at double precision NOT NULL,
                member_count bigint NOT NULL,
                acknowledged_by text,
                acknowledged_at double precision,
                acknowledgement_note text
            )
            """,
            "CREATE INDEX warnings_active ON warnings (rule, scope, last_case_at)",
            "CREATE INDEX warnings_recent ON warnings (last_case_at DESC)",
            """
            CREATE TABLE warning_members (
                warning_id text NOT NULL REFERENCES warnings(id),
                case_id text NOT NULL REFERENCES cases(id),
                added_at double precision NOT NULL,
                PRIMARY KEY (warning_id, case_id)
            )
            """,
            "CREATE INDEX warning_members_case ON warning_members (case_id)",
            """
            CREATE TABLE warning_events (
                seq bigserial PRIMARY KEY,
                warning_id text NOT NULL REFERENCES warnings(id),
                at double precision NOT NULL,
                actor text NOT NULL,
                action text NOT NULL,
                detail text
            )
            """,
            "CREATE INDEX warning_events_warning ON warning_events (warning_id, seq)",
            // The replies of the audit trail by case, for the statistics' first-reply lookups (LedgerStatistics).
            "CREATE INDEX audit_reply ON audit_events (case_id, at) WHERE action = 'reply'",
        ]),
        accounts,
        listIndexes,
        caseSearch,
        // What a warning's notification lists — its newest members and its villages — read through indexes, however
        // large the cluster (the SQLite ledger's v5-warning-lookups).
        Step(name: "pg3-warning-lookups", statements: [
            "ALTER TABLE warning_members ADD COLUMN registered_at double precision",
            "UPDATE warning_members m SET registered_at = c.registered_at FROM cases c WHERE c.id = m.case_id",
            "CREATE INDEX warning_members_newest ON warning_members (warning_id, registered_at DESC, case_id DESC)",
            """
            CREATE TABLE warning_villages (
                warning_id text NOT NULL REFERENCES warnings(id),
                village text NOT NULL,
                PRIMARY KEY (warning_id, village)
            )
            """,
            """
            INSERT INTO warning_villages (warning_id, village)
            SELECT DISTINCT m.warning_id, COALESCE(f.village, '') FROM warning_members m JOIN case_fingerprints f ON f.case_id = m.case_id
            ON CONFLICT DO NOTHING
            """,
        ]),
        // New cases wait here for repeat detection, which runs after intake (the SQLite ledger's v6-repeat-pending).
        Step(name: "pg4-repeat-pending", statements: [
            """
            CREATE TABLE repeat_pending (
                seq bigserial PRIMARY KEY,
                case_id text NOT NULL REFERENCES cases(id),
                signature bytea NOT NULL
            )
            """,
        ]),
        // The due queue of each target in claim order: `outbox_target_due` serves `state IN (…)` as two ranges
        // that must be merged and sorted, so every claim read the target's whole backlog (1.1 ms per claim at a
        // 13,000-row backlog). Delivered and dead rows leave this index.
        Step(name: "pg5-outbox-due", statements: [
            """
            CREATE INDEX outbox_due ON outbox (target, next_attempt_at, created_at)
            WHERE state IN ('pending', 'retrying')
            """,
        ]),
        // Which configuration a disable was learned with, and when an operator enabled the target again (the SQLite
        // ledger's v7-target-revisions).
        Step(name: "pg6-target-revisions", statements: [
            "ALTER TABLE target_states ADD COLUMN disabled_revision text, ADD COLUMN enabled_at double precision",
        ]),
    ]

    /// Applies the steps not yet applied; returns their names (empty when the schema was current).
    @discardableResult
    static func migrate(_ client: PostgresClient, logger: Logger, steps: [Step] = steps) async throws -> [String] {
        try await client.withConnection { c in
            // Neither the wait for another instance's migration nor a step (an index built over a large ledger) is a
            // runaway request: the configured `statement_timeout` (5 s by default) would cancel them and the hub
            // would not start. Reset below, before the pooled connection serves anything else.
            _ = try await c.query("SET statement_timeout = 0", logger: logger).collect()
            let result: Result<[String], any Error>
            do {
                // Waits for an instance that is migrating right now; released below or when this connection ends.
                _ = try await c.query("SELECT pg_advisory_lock(\(migrationLock))", logger: logger).collect()
                do {
                    let applied = try await apply(steps, on: c, logger: logger)
                    _ = try await c.query("SELECT pg_advisory_unlock(\(migrationLock))", logger: logger).collect()
                    result = .success(applied)
                } catch {
                    _ = try? await c.query("SELECT pg_advisory_unlock(\(migrationLock))", logger: logger).collect()
                    throw error
                }
            } catch {
                result = .failure(error)
            }
            _ = try? await c.query("RESET statement_timeout", logger: logger).collect()
            return try result.get()
        }
    }

    private static func apply(_ steps: [Step], on c: PostgresConnection, logger: Logger) async throws -> [String] {
        _ = try await c.query("""
            CREATE TABLE IF NOT EXISTS minqing_migrations (name text PRIMARY KEY, applied_at double precision NOT NULL)
            """, logger: logger).collect()
        var done = Set<String>()
        for try await name in try await c.query("SELECT name FROM minqing_migrations", logger: logger).decode(String.self) {
            done.insert(name)
        }
        var applied: [String] = []
        for step in steps where !done.contains(step.name) {
            try await c.query("BEGIN", logger: logger)
            do {
                for sql in step.statements {
                    _ = try await c.query(PostgresQuery(unsafeSQL: sql), logger: logger).collect()
                }
                if let backfill = step.backfill { try await backfill(c, logger) }
                _ = try await c.query("""
                    INSERT INTO minqing_migrations (name, applied_at) VALUES (\(step.name), \(Date().timeIntervalSince1970))
                    """, logger: logger).collect()
                try await c.query("COMMIT", logger: logger)
            } catch {
                _ = try? await c.query("ROLLBACK", logger: logger)
                throw error
            }
            applied.append(step.name)
        }
        return applied
    }
}

extension PostgresCaseStore {
    /// The names of every schema step, in order.
    public static var migrationNames: [String] { PostgresMigrations.steps.map(\.name) }

    /// Brings the database to the current schema without opening a store (as `open` does first); returns the
    /// steps this call applied — empty when another instance already did.
    public static func migrate(
        settings: PostgresSettings, logger: Logger = Logger(label: "minqing.store.postgres")
    ) async throws -> [String] {
        let client = PostgresClient(configuration: try clientConfiguration(settings), backgroundLogger: logger)
        return try await withThrowingTaskGroup(of: [String]?.self) { group in
            group.addTask {
                await client.run()
                return nil
            }
            defer { group.cancelAll() }
            return try await PostgresMigrations.migrate(client, logger: logger)
        }
    }
}
