import Crypto
import Foundation
import GRDB

/// A column value as a ledger table holds it, independent of the database.
public enum LedgerValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob(Data)
}

/// A store's tables read row by row, for moving a ledger to another store (`minqing store copy`).
///
/// Contract: `tables()` lists the ledger's own tables (no migration bookkeeping, no database internals);
/// `rows(of:columns:after:limit:)` pages through one table in a stable order, each page after the position the
/// previous one returned, until it returns no rows. Reads only: the store is not changed.
public protocol LedgerTableSource: Sendable {
    func tables() async throws -> [String]
    func columns(of table: String) async throws -> [String]
    func rowCount(of table: String) async throws -> Int
    func rows(of table: String, columns: [String], after position: Int64, limit: Int) async throws
        -> (rows: [[LedgerValue]], position: Int64)
}

extension SQLiteCaseStore: LedgerTableSource {
    public func tables() async throws -> [String] {
        try await pool.read { db in
            try String.fetchAll(db, sql: """
                SELECT name FROM sqlite_master
                WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'grdb_migrations'
                  AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' AND name NOT LIKE 'case\\_search\\_%' ESCAPE '\\'
                ORDER BY name
                """)
        }
    }

    public func columns(of table: String) async throws -> [String] {
        try await pool.read { db in try db.columns(in: table).map(\.name) }
    }

    public func rowCount(of table: String) async throws -> Int {
        try await pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table.quotedDatabaseIdentifier)") ?? 0 }
    }

    /// Pages in rowid order (`position`: the last rowid read; start with 0). A `WITHOUT ROWID` table pages in
    /// primary-key order (`position`: the rows read so far).
    public func rows(of table: String, columns: [String], after position: Int64, limit: Int) async throws
        -> (rows: [[LedgerValue]], position: Int64)
    {
        try await pool.read { db in
            let list = columns.map(\.quotedDatabaseIdentifier).joined(separator: ", ")
            let name = table.quotedDatabaseIdentifier
            let sql = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", arguments: [table]) ?? ""
            let withoutRowID = sql.uppercased().contains("WITHOUT ROWID")
            let fetched: [Row]
            if withoutRowID {
                let key = try db.primaryKey(table).columns.map(\.quotedDatabaseIdentifier).joined(separator: ", ")
                fetched = try Row.fetchAll(
                    db, sql: "SELECT \(position) AS minqing_rowid, \(list) FROM \(name) ORDER BY \(key) LIMIT ? OFFSET ?",
                    arguments: [limit, position])
            } else {
                fetched = try Row.fetchAll(
                    db, sql: "SELECT rowid AS minqing_rowid, \(list) FROM \(name) WHERE rowid > ? ORDER BY rowid LIMIT ?",
                    arguments: [position, limit])
            }
            var last = position
            let rows = fetched.map { row -> [LedgerValue] in
                last = withoutRowID ? last + 1 : row["minqing_rowid"]
                return columns.indices.map { i in
                    switch (row[i + 1] as DatabaseValue).storage {
                    case .int64(let n): .integer(n)
                    case .double(let d): .real(d)
                    case .string(let s): .text(s)
                    case .blob(let b): .blob(b)
                    case .null: .null
                    }
                }
            }
            return (rows, last)
        }
    }
}

/// An order-independent checksum of a table's rows: the XOR of each row's SHA-256 over a canonical encoding of its
/// values (type, length, content; reals by their bit pattern), with the row count. Two stores that hold the same
/// rows get the same checksum, whatever order each returns them in.
public struct LedgerChecksum: Sendable, Hashable, CustomStringConvertible {
    public private(set) var rows = 0
    private var digest = [UInt8](repeating: 0, count: 32)

    public init() {}

    public mutating func add(_ row: [LedgerValue]) {
        var bytes: [UInt8] = []
        for value in row {
            switch value {
            case .null: bytes.append(0)
            case .integer(let n): bytes.append(1); withUnsafeBytes(of: n.bigEndian) { bytes.append(contentsOf: $0) }
            case .real(let d): bytes.append(2); withUnsafeBytes(of: d.bitPattern.bigEndian) { bytes.append(contentsOf: $0) }
            case .text(let s): Self.append(3, Array(s.utf8), to: &bytes)
            case .blob(let b): Self.append(4, Array(b), to: &bytes)
            }
        }
        for (i, byte) in SHA256.hash(data: bytes).enumerated() { digest[i] ^= byte }
        rows += 1
    }

    private static func append(_ tag: UInt8, _ content: [UInt8], to bytes: inout [UInt8]) {
        bytes.append(tag)
        withUnsafeBytes(of: UInt64(content.count).bigEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: content)
    }

    /// The first 16 hex digits of the digest.
    public var description: String { digest.prefix(8).map { String(format: "%02x", $0) }.joined() }
}
