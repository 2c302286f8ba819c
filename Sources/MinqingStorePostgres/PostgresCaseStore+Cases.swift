import Foundation
import MinqingCore
import MinqingStore
import PostgresNIO

extension PostgresCaseStore {
    /// One transaction per batch. It first takes the day's counter row (`case_sequences`), so intake batches of one
    /// day commit one after another across instances — they cannot deadlock on each other's new messages — and a
    /// case number is handed out only inside that lock. Each message runs in a savepoint: a bad one rolls back
    /// alone, and one that another instance stored meanwhile (unique `(channel, source_ref)`) rolls back its
    /// number too and answers with the stored case.
    public func ingest(_ messages: [InboundMessage], at now: Date) async throws -> [Result<IntakeReceipt, any Error>] {
        guard !messages.isEmpty else { return [] }
        defer {
            settings.outboxSignal.notify()
            settings.caseSignal.notify()
            settings.repeatSignal.notify()
        }
        let day = CaseID.day(of: now, in: settings.timeZone)
        // One read of the rules for the whole batch: a reload decides the next batch, never half of one.
        let rules = intakeRules.rules
        return try await transaction { c in
            // Waiting for the day's counter row is intake taking its turn behind the other instances' batches, not a
            // runaway statement: under a burst it may take longer than `statement_timeout`, and refusing then would
            // only make every sender try again. The batch waits up to `intakeTurnLimit`.
            if let ms = Self.intakeStatementTimeout(configured: self.connection.statementTimeout) {
                try await self.exec(PostgresQuery(unsafeSQL: "SET LOCAL statement_timeout = \(ms)"), c)
            }
            try await self.exec("""
                INSERT INTO case_sequences (day, last) VALUES (\(day), 0)
                ON CONFLICT (day) DO UPDATE SET last = case_sequences.last
                """, c)
            var results: [Result<IntakeReceipt, any Error>] = []
            var outbox = 0
            var changed = false
            for message in messages {
                try await self.exec("SAVEPOINT message", c)
                do {
                    let (receipt, written) = try await self.ingestOne(message, day: day, rules, at: now, c)
                    try await self.exec("RELEASE SAVEPOINT message", c)
                    outbox += written
                    changed = changed || receipt.created
                    results.append(.success(receipt))
                } catch {
                    try await self.exec("ROLLBACK TO SAVEPOINT message", c)
                    if Self.isUniqueViolation(error), let existing = try await self.storedReceipt(of: message, c) {
                        results.append(.success(existing))
                    } else {
                        results.append(.failure(error))
                    }
                }
            }
            try await self.notifyPeers(outbox: outbox > 0, cases: changed, c)
            return results
        }
    }

    /// How long an intake batch may wait for its turn at the day's counter across instances.
    static let intakeTurnLimit: TimeInterval = 30

    /// The `statement_timeout` (ms) for an intake transaction: at least `intakeTurnLimit`; nil keeps the
    /// configured one (no limit, or a longer one).
    static func intakeStatementTimeout(configured: TimeInterval) -> Int? {
        configured > 0 && configured < intakeTurnLimit ? Int(intakeTurnLimit * 1000) : nil
    }

    private func storedReceipt(of message: InboundMessage, _ c: PostgresConnection) async throws -> IntakeReceipt? {
        guard let row = try await rows("""
            SELECT c.id, c.status, (c.channel <> m.channel OR c.source_ref <> m.source_ref) AS follow_up
            FROM inbound_messages m JOIN cases c ON c.id = m.case_id
            WHERE m.channel = \(message.channel.rawValue) AND m.source_ref = \(message.sourceRef)
            """, c).first
        else { return nil }
        return IntakeReceipt(
            caseID: CaseID(try row.value("id", as: String.self))!,
            status: CaseStatus(rawValue: try row.value("status", as: String.self))!,
            created: false, followUp: try row.value("follow_up", as: Bool.self))
    }

    private func ingestOne(
        _ message: InboundMessage, day: String, _ rules: IntakeRules, at now: Date, _ c: PostgresConnection
    ) async throws -> (IntakeReceipt, outbox: Int) {
        try message.validate()
        if let existing = try await storedReceipt(of: message, c) { return (existing, 0) }
        if let target = message.followUpOf, let existing = try await loadCase(target.description, forUpdate: true, c) {
            return try await attachFollowUp(message, to: existing, rules.factory, at: now, c)
        }
        let sequence = try await rows(
            "UPDATE case_sequences SET last = last + 1 WHERE day = \(day) RETURNING last", c
        ).first!.value("last", as: Int.self)
        let id = CaseID(prefix: settings.caseIDPrefix, day: day, sequence: sequence)
        let refs = try await storeAttachments(of: message, c)
        let (record, event) = rules.factory.makeCase(from: message, id: id, registeredAt: now, attachments: refs)
        try await insertCase(record, c)
        try await insertInboundMessage(message, caseID: id, at: now, c)
        try await insertEvent(event, c)
        let written = try await enqueueNotifications(for: CaseChange(before: nil, after: record, event: event), at: now, c)
        if rules.warnings != nil { try await queueRepeatDetection(of: record.id, message: message, c) }
        return (IntakeReceipt(caseID: id, status: record.status, created: true), written)
    }

