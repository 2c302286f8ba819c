import Foundation
import Hummingbird
import MinqingCore
import MinqingHTTP
import MinqingStore

/// Who is asking: the console user behind the session cookie, and the CSRF check every state-changing form passes.
struct ConsoleAuth: Sendable {
    let users: StaffUsers
    let sessions: Sessions
    let secureCookies: Bool

    static let cookie = "mq_session"
    static let loginCookie = "mq_login"

    struct Current: Sendable {
        var user: StaffUser
        var session: Sessions.Session
        var sessionID: String
    }

    /// The signed-in user, read from the store now (a disabled account has no user). A user who must change their
    /// password is signed in only for the change-password page (`forPasswordChange`).
    func current(_ request: Request, forPasswordChange: Bool = false) async -> Current? {
        guard let id = Self.cookie(Self.cookie, in: request), let session = await sessions.session(id),
              let user = await users.user(id: session.userID) else { return nil }
        guard forPasswordChange || !user.mustChangePassword else { return nil }
        return Current(user: user, session: session, sessionID: id)
    }

    /// True when the form's `_csrf` matches the session's token.
    static func csrfValid(_ form: FormBody, _ current: Current) -> Bool {
        guard let given = form.raw("_csrf") else { return false }
        return equal(given, current.session.csrf)
    }

    static func equal(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        return x.count == y.count && zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    static func cookie(_ name: String, in request: Request) -> String? {
        for header in request.headers[values: .cookie] {
            for part in header.split(separator: ";") {
                let kv = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
                if kv.count == 2, kv[0] == name { return String(kv[1]) }
            }
        }
        return nil
    }

    func setCookie(_ name: String, _ value: String, maxAge: Int? = nil) -> String {
        var c = "\(name)=\(value); Path=/; HttpOnly; SameSite=Strict"
        if let maxAge { c += "; Max-Age=\(maxAge)" }
        if secureCookies { c += "; Secure" }
        return c
    }
}

/// Login attempts per account (5 per 15 minutes; a success clears them) and per client address (20 per 15
/// minutes, against guessing many accounts; a success refunds one), counted in the store's `AttemptLedger` before
/// the password is checked, so every hub instance on one store counts together and a restart forgets nothing.
struct LoginThrottle: Sendable {
    let ledger: any AttemptLedger
    let clock: any WallClock
    static let perAccount = 5
    static let perAddress = 20
    static let window: TimeInterval = 15 * 60

    struct Ticket: Sendable {
        let userKey: String
        let addressAttempt: Int64
    }

    /// Counts one attempt of `user` from `address`; nil when either limit is reached. A burst sent at once is cut
    /// off at the limit, whatever it holds (the ledger counts atomically).
    func admit(user: String, address: String) async throws -> Ticket? {
        let now = clock.now(), since = now.addingTimeInterval(-Self.window)
        // Account ids are at most 64 characters: a longer one is unknown, and its key is kept short.
        let userKey = "login-user:" + String(user.prefix(80)), addressKey = "login-ip:" + String(address.prefix(80))
        guard let attempt = try await ledger.reserveAttempt(key: addressKey, limit: Self.perAddress, since: since, at: now),
              try await ledger.reserveAttempt(key: userKey, limit: Self.perAccount, since: since, at: now) != nil
        else { return nil }
        return Ticket(userKey: userKey, addressAttempt: attempt)
    }

    func succeeded(_ ticket: Ticket) async throws {
        try await ledger.forgetAttempts(key: ticket.userKey)
        try await ledger.releaseAttempt(ticket.addressAttempt)
    }
}
