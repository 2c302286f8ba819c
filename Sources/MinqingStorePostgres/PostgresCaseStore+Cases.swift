import Foundation
import MinqingCore
import MinqingStore
import PostgresNIO

extension PostgresCaseStore {
    /// One transaction per batch. It takes the day's counter row (`case_sequences`) before it inserts anything, so
    /// intake batches of one day commit one after another across instances — they cannot deadlock on each other's
    /// new messages — and a case number is handed out only inside that lock. The batch's plain new messages are
    /// stored together (`ingestTogether`: a few multi-row statements); every other message — a follow-up, one with
    /// attachments, a malformed one, or all of them when storing together failed — runs in a savepoint of its own:
    /// a bad one rolls back alone, and one that another instance stored meanwhile (unique `(channel, source_ref)`)
    /// rolls back its number too and answers with the stored case.
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
            // Plain new messages first, together: a handful of statements for the whole batch instead of ten per
            // message (each a round trip, all while this batch holds the day's counter).
            let together = try await self.ingestTogether(messages, day: day, rules, at: now, c)
            var results: [Result<IntakeReceipt, any Error>] = []
            var outbox = together.outbox
            var changed = together.receipts.values.contains { $0.created }
            let rest = messages.indices.filter { together.receipts[$0] == nil }
            if !rest.isEmpty {
                // Already held when `ingestTogether` numbered cases; otherwise taken here, before any insert.
                try await self.exec("""
                    INSERT INTO case_sequences (day, last) VALUES (\(day), 0)
                    ON CONFLICT (day) DO UPDATE SET last = case_sequences.last
                    """, c)
            }
            for (index, message) in messages.enumerated() {
                if let receipt = together.receipts[index] {
                    results.append(.success(receipt))
                    continue
                }
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

    /// Stores the batch's plain new messages — well-formed, not follow-ups, without attachments, first of their
    /// `(channel, source_ref)` in the batch — in one savepoint with one multi-row statement per table: the stored
    /// receipts of those already in the ledger, the day's counter raised once for the rest, then their cases,
    /// messages, audit events, notifications and repeat-queue rows. Returns the receipts by batch index; every
    /// message it leaves out (or all of them, when any statement fails — e.g. another instance stored one of them
    /// meanwhile) goes through `ingestOne`, which answers each as before.
    private func ingestTogether(
        _ messages: [InboundMessage], day: String, _ rules: IntakeRules, at now: Date, _ c: PostgresConnection
    ) async throws -> (receipts: [Int: IntakeReceipt], outbox: Int) {
        var seen = Set<MessageKey>()
        let plain = messages.indices.filter { i in
            let m = messages[i]
            guard m.followUpOf == nil, m.attachments.isEmpty, (try? m.validate()) != nil else { return false }
            return seen.insert(MessageKey(channel: m.channel.rawValue, sourceRef: m.sourceRef)).inserted
        }
        var receipts: [Int: IntakeReceipt] = [:]
        var outbox = 0
        // Chunks keep every statement well under PostgreSQL's 65,535 parameters, whatever the batch size.
        for start in stride(from: 0, to: plain.count, by: Self.togetherChunk) {
            let chunk = Array(plain[start..<min(plain.count, start + Self.togetherChunk)])
            let stored = try await ingestTogetherChunk(chunk, of: messages, day: day, rules, at: now, c)
            receipts.merge(stored.receipts) { a, _ in a }
            outbox += stored.outbox
        }
        return (receipts, outbox)
    }

    /// Messages stored together in one savepoint (20 parameters each in the cases statement).
    static let togetherChunk = 128
    /// Outbox rows per statement (10 parameters each).
    static let outboxRowsPerStatement = 4_000

    /// One chunk of `ingestTogether`: the messages at `plain` (indices into `messages`), in one savepoint.
    private func ingestTogetherChunk(
        _ plain: [Int], of messages: [InboundMessage], day: String, _ rules: IntakeRules, at now: Date, _ c: PostgresConnection
    ) async throws -> (receipts: [Int: IntakeReceipt], outbox: Int) {
        try await exec("SAVEPOINT together", c)
        do {
            var receipts = try await storedReceipts(of: plain.map { messages[$0] }, c)
                .reduce(into: [Int: IntakeReceipt]()) { out, stored in out[plain[stored.offset]] = stored.receipt }
            let fresh = plain.filter { receipts[$0] == nil }
            var outbox = 0
            if !fresh.isEmpty {
                let last = try await rows("""
                    INSERT INTO case_sequences (day, last) VALUES (\(day), \(fresh.count))
                    ON CONFLICT (day) DO UPDATE SET last = case_sequences.last + \(fresh.count) RETURNING last
                    """, c).first!.value("last", as: Int.self)
                var cases: [NewCase] = []
                for (offset, index) in fresh.enumerated() {
                    let message = messages[index]
                    let id = CaseID(prefix: settings.caseIDPrefix, day: day, sequence: last - fresh.count + 1 + offset)
                    let (record, event) = rules.factory.makeCase(from: message, id: id, registeredAt: now, attachments: [])
                    let change = CaseChange(before: nil, after: record, event: event)
                    cases.append(NewCase(
                        message: message, record: record, event: event, document: try document(record),
                        drafts: settings.planner.plan(for: change),
                        signature: rules.warnings == nil ? nil : MinHashSignature(
                            text: CaseFingerprint.signatureText(subject: message.subject, body: message.body))))
                    receipts[index] = IntakeReceipt(caseID: id, status: record.status, created: true)
                }
                try await insertNewCases(cases, at: now, c)
                outbox = cases.reduce(0) { $0 + $1.drafts.count }
            }
            try await exec("RELEASE SAVEPOINT together", c)
            return (receipts, outbox)
        } catch {
            try await exec("ROLLBACK TO SAVEPOINT together", c)
            logger.debug("intake batch stored message by message", metadata: ["error": "\(String(reflecting: error))"])
            return ([:], 0)
        }
    }

    private struct MessageKey: Hashable {
        let channel: String
        let sourceRef: String
    }

    /// A new case of `ingestTogether`, with everything its rows need.
    private struct NewCase {
        let message: InboundMessage
        let record: CaseRecord
        let event: AuditEvent
        let document: String
        let drafts: [OutboxDraft]
        let signature: MinHashSignature?
    }

    /// The receipts of those `messages` already stored (by their `(channel, source_ref)`), with their offsets.
    private func storedReceipts(
        of messages: [InboundMessage], _ c: PostgresConnection
    ) async throws -> [(offset: Int, receipt: IntakeReceipt)] {
        // Joined with the keys as a table, so each key is one probe of the unique index (a row-value `IN` list
        // of 64 pairs was planned as a scan: 20 ms per batch).
        let found = try await rows("""
            SELECT m.channel AS m_channel, m.source_ref AS m_source_ref, c.id, c.status,
              (c.channel <> m.channel OR c.source_ref <> m.source_ref) AS follow_up
            FROM unnest(\(messages.map(\.channel.rawValue))::text[], \(messages.map(\.sourceRef))::text[]) AS k(channel, source_ref)
            JOIN inbound_messages m ON m.channel = k.channel AND m.source_ref = k.source_ref
            JOIN cases c ON c.id = m.case_id
            """, c)
        guard !found.isEmpty else { return [] }
        var offsets: [MessageKey: Int] = [:]
        for (offset, m) in messages.enumerated() { offsets[MessageKey(channel: m.channel.rawValue, sourceRef: m.sourceRef)] = offset }
        return try found.compactMap { row in
            let key = MessageKey(channel: try row.value("m_channel"), sourceRef: try row.value("m_source_ref"))
            guard let offset = offsets[key], let id = CaseID(try row.value("id", as: String.self)),
                  let status = CaseStatus(rawValue: try row.value("status", as: String.self))
            else { return nil }
            return (offset, IntakeReceipt(caseID: id, status: status, created: false, followUp: try row.value("follow_up", as: Bool.self)))
        }
    }

    /// The rows of `cases` — the same rows `insertCase`, `insertInboundMessage`, `insertEvent`,
    /// `enqueueNotifications` and `queueRepeatDetection` write for one — one multi-row statement per table.
    private func insertNewCases(_ cases: [NewCase], at now: Date, _ c: PostgresConnection) async throws {
        var q = DynamicQuery()
        let caseRows = cases.map { n in
            let r = n.record
            let values: [String] = [
                q.bind(r.id.description), q.bind(r.id.day), q.bind(r.id.sequence), q.bind(r.channel.rawValue),
                q.bind(r.sourceRef), q.bind(r.status.rawValue), q.bind(r.village), q.bind(r.category), q.bind(r.leader),
                q.bind(r.staff), q.bind(r.complainant.phone.map(PhoneNumber.normalised)), q.bind(r.subject), q.bind(r.body),
                q.bind(r.deadline?.timeIntervalSince1970), q.bind(r.receivedAt.timeIntervalSince1970),
                q.bind(r.registeredAt.timeIntervalSince1970), q.bind(r.updatedAt.timeIntervalSince1970), q.bind(r.version),
                q.bind(n.document), "array_to_tsvector(\(q.bind(CaseTextSearch.tokens(of: r)))::text[])",
            ]
            return "(" + values.joined(separator: ", ") + ")"
        }
        try await exec(q.query("""
            INSERT INTO cases (id, day, seq, channel, source_ref, status, village, category, leader, staff,
              complainant_phone, subject, body, deadline, received_at, registered_at, updated_at, version, doc, search)
            VALUES \(caseRows.joined(separator: ", "))
            """), c)

        q = DynamicQuery()
        let at = now.timeIntervalSince1970
        let messageRows = cases.map { n in
            let m = n.message
            return "(\(q.bind(m.channel.rawValue)), \(q.bind(m.sourceRef)), \(q.bind(n.record.id.description)), \(q.bind(at)), "
                + "\(q.bind(m.rawContentType)), \(q.bind(m.raw)))"
        }
        try await exec(q.query("""
            INSERT INTO inbound_messages (channel, source_ref, case_id, registered_at, content_type, raw)
            VALUES \(messageRows.joined(separator: ", "))
            """), c)

        q = DynamicQuery()
        let eventRows = try cases.map { n in
            let e = n.event
            let details = String(decoding: try encoder.encode(e.details), as: UTF8.self)
            return "(\(q.bind(e.caseID.description)), \(q.bind(e.at.timeIntervalSince1970)), \(q.bind(e.actor)), "
                + "\(q.bind(e.action)), \(q.bind(e.from?.rawValue)), \(q.bind(e.to.rawValue)), \(q.bind(e.reason)), \(q.bind(details)))"
        }
        try await exec(q.query("""
            INSERT INTO audit_events (case_id, at, actor, action, from_status, to_status, reason, details)
            VALUES \(eventRows.joined(separator: ", "))
            """), c)

        q = DynamicQuery()
        var outboxRows: [String] = []
        func flushOutbox() async throws {
            guard !outboxRows.isEmpty else { return }
            try await exec(q.query("""
                INSERT INTO outbox (id, case_id, target, event, recipients, snapshot, state, next_attempt_at, created_at, updated_at)
                VALUES \(outboxRows.joined(separator: ", "))
                """), c)
            q = DynamicQuery()
            outboxRows = []
        }
        for n in cases {
            for d in n.drafts {
                let recipients = String(decoding: try encoder.encode(d.recipients), as: UTF8.self)
                outboxRows.append(
                    "(\(q.bind(UUID().uuidString.lowercased())), \(q.bind(n.record.id.description)), \(q.bind(d.target)), "
                        + "\(q.bind(d.event)), \(q.bind(recipients)), \(q.bind(n.document)), 'pending', \(q.bind(at)), \(q.bind(at)), \(q.bind(at)))")
                if outboxRows.count >= Self.outboxRowsPerStatement { try await flushOutbox() }
            }
        }
        try await flushOutbox()

        q = DynamicQuery()
        let pendingRows = cases.compactMap { n in
            n.signature.map { "(\(q.bind(n.record.id.description)), \(q.bind(Data($0.bytes))))" }
        }
        if !pendingRows.isEmpty {
            try await exec(q.query("INSERT INTO repeat_pending (case_id, signature) VALUES \(pendingRows.joined(separator: ", "))"), c)
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
            caseID: try CaseStoreError.storedCaseID(try row.value("id", as: String.self), at: "cases.id"),
            status: try CaseStoreError.stored(try row.value("status", as: String.self), as: CaseStatus.self, at: "cases.status"),
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
                channel: channel, sourceRef: sourceRef, caseID: try CaseStoreError.storedCaseID(try row.value("case_id", as: String.self), at: "inbound_messages.case_id"),
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

    /// Two fields of the document instead of the whole case, read by the server: the dispatcher asks this before
    /// every send (as on SQLite, where decoding whole cases there was 4 % of the hub's samples under load).
    public func sendingFacts(of id: CaseID) async throws -> CaseSendingFacts? {
        try await read { c in
            guard let row = try await self.rows("""
                SELECT (d -> 'concerns')::text AS concerns, COALESCE(d -> 'citizen_opt_out' = 'true'::jsonb, false) AS opt_out
                FROM (SELECT doc::jsonb AS d FROM cases WHERE id = \(id.description)) x
                """, c).first
            else { return nil }
            // A document that does not decode throws, as reading the whole case would: the caller then keeps the
            // row's own copy rather than trusting an empty list.
            let concerns = try row.value("concerns", as: String?.self) ?? "[]"
            return CaseSendingFacts(
                concerns: concerns == "[]" ? [] : try self.decoder.decode([String].self, from: Data(concerns.utf8)),
                citizenOptOut: try row.value("opt_out", as: Bool.self))
        }
    }

    public func auditTrail(of id: CaseID) async throws -> [AuditEvent] {
        try await read { c in
            try await self.rows("SELECT * FROM audit_events WHERE case_id = \(id.description) ORDER BY seq", c).map { row in
                AuditEvent(
                    seq: try row.value("seq", as: Int64.self), caseID: id, at: try row.date("at"),
                    actor: try row.value("actor"), action: try row.value("action"),
                    from: try row.value("from_status", as: String?.self).flatMap(CaseStatus.init(rawValue:)),
                    to: try CaseStoreError.stored(try row.value("to_status", as: String.self), as: CaseStatus.self, at: "audit_events.to_status"),
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
