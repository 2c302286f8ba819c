import Foundation
import MinqingStore
import NIOCore
import PostgresNIO

/// What `copyLedger` copied and verified, table by table.
public struct LedgerCopyReport: Sendable {
    public struct Table: Sendable, Hashable {
        public var name: String
        public var rows: Int
        /// The same on both sides (`LedgerChecksum`), or the copy would have failed.
        public var checksum: String
    }

    public var tables: [Table]
    /// Source tables the PostgreSQL schema has no table for (nothing of the ledger: internal tables).
    public var skipped: [String]
}

/// Why a copy was refused or failed, said so an operator knows what to do.
public struct LedgerCopyError: Error, Sendable, CustomStringConvertible {
    public var description: String
}

extension PostgresCaseStore {
    /// Copies every table of `source` (a SQLite ledger) into this database, which must be empty: cases, audit,
    /// messages, attachments, the outbox with its states and attempts, scheduled job keys, cursors, call records,
    /// sessions, accounts, related cases and warnings — whatever tables both schemas have, column by column.
    ///
    /// Everything is written in ONE transaction, so a failure leaves the database as empty as it was. Serial ids
    /// continue after the copied ones. Afterwards each table is read back from both sides and its row count and
    /// `LedgerChecksum` compared; any difference throws. `progress(done, total)` is called as rows are written.
    public func copyLedger(
        from source: any LedgerTableSource, batch: Int = 500, progress: @Sendable (Int, Int) -> Void = { _, _ in }
    ) async throws -> LedgerCopyReport {
        let target = try await targetSchema()
        let nonEmpty = try await read { c in
            var found: [String] = []
            for table in target.keys.sorted() {
                let rows = try await self.rows(PostgresQuery(unsafeSQL: "SELECT EXISTS (SELECT 1 FROM \(Self.quoted(table))) AS any"), c)
                if try rows.first?["any"].decode(Bool.self) == true { found.append(table) }
            }
            return found
        }
        guard nonEmpty.isEmpty else {
            throw LedgerCopyError(description: """
                目标 PostgreSQL 数据库不是空的（表 \(nonEmpty.joined(separator: "、")) 已有数据），为免覆盖，未复制任何内容。\
                请指定一个新建的空数据库（createdb 新库名），或确认无用后清空该库再试。
                """)
        }
        let sourceTables = try await source.tables()
        // Referenced tables first (cases before audit_events …): the foreign keys hold at every insert.
        let tables = try await referenceOrder(sourceTables.filter { target[$0] != nil })
        var plans: [(table: String, columns: [Column])] = []
        var total = 0
        for table in tables {
            let sourceColumns = Set(try await source.columns(of: table))
            let columns = target[table]!.filter { sourceColumns.contains($0.name) }
            if let missing = target[table]!.first(where: { $0.required && !sourceColumns.contains($0.name) }) {
                throw LedgerCopyError(description: "表 \(table) 的必填列 \(missing.name) 在 SQLite 台账中没有：两边的版本不一致，请先用同一版本的 minqing 打开两边（会自动升级）再复制。")
            }
            plans.append((table, columns))
            total += try await source.rowCount(of: table)
        }

        var done = 0
        try await transaction { c in
            done = 0
            for (table, columns) in plans {
                var position: Int64 = 0
                // Rows with files (attachments) go a few at a time, so one statement stays small.
                let limit = columns.contains { $0.type == "bytea" } ? min(batch, 8) : batch
                while true {
                    let page = try await source.rows(of: table, columns: columns.map(\.name), after: position, limit: limit)
                    if page.rows.isEmpty { break }
                    position = page.position
                    do {
                        try await self.insert(page.rows, into: table, columns: columns, c)
                    } catch let error as PSQLError {
                        throw LedgerCopyError(description: "PostgreSQL 拒绝写入表 \(table)：\(Self.reason(error))。目标库保持为空，请按提示处理后重试。")
                    }
                    done += page.rows.count
                    progress(done, total)
                }
            }
            // The text index is not a table of the SQLite ledger: built here from the copied cases.
            try await PostgresMigrations.fillSearchIndex(c, logger: self.logger)
            for (table, columns) in plans {
                for column in columns where column.serial {
                    let name = Self.quoted(table), col = Self.quoted(column.name)
                    try await self.exec(PostgresQuery(unsafeSQL: """
                        SELECT setval(pg_get_serial_sequence('\(name)', '\(column.name)'), COALESCE(MAX(\(col)), 0) + 1, false) FROM \(name)
                        """), c)
                }
            }
        }

        var report = LedgerCopyReport(tables: [], skipped: sourceTables.filter { target[$0] == nil })
        for (table, columns) in plans {
            var expected = LedgerChecksum()
            var position: Int64 = 0
            while true {
                let page = try await source.rows(of: table, columns: columns.map(\.name), after: position, limit: batch)
                if page.rows.isEmpty { break }
                position = page.position
                for row in page.rows { expected.add(try zip(row, columns).map { try Self.convert($0, to: $1, table: table) }) }
            }
            let actual = try await checksum(of: table, columns: columns)
            guard actual == expected else {
                throw LedgerCopyError(description: "复制后核对不一致：表 \(table) 应有 \(expected.rows) 行（校验 \(expected)），PostgreSQL 中为 \(actual.rows) 行（校验 \(actual)）。请勿使用该库，删除后重新复制。")
            }
            report.tables.append(.init(name: table, rows: actual.rows, checksum: actual.description))
        }
        return report
    }

