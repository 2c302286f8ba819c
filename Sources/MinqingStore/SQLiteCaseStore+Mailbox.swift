import Foundation
import GRDB
import MinqingCore

extension SQLiteCaseStore {
    public func mailboxCursor(_ mailbox: String) async throws -> MailboxCursor? {
        try await pool.read { db in
            guard let row = try Row.fetchOne(
                db, sql: "SELECT uid_validity, last_uid FROM mailbox_cursors WHERE mailbox = ?", arguments: [mailbox])
            else { return nil }
            let validity: Int64 = row["uid_validity"]
            let last: Int64 = row["last_uid"]
            return MailboxCursor(mailbox: mailbox, uidValidity: UInt32(validity), lastUID: UInt32(last))
        }
    }

    public func saveMailboxCursor(_ cursor: MailboxCursor, at now: Date) async throws {
        try await pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO mailbox_cursors (mailbox, uid_validity, last_uid, updated_at) VALUES (?,?,?,?)
                    ON CONFLICT (mailbox) DO UPDATE SET
                      last_uid = CASE WHEN uid_validity = excluded.uid_validity
                                      THEN max(last_uid, excluded.last_uid) ELSE excluded.last_uid END,
                      uid_validity = excluded.uid_validity,
                      updated_at = excluded.updated_at
                    """,
                arguments: [cursor.mailbox, Int64(cursor.uidValidity), Int64(cursor.lastUID), now.timeIntervalSince1970])
        }
    }
}