    /// A citizen's further message joins an open or closed case (same rules as the SQLite ledger).
    private func attachFollowUp(
        _ message: InboundMessage, to existing: CaseRecord, _ factory: CaseFactory, at now: Date, _ c: PostgresConnection
    ) async throws -> (IntakeReceipt, outbox: Int) {
        let refs = try await storeAttachments(of: message, c)
        let event = factory.followUpEvent(for: message, on: existing, at: now, attachments: refs)
        let after = LedgerRules.followUp(existing, adding: refs, at: now)
        try await updateCase(after, c)
        try await insertInboundMessage(message, caseID: existing.id, at: now, c)
        try await insertEvent(event, c)
        let written = try await enqueueNotifications(for: CaseChange(before: existing, after: after, event: event), at: now, c)
        return (IntakeReceipt(caseID: existing.id, status: after.status, created: true, followUp: true), written)
    }

    private func storeAttachments(of message: InboundMessage, _ c: PostgresConnection) async throws -> [AttachmentRef] {
        var refs: [AttachmentRef] = []
        for a in message.attachments {
            let hash = ContentHash.sha256(a.data)
            try await exec("""
                INSERT INTO attachments (sha256, size, data) VALUES (\(hash), \(a.data.count), \(a.data))
                ON CONFLICT (sha256) DO NOTHING
                """, c)
            refs.append(AttachmentRef(sha256: hash, filename: a.filename, contentType: a.contentType, size: a.data.count))
        }
        return refs
    }

    private func insertInboundMessage(_ message: InboundMessage, caseID: CaseID, at now: Date, _ c: PostgresConnection) async throws {
        try await exec("""
            INSERT INTO inbound_messages (channel, source_ref, case_id, registered_at, content_type, raw)
            VALUES (\(message.channel.rawValue), \(message.sourceRef), \(caseID.description), \(now.timeIntervalSince1970),
              \(message.rawContentType), \(message.raw))
            """, c)
    }

    public func inboundMessage(channel: MinqingCore.Channel, sourceRef: String) async throws -> StoredMessage? {
        try await read { c in
            guard let row = try await self.rows("""
                SELECT case_id, registered_at, content_type, raw FROM inbound_messages
                WHERE channel = \(channel.rawValue) AND source_ref = \(sourceRef)
                """, c).first
            else { return nil }
            return StoredMessage(
                channel: channel, sourceRef: sourceRef, caseID: CaseID(try row.value("case_id", as: String.self))!,
                registeredAt: try row.date("registered_at"), contentType: try row.value("content_type"),
                bytes: try row.value("raw", as: Data.self))
        }
    }

    public func attachmentData(sha256: String) async throws -> Data? {
        try await read { c in
            try await self.rows("SELECT data FROM attachments WHERE sha256 = \(sha256.lowercased())", c).first?
                .value("data", as: Data.self)
        }
    }

    // MARK: Cases

    public func fetchCase(_ id: CaseID) async throws -> CaseRecord? {
        try await read { c in try await self.loadCase(id.description, c) }
    }

    public func auditTrail(of id: CaseID) async throws -> [AuditEvent] {
        try await read { c in
            try await self.rows("SELECT * FROM audit_events WHERE case_id = \(id.description) ORDER BY seq", c).map { row in
                AuditEvent(
                    seq: try row.value("seq", as: Int64.self), caseID: id, at: try row.date("at"),
                    actor: try row.value("actor"), action: try row.value("action"),
                    from: try row.value("from_status", as: String?.self).flatMap(CaseStatus.init(rawValue:)),
                    to: CaseStatus(rawValue: try row.value("to_status", as: String.self))!,
                    reason: try row.value("reason", as: String?.self),
                    details: try self.decoder.decode([String: String].self, from: Data(try row.value("details", as: String.self).utf8)))
            }
        }
    }

    public func apply(
        _ action: CaseAction, to id: CaseID, actor: String, onBehalfOf: String?, expectedVersion: Int?, at now: Date
    ) async throws -> CaseRecord {
        defer {
            settings.outboxSignal.notify()
            settings.caseSignal.notify()
        }
        let policy = intakeRules.rules.policy
        return try await transaction { c in
            guard let before = try await self.loadCase(id.description, forUpdate: true, c) else {
                throw CaseStoreError.caseNotFound(id)
            }
            var target: CaseRecord?
            if let into = LedgerRules.mergeTarget(of: action) { target = try await self.loadCase(into.description, c) }
            let (after, event) = try LedgerRules.transition(
                action, from: before, mergeTarget: target, actor: actor, onBehalfOf: onBehalfOf,
                expectedVersion: expectedVersion, at: now, policy: policy)
            try await self.updateCase(after, c)
            try await self.insertEvent(event, c)
            let written = try await self.enqueueNotifications(for: CaseChange(before: before, after: after, event: event), at: now, c)
            try await self.notifyPeers(outbox: written > 0, cases: true, c)
            return after
        }
    }
}
