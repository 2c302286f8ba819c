import Foundation

/// Named leadership among hub instances on one store: the jobs only one instance may run (the scheduler, each
/// mailbox poller, the call-record follower) run where `tryLeadership` returned true, and move to another
/// instance when the holder dies.
///
/// Contract:
/// - `tryLeadership(name)` never waits: true if this instance holds `name` now (also when it already did).
///   At most one instance holds a name at a time.
/// - When the holder's process dies (or its connection to the store ends), its names become free without any
///   call; `holds` then answers false in the surviving process that lost them.
/// - `release(name)` frees a held name at once.
public protocol Leadership: Sendable {
    func tryLeadership(_ name: String) async throws -> Bool
    /// Whether this instance still holds `name`, asked of the store (false once the connection is gone).
    func holds(_ name: String) async -> Bool
    func release(_ name: String) async throws
}

/// The leadership of a store only one process uses (SQLite): this process holds every name.
public struct SoleInstance: Leadership {
    public init() {}
    public func tryLeadership(_ name: String) async throws -> Bool { true }
    public func holds(_ name: String) async -> Bool { true }
    public func release(_ name: String) async throws {}
}
