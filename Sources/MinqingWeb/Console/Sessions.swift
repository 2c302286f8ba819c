import Foundation
import MinqingCore

/// Console sessions held in memory (a restart logs everyone out). Each carries its CSRF token.
public actor Sessions {
    public struct Session: Sendable {
        public var userID: String
        public var csrf: String
        public var expires: Date
    }

    private let clock: any WallClock
    private let lifetime: TimeInterval
    private var sessions: [String: Session] = [:]

    public init(clock: any WallClock, lifetime: TimeInterval = 8 * 3600) {
        self.clock = clock
        self.lifetime = lifetime
    }

    /// A new session for `userID`; returns its cookie value.
    public func open(userID: String) -> (id: String, session: Session) {
        let id = Self.randomToken()
        let session = Session(userID: userID, csrf: Self.randomToken(), expires: clock.now().addingTimeInterval(lifetime))
        sessions[id] = session
        return (id, session)
    }

    public func session(_ id: String) -> Session? {
        guard let s = sessions[id] else { return nil }
        guard s.expires > clock.now() else { sessions[id] = nil; return nil }
        return s
    }

    public func close(_ id: String) { sessions[id] = nil }

    static func randomToken() -> String {
        var rng = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &rng)) }.joined()
    }
}
