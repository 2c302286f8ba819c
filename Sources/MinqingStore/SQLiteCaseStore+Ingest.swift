import Foundation
import GRDB
import MinqingCore

extension SQLiteCaseStore {
    public func ingest(_ messages: [InboundMessage], at now: Date) async throws -> [Result<IntakeReceipt, any Error>] {
        guard !messages.isEmpty else { return [] }
        defer {
            settings.outboxSignal.notify()
            settings.caseSignal.notify()
            settings.repeatSignal.notify()
        }
        // One read of the rules for the whole batch: a reload decides the next batch, never half of one.
        let rules = intakeRules.rules
        // Similarity signatures need only the text: computed before the serialized write. Comparing them with the
        // ledger's cases is left to `detectPendingRepeats`, after the commit.
        let signatures = signatures(for: messages, rules.warnings)
        return try await pool.write { db in
            let results = zip(messages, signatures).map { message, signature in
                Result { () throws -> IntakeReceipt in
                    var receipt: IntakeReceipt?
                    try db.inSavepoint {
                        receipt = try self.ingestOne(message, signature: signature, rules, at: now, db)
                        return .commit
                    }
                    return receipt!
                }
            }
            // Outside the messages' savepoints: FTS5 writes its pending tokens at each savepoint, so one write per batch.
            try self.indexCases(results.compactMap { try? $0.get() }.filter(\.opensCase).map(\.caseID), db)
            return results
        }
    }

    private func ingestOne(
        _ message: InboundMessage, signature: MinHashSignature?, _ rules: IntakeRules, at now: Date, _ db: Database
    ) throws -> IntakeReceipt {
        try message.validate()
        if let row = try Row.fetchOne(
            db,
            cached: """
                SELECT c.id, c.status, (c.channel <> m.channel OR c.source_ref <> m.source_ref) AS follow_up
                FROM inbound_messages m JOIN cases c ON c.id = m.case_id
                WHERE m.channel = ? AND m.source_ref = ?
                """,
            arguments: [message.channel.rawValue, message.sourceRef])
        {
            let id: String = row["id"]
            let status: String = row["status"]
            return IntakeReceipt(
                caseID: try CaseStoreError.storedCaseID(id, at: "cases.id"),
                status: try CaseStoreError.stored(status, as: CaseStatus.self, at: "cases.status"), created: false,
                followUp: row["follow_up"])
        }
        if let target = message.followUpOf, let existing = try loadCase(target.description, db) {
            return try attachFollowUp(message, to: existing, rules.factory, at: now, db)
        }
        let day = CaseID.day(of: now, in: settings.timeZone)
        let sequence = try Int.fetchOne(
            db,
            cached: """
                INSERT INTO case_sequences (day, last) VALUES (?, 1)
                ON CONFLICT (day) DO UPDATE SET last = last + 1 RETURNING last
                """,
            arguments: [day])!
        let id = CaseID(prefix: settings.caseIDPrefix, day: day, sequence: sequence)

        let refs = try storeAttachments(of: message, db)
        let (record, event) = rules.factory.makeCase(from: message, id: id, registeredAt: now, attachments: refs)
        let document = try insertCase(record, db)
        try insertInboundMessage(message, caseID: id, at: now, db)
        try insertEvent(event, db)
        try enqueueNotifications(for: CaseChange(before: nil, after: record, event: event), document: document, at: now, db)
        if let signature { try queueRepeatDetection(of: id, signature: signature, db) }
        return IntakeReceipt(caseID: id, status: record.status, created: true)
    }

    /// Adds a citizen's further message to an open or closed case: stored verbatim, its attachments added to the
    /// case, one `message` audit event; the status is left for staff to decide.
    private func attachFollowUp(
        _ message: InboundMessage, to existing: CaseRecord, _ factory: CaseFactory, at now: Date, _ db: Database
    ) throws -> IntakeReceipt {
        let refs = try storeAttachments(of: message, db)
        let event = factory.followUpEvent(for: message, on: existing, at: now, attachments: refs)
        let after = LedgerRules.followUp(existing, adding: refs, at: now)
        let document = try updateCase(after, db)
        try insertInboundMessage(message, caseID: existing.id, at: now, db)
        try insertEvent(event, db)
        try enqueueNotifications(for: CaseChange(before: existing, after: after, event: event), document: document, at: now, db)
        return IntakeReceipt(caseID: existing.id, status: after.status, created: true, followUp: true)
    }

    private func storeAttachments(of message: InboundMessage, _ db: Database) throws -> [AttachmentRef] {
        try message.attachments.map { a in
            let hash = ContentHash.sha256(a.data)
            try db.execute(
                cached: "INSERT OR IGNORE INTO attachments (sha256, size, data) VALUES (?,?,?)",
                arguments: [hash, a.data.count, a.data])
            return AttachmentRef(sha256: hash, filename: a.filename, contentType: a.contentType, size: a.data.count)
        }
    }

    private func insertInboundMessage(_ message: InboundMessage, caseID: CaseID, at now: Date, _ db: Database) throws {
        try db.execute(
            cached: """
                INSERT INTO inbound_messages (channel, source_ref, case_id, registered_at, content_type, raw)
                VALUES (?,?,?,?,?,?)
                """,
            arguments: [
                message.channel.rawValue, message.sourceRef, caseID.description, now.timeIntervalSince1970,
                message.rawContentType, message.raw,
            ])
    }

    public func inboundMessage(channel: Channel, sourceRef: String) async throws -> StoredMessage? {
        try await pool.read { db in
            guard let row = try Row.fetchOne(
                db,
                cached: "SELECT * FROM inbound_messages WHERE channel = ? AND source_ref = ?",
                arguments: [channel.rawValue, sourceRef])
            else { return nil }
            return StoredMessage(
                channel: channel, sourceRef: sourceRef, caseID: try CaseStoreError.storedCaseID(row["case_id"], at: "inbound_messages.case_id"),
                registeredAt: Date(timeIntervalSince1970: row["registered_at"]),
                contentType: row["content_type"], raw: row["raw"])
        }
    }

    public func attachmentData(sha256: String) async throws -> Data? {
        try await pool.read { db in
            try Data.fetchOne(db, cached: "SELECT data FROM attachments WHERE sha256 = ?", arguments: [sha256.lowercased()])
        }
    }
}
