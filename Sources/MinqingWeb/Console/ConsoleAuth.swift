import Foundation
import Hummingbird
import MinqingHTTP

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

    func current(_ request: Request) async -> Current? {
        guard let id = Self.cookie(Self.cookie, in: request), let session = await sessions.session(id),
              let user = await users.user(id: session.userID) else { return nil }
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
