import Foundation
import Hummingbird
import HummingbirdTesting
import MinqingStore
import MinqingWeb
import Testing
import MinqingHTTP
import WebFormAdapter

@Suite("Console sessions and form-token keys across restarts")
struct SessionPersistenceTests {
    @Test("a console session survives a restart of the hub on the same SQLite file; the store holds only the session id's hash")
    func sessionSurvivesRestart() async throws {
        let hub = try TestHub()
        try await hub.addUser("wang-li")
        let cookie = try await hub.value { client in try await hub.login(client, "wang-li") }
        let restarted = try TestHub(path: hub.path)
        restarted.clock.set(hub.clock.now())
        try await restarted.test { client in
            let page = try await client.execute(uri: "/console", method: .get, headers: [.cookie: cookie])
            #expect(page.status == .ok, "still logged in after the restart")
        }
        let id = String(cookie.split(separator: "=", maxSplits: 1)[1])
        #expect(try await restarted.store.session(idHash: id, at: restarted.clock.now()) == nil, "the raw id is not a key")
        #expect(try await restarted.store.session(idHash: StoredSession.hash(id: id), at: restarted.clock.now())?.userID == "wang-li")
    }

    @Test("closeAll ends every session of one account and no other; an expired session is refused and pruned")
    func closeAllAndExpiry() async throws {
        let hub = try TestHub()
        let sessions = Sessions(clock: hub.clock, storage: hub.store)
        let a1 = await sessions.open(userID: "chen-zhiqiang")
        let a2 = await sessions.open(userID: "chen-zhiqiang")
        let b = await sessions.open(userID: "wang-li")
        #expect(await sessions.session(a1.id)?.csrf == a1.session.csrf)
        #expect(try await sessions.closeAll(userID: "chen-zhiqiang") == 2)
        #expect(await sessions.session(a1.id) == nil)
        #expect(await sessions.session(a2.id) == nil)
        #expect(await sessions.session(b.id)?.userID == "wang-li")
        hub.clock.advance(by: 8 * 3600 + 1)
        #expect(await sessions.session(b.id) == nil, "expired after 8 hours")
        _ = await sessions.open(userID: "liu-jianguo")
        #expect(try await hub.store.deleteSessions(expiredBefore: hub.clock.now()) == 0, "opening a session pruned the expired one")
        await sessions.close(b.id)
    }

    @Test("a session cookie of absurd length or none at all is no session, without touching the store")
    func oddCookies() async throws {
        let hub = try TestHub()
        let sessions = Sessions(clock: hub.clock, storage: hub.store)
        #expect(await sessions.session("") == nil)
        #expect(await sessions.session(String(repeating: "a", count: 1 << 20)) == nil)
    }

    @Test("the form-token key is made once and read back by every instance on the same store")
    func formTokenKeyPersists() async throws {
        let hub = try TestHub()
        let key = try await FormTokenKey.load(from: hub.store)
        #expect(key.count == 32)
        let restarted = try TestHub(path: hub.path)
        #expect(try await FormTokenKey.load(from: restarted.store) == key)
        #expect(try await FormTokenKey.load(from: try TestHub().store) != key, "another hub has its own key")
        let token = FormToken.issue(at: hub.clock.now()).encoded(key: key)
        #expect(FormToken.decode(token, key: try await FormTokenKey.load(from: restarted.store)) != nil,
                "a form shown before the restart is accepted after it")
    }
}
