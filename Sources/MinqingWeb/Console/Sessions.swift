import Foundation
import Logging
import MinqingCore
import MinqingHTTP
import MinqingStore

/// Console sessions, kept in the store (`SessionStorage`) so a restart logs nobody out and several hub instances
/// on one store share them. Each carries its CSRF token. The cookie value is a random 256-bit id; the store holds
/// only its hash. Expired sessions are refused and pruned.
///
/// Storage failures do not escape `open`, `session` and `close`: a session that cannot be read is no session
/// (the user logs in again), and every failure is logged.
public actor Sessions {
    public struct Session: Sendable {
        public var userID: String
        public var csrf: String
        public var expires: Date
    }

    private let clock: any WallClock
    private let lifetime: TimeInterval
    private let storage: any SessionStorage
    private let logger: Logger
    private var nextPrune: Date = .distantPast

    public init(clock: any WallClock, storage: any SessionStorage, lifetime: TimeInterval = 8 * 3600,
                logger: Logger = Logger(label: "minqing.console.sessions")) {
        self.clock = clock
        self.storage = storage
        self.lifetime = lifetime
        self.logger = logger
    }

    /// A new session for `userID`; returns its cookie value.
    public func open(userID: String) async -> (id: String, session: Session) {
        let now = clock.now()
        let id = Self.randomToken()
        let session = Session(userID: userID, csrf: Self.randomToken(), expires: now.addingTimeInterval(lifetime))
        do {
            if now >= nextPrune {
                nextPrune = now.addingTimeInterval(600)
                try await storage.deleteSessions(expiredBefore: now)
            }
            try await storage.insertSession(StoredSession(idHash: StoredSession.hash(id: id), userID: userID,
                                                          csrf: session.csrf, expires: session.expires))
        } catch {
            logger.error("console session not stored; the user will be asked to log in again",
                         metadata: ["user": "\(userID)", "error": "\(error)"])
        }
        return (id, session)
    }

    /// The live session with cookie value `id`, or nil (unknown, expired, or unreadable).
    public func session(_ id: String) async -> Session? {
        guard !id.isEmpty, id.utf8.count <= 128 else { return nil }
        do {
            return try await storage.session(idHash: StoredSession.hash(id: id), at: clock.now()).map {
                Session(userID: $0.userID, csrf: $0.csrf, expires: $0.expires)
            }
        } catch {
            logger.error("console session could not be read", metadata: ["error": "\(error)"])
            return nil
        }
    }

    public func close(_ id: String) async {
        do { try await storage.deleteSession(idHash: StoredSession.hash(id: id)) } catch {
            logger.error("console session could not be closed", metadata: ["error": "\(error)"])
        }
    }

    /// Ends every session of `userID` (an account disabled or its password reset); returns how many ended.
    @discardableResult
    public func closeAll(userID: String) async throws -> Int {
        try await storage.deleteSessions(userID: userID)
    }

    static func randomToken() -> String {
        var rng = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &rng)) }.joined()
    }
}
