import Foundation
import GRDB

/// What one checkpoint of the write-ahead log did.
public struct WALCheckpoint: Sendable, Hashable {
    /// The `-wal` file's size before and after, in bytes.
    public var bytesBefore: Int
    public var bytesAfter: Int
    /// Whether every frame reached the database file (false when a reader still needed old frames and the
    /// busy timeout ran out first; the next checkpoint tries again).
    public var complete: Bool
}

extension SQLiteCaseStore {
    /// The WAL size past which `checkpointWAL` truncates the log, and the size SQLite trims the log back to
    /// whenever it restarts it (`PRAGMA journal_size_limit`).
    public static let walLimitBytes = 64 << 20

    /// The `-wal` file's size in bytes (0 when there is none).
    public var walSize: Int {
        ((try? FileManager.default.attributesOfItem(atPath: path + "-wal"))?[.size] as? NSNumber)?.intValue ?? 0
    }

    /// Copies every frame of the write-ahead log into the database file and truncates the log, when the log is
    /// larger than `limit` bytes; nil when it is not.
    ///
    /// SQLite's automatic checkpoint after each commit is PASSIVE: it never waits, so under steady reads and writes
    /// it never reaches the log's end and the log is never restarted — it grew to 3.5 GB beside a 2.9 GB ledger
    /// in ten minutes of load (issue #15). A TRUNCATE checkpoint waits (up to the busy timeout) until no reader
    /// needs the old frames; new readers go on meanwhile, intake waits for it. It runs through the writer, so it
    /// never overlaps a commit. See https://www.sqlite.org/wal.html#ckpt and
    /// https://www.sqlite.org/pragma.html#pragma_wal_checkpoint.
    public func checkpointWAL(ifLargerThan limit: Int = walLimitBytes) async throws -> WALCheckpoint? {
        let before = walSize
        guard before > limit else { return nil }
        let complete = try await pool.writeWithoutTransaction { db in
            // One row: busy (1 when a reader or writer kept it from finishing), log frames, frames checkpointed.
            let row = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)")
            return (row?[0] as Int?) == 0
        }
        return WALCheckpoint(bytesBefore: before, bytesAfter: walSize, complete: complete)
    }
}
