import Foundation
import MinqingCore

/// The store a whole hub runs on: every part the composition root hands out (`CaseStore`, the hotline's ledger,
/// sessions, feed secrets, counted attempts, hub keys, the repeat-detection queue). `SQLiteCaseStore` (one machine) and `PostgresCaseStore`
/// (several instances on one database) implement it; the hub takes either, chosen by `storage` in minqing.yaml.
///
/// Contract, besides each part's own: `close()` ends the store's connections; no call may follow it.
public protocol HubStore: CaseStore, HotlineLedger, AccessStore, RelatedCaseStore {
    /// What `/readyz` and the start-up log say the ledger is, e.g. "SQLite data/minqing.sqlite" or
    /// "PostgreSQL minqing@db:5432/minqing" — never a password.
    var storeDescription: String { get }
    func close() async
}

extension SQLiteCaseStore: HubStore {
    public var storeDescription: String { "SQLite \(path)" }
    /// The pool closes when the store is released; nothing to end early.
    public func close() async {}
}