    /// A column of the PostgreSQL schema.
    struct Column: Sendable {
        var name: String
        var type: String
        /// NOT NULL without a default: the source must have it.
        var required: Bool
        /// Filled by a sequence (`bigserial`): the sequence continues after the copied values.
        var serial: Bool
    }

    /// `tables` ordered so that each comes after the tables its foreign keys reference (name order otherwise).
    func referenceOrder(_ tables: [String]) async throws -> [String] {
        let edges = try await read { c in
            try await self.rows("""
                SELECT DISTINCT tc.table_name AS child, ccu.table_name AS parent
                FROM information_schema.table_constraints tc
                JOIN information_schema.constraint_column_usage ccu
                  ON tc.constraint_name = ccu.constraint_name AND tc.constraint_schema = ccu.constraint_schema
                WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = current_schema()
                """, c).map { (try $0["child"].decode(String.self), try $0["parent"].decode(String.self)) }
        }
        var parents: [String: Set<String>] = [:]
        for (child, parent) in edges where child != parent { parents[child, default: []].insert(parent) }
        var ordered: [String] = [], placed = Set<String>()
        var remaining = tables.sorted()
        while !remaining.isEmpty {
            let ready = remaining.filter { (parents[$0] ?? []).subtracting(placed).intersection(Set(tables)).isEmpty }
            // A cycle (none in the schema today) would stall: place the rest in name order and let the server say.
            let next = ready.isEmpty ? remaining : ready
            ordered += next
            placed.formUnion(next)
            remaining.removeAll { placed.contains($0) }
        }
        return ordered
    }

    /// The ledger's tables and columns in this database (not the migration bookkeeping).
    func targetSchema() async throws -> [String: [Column]] {
        try await read { c in
            var schema: [String: [Column]] = [:]
            for row in try await self.rows("""
                SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns
                WHERE table_schema = current_schema() AND table_name <> 'minqing_migrations' ORDER BY table_name, ordinal_position
                """, c) {
                let table = try row["table_name"].decode(String.self)
                let fallback = try row["column_default"].decode(String?.self)
                schema[table, default: []].append(Column(
                    name: try row["column_name"].decode(String.self), type: try row["data_type"].decode(String.self),
                    required: try row["is_nullable"].decode(String.self) == "NO" && fallback == nil,
                    serial: fallback?.hasPrefix("nextval(") == true))
            }
            return schema
        }
    }

