import GRDB

// The ledger's fixed statements through each connection's statement cache: SQLite parses and plans a statement
// once per connection instead of on every call. A group commit of 64 new cases runs a few thousand statements
// (case, audit, outbox, fingerprint and 32 similarity bands each); parsing them again each time showed up as
// `sqlite3Parser` and GRDB's authorizer callback in the profile (BENCHMARKS.md, issue #15).
//
// Only for SQL whose text is one of a fixed set: the cache keeps every distinct text for the connection's life,
// so SQL built with a variable number of placeholders goes through the uncached `sql:` forms.

extension Database {
    func execute(cached sql: String, arguments: StatementArguments = StatementArguments()) throws {
        try cachedStatement(sql: sql).execute(arguments: arguments)
    }
}

extension DatabaseValueConvertible {
    static func fetchAll(_ db: Database, cached sql: String, arguments: StatementArguments = StatementArguments()) throws -> [Self] {
        try fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
    }

    static func fetchOne(_ db: Database, cached sql: String, arguments: StatementArguments = StatementArguments()) throws -> Self? {
        try fetchOne(db.cachedStatement(sql: sql), arguments: arguments)
    }
}

extension Row {
    static func fetchAll(_ db: Database, cached sql: String, arguments: StatementArguments = StatementArguments()) throws -> [Row] {
        try fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
    }

    static func fetchOne(_ db: Database, cached sql: String, arguments: StatementArguments = StatementArguments()) throws -> Row? {
        try fetchOne(db.cachedStatement(sql: sql), arguments: arguments)
    }
}