    private func insert(_ rows: [[LedgerValue]], into table: String, columns: [Column], _ c: PostgresConnection) async throws {
        var bindings = PostgresBindings(capacity: rows.count * columns.count)
        var tuples: [String] = []
        for row in rows {
            var places: [String] = []
            for (value, column) in zip(row, columns) {
                switch try Self.convert(value, to: column, table: table) {
                case .null: bindings.appendNull()
                case .integer(let n) where column.type == "boolean": bindings.append(n != 0)
                case .integer(let n): bindings.append(n)
                case .real(let d): bindings.append(d)
                case .text(let s): bindings.append(s)
                case .blob(let b): bindings.append(ByteBuffer(bytes: b))
                }
                places.append("$\(bindings.count)")
            }
            tuples.append("(" + places.joined(separator: ", ") + ")")
        }
        let list = columns.map { Self.quoted($0.name) }.joined(separator: ", ")
        try await exec(PostgresQuery(
            unsafeSQL: "INSERT INTO \(Self.quoted(table)) (\(list)) VALUES \(tuples.joined(separator: ", "))", binds: bindings), c)
    }

    private func checksum(of table: String, columns: [Column]) async throws -> LedgerChecksum {
        try await read { c in
            var sum = LedgerChecksum()
            let list = columns.map { Self.quoted($0.name) }.joined(separator: ", ")
            let rows = try await c.query(PostgresQuery(unsafeSQL: "SELECT \(list) FROM \(Self.quoted(table))"), logger: self.logger)
            for try await row in rows {
                let cells = row.makeRandomAccess()
                sum.add(try columns.indices.map { i in try Self.value(cells[i], as: columns[i]) })
            }
            return sum
        }
    }

    /// A cell read back as the `LedgerValue` its column type holds.
    private static func value(_ cell: PostgresCell, as column: Column) throws -> LedgerValue {
        switch column.type {
        case "bigint", "integer", "smallint": try cell.decode(Int64?.self).map { .integer($0) } ?? .null
        case "boolean": try cell.decode(Bool?.self).map { .integer($0 ? 1 : 0) } ?? .null
        case "double precision", "real", "numeric": try cell.decode(Double?.self).map { .real($0) } ?? .null
        case "bytea": try cell.decode(ByteBuffer?.self).map { .blob(Data($0.readableBytesView)) } ?? .null
        default: try cell.decode(String?.self).map { .text($0) } ?? .null
        }
    }

    /// A SQLite value as the PostgreSQL column's type holds it; throws (naming table and column) when it cannot be
    /// held without loss.
    static func convert(_ value: LedgerValue, to column: Column, table: String) throws -> LedgerValue {
        func refuse() -> LedgerCopyError {
            LedgerCopyError(description: "表 \(table) 列 \(column.name)（\(column.type)）中有无法原样复制的值 \(value)：SQLite 台账可能被其他程序改过，请检查该列后再复制。")
        }
        switch (column.type, value) {
        case (_, .null): return .null
        case ("bigint", .integer), ("integer", .integer), ("smallint", .integer), ("boolean", .integer): return value
        case ("bigint", .real(let d)), ("integer", .real(let d)), ("smallint", .real(let d)):
            guard d.isFinite, d == d.rounded(), abs(d) < 9e18 else { throw refuse() }
            return .integer(Int64(d))
        case ("double precision", .real), ("real", .real), ("numeric", .real): return value
        case ("double precision", .integer(let n)), ("real", .integer(let n)), ("numeric", .integer(let n)): return .real(Double(n))
        case ("bytea", .blob): return value
        case ("bytea", .text(let s)): return .blob(Data(s.utf8))
        case ("text", .text), ("character varying", .text): return value
        default: throw refuse()
        }
    }

    /// The server's own message and SQLSTATE (postgres-nio's description hides them).
    static func reason(_ error: PSQLError) -> String {
        let message = error.serverInfo?[.message] ?? "\(error.code)"
        let detail = error.serverInfo?[.detail].map { "；\($0)" } ?? ""
        return "\(message)\(detail)（SQLSTATE \(error.serverInfo?[.sqlState] ?? "?")）"
    }

    static func quoted(_ identifier: String) -> String { "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
}
