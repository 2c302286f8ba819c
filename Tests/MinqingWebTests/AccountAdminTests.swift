import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdBcrypt
import HummingbirdTesting
import Logging
import MinqingStore
import MinqingWeb
import Testing

extension TestHub {
    /// Posts `fields` to `uri` as the logged-in user, with the CSRF token of `page`.
    func post(_ client: any TestClientProtocol, cookie: String, _ uri: String, _ fields: [(String, String)],
              page: String = "/console/admin/accounts") async throws -> TestResponse {
        let token = try await csrf(client, cookie: cookie, page: page)
        var headers = formHeaders
        headers[.cookie] = cookie
        return try await client.execute(uri: uri, method: .post, headers: headers, body: urlEncoded([("_csrf", token)] + fields))
    }

    /// The accounts as another process (`minqing users`) sees them: a second store on the same SQLite file.
    func otherProcessUsers() throws -> StaffUsers {
        StaffUsers(store: try SQLiteCaseStore(path: path), directory: deps.config.directory, clock: clock, cost: 4)
    }
}

@Suite("Console accounts in the store and 账号管理")
struct AccountAdminTests {
    @Test("an account added by another process while the hub runs logs in at once; disabling it ends its open session at once")
    func cliChangesTakeEffectAtOnce() async throws {
        let hub = try TestHub()
        let cli = try hub.otherProcessUsers()
        try await cli.add(id: "wang-li", password: "qingshan-clerk-2026", roles: [], by: "命令行:root", mustChange: false)
        try await hub.test { client in
            let cookie = try await hub.login(client, "wang-li", password: "qingshan-clerk-2026")
            #expect(try await client.execute(uri: "/console", method: .get, headers: [.cookie: cookie]).status == .ok)
            try await cli.setDisabled(id: "wang-li", true, by: "命令行:root")
            let after = try await client.execute(uri: "/console", method: .get, headers: [.cookie: cookie])
            #expect(after.status == .seeOther && after.headers[.location] == "/console/login", "the open session ended")
            let (refused, _) = try await hub.loginResponse(client, "wang-li", password: "qingshan-clerk-2026")
            #expect(refused.status == .unauthorized, "a disabled account cannot log in")
            try await cli.setDisabled(id: "wang-li", false, by: "命令行:root")
            _ = try await hub.login(client, "wang-li", password: "qingshan-clerk-2026")
        }
        let stored = try #require(try await hub.store.account(id: "wang-li"))
        #expect(stored.lastLogin == hub.clock.now(), "the last login is recorded")
        #expect(try await hub.store.accountChanges(account: "wang-li", limit: 10).map(\.action) == ["enable", "disable", "create"])
    }

    @Test("as each role: a clerk, staff, leader and county viewer get 404 on 账号管理 and 403 on its forms; an admin sees the page")
    func onlyAdminsAdministerAccounts() async throws {
        let hub = try TestHub()
        try await hub.addUser("wang-li")
        try await hub.addUser("chen-zhiqiang")
        try await hub.addUser("sun-wei")
        try await hub.addUser("county-viewer", roles: [.countyViewer])
        try await hub.addUser("admin", roles: [.admin])
        try await hub.test { client in
            let anonymous = try await client.execute(uri: "/console/admin/accounts", method: .get)
            #expect(anonymous.status == .seeOther, "not logged in: to the login page")
            for id in ["wang-li", "chen-zhiqiang", "sun-wei", "county-viewer"] {
                let cookie = try await hub.login(client, id)
                let page = try await client.execute(uri: "/console/admin/accounts", method: .get, headers: [.cookie: cookie])
                #expect(page.status == .notFound, "\(id) does not see the page")
                #expect(!String(buffer: try await client.execute(uri: "/console", method: .get, headers: [.cookie: cookie]).body)
                    .contains("/console/admin/accounts"), "\(id) has no link to it")
                for (uri, fields) in [("/console/admin/accounts/wang-li/disable", [(String, String)]()),
                                      ("/console/admin/accounts/\(id)/roles", [("role", "admin")]),
                                      ("/console/admin/accounts", [("kind", "local"), ("id", "intruder"), ("role", "admin")])] {
                    let r = try await hub.post(client, cookie: cookie, uri, fields, page: "/console")
                    #expect(r.status == .forbidden, "\(id): \(uri) refused")
                }
            }
            #expect(try await hub.store.account(id: "intruder") == nil)
            #expect(try await hub.store.account(id: "wang-li")?.disabled == false)
            #expect(try await hub.store.account(id: "sun-wei")?.roles == [])
            let admin = try await hub.login(client, "admin")
            let page = try await client.execute(uri: "/console/admin/accounts", method: .get, headers: [.cookie: admin])
            let html = String(buffer: page.body)
            #expect(page.status == .ok)
            #expect(html.contains("账号管理") && html.contains("王丽") && html.contains("县级查看") && html.contains("从未登录") == false)
            #expect(html.contains("data-id=\"county-viewer\""))
        }
    }

    @Test("an admin adds a directory person with a generated password shown once; at first login it must be changed, by the password rules")
    func addedAccountMustChangeItsPassword() async throws {
        let hub = try TestHub()
        try await hub.addUser("admin", roles: [.admin])
        try await hub.test { client in
            let admin = try await hub.login(client, "admin")
            let added = try await hub.post(client, cookie: admin, "/console/admin/accounts", [("kind", "directory"), ("person", "zhou-min")])
            let html = String(buffer: added.body)
            #expect(added.status == .ok && html.contains("已添加账号 zhou-min"))
            let password = try #require(firstMatch(#"id="password-once">([^<]+)<"#, in: html))
            let again = String(buffer: try await client.execute(uri: "/console/admin/accounts", method: .get, headers: [.cookie: admin]).body)
            #expect(!again.contains(password), "the password is shown only once")
            #expect(again.contains("待修改密码"))

            let (first, _) = try await hub.loginResponse(client, "zhou-min", password: password)
            #expect(first.status == .seeOther && first.headers[.location] == "/console/password")
            let cookie = String(try #require(first.headers[values: .setCookie].first { $0.hasPrefix("mq_session=") }).split(separator: ";")[0])
            let ledger = try await client.execute(uri: "/console", method: .get, headers: [.cookie: cookie])
            #expect(ledger.status == .seeOther, "no other page before the password is changed")
            let form = try await client.execute(uri: "/console/password", method: .get, headers: [.cookie: cookie])
            #expect(String(buffer: form.body).contains("请先设置自己的新密码"))
            for (new, says) in [("short1", "至少 10 位"), ("zhou-min-2026-x", "不能包含账号名"), ("ZhouMin2026!!", "不能包含账号名"),
                                ("qwertyuiop2026", "太常见"), ("1qaz2wsx3edc", "太常见")] {
                let r = try await hub.post(client, cookie: cookie, "/console/password",
                                           [("current", password), ("new", new), ("repeat", new)], page: "/console/password")
                #expect(r.status == .badRequest && String(buffer: r.body).contains(says), "\(new): \(says)")
            }
            let mismatch = try await hub.post(client, cookie: cookie, "/console/password",
                                              [("current", password), ("new", "山路十八弯的赶集日子"), ("repeat", "别的")], page: "/console/password")
            #expect(String(buffer: mismatch.body).contains("两次输入的新密码不一致"))
            let wrong = try await hub.post(client, cookie: cookie, "/console/password",
                                           [("current", "not-it"), ("new", "山路十八弯的赶集日子"), ("repeat", "山路十八弯的赶集日子")], page: "/console/password")
            #expect(String(buffer: wrong.body).contains("当前密码不正确"))
            let changed = try await hub.post(client, cookie: cookie, "/console/password",
                                             [("current", password), ("new", "山路十八弯的赶集日子"), ("repeat", "山路十八弯的赶集日子")], page: "/console/password")
            #expect(changed.status == .seeOther && changed.headers[.location] == "/console")
            let fresh = String(try #require(changed.headers[values: .setCookie].first { $0.hasPrefix("mq_session=") }).split(separator: ";")[0])
            #expect(try await client.execute(uri: "/console", method: .get, headers: [.cookie: fresh]).status == .ok)
            #expect(try await client.execute(uri: "/console", method: .get, headers: [.cookie: cookie]).status == .seeOther,
                    "the session with the temporary password ended")
            _ = try await hub.login(client, "zhou-min", password: "山路十八弯的赶集日子")
        }
        #expect(try await hub.store.account(id: "zhou-min")?.mustChangePassword == false)
    }

    @Test("reset, role change, disable and enable by an admin are each audited with who, when and what, and shown on the page")
    func changesAreAudited() async throws {
        let hub = try TestHub()
        try await hub.addUser("admin", roles: [.admin])
        try await hub.addUser("wang-li")
        try await hub.test { client in
            let clerk = try await hub.login(client, "wang-li")
            let admin = try await hub.login(client, "admin")
            hub.clock.advance(by: 60)
            let reset = try await hub.post(client, cookie: admin, "/console/admin/accounts/wang-li/reset", [])
            #expect(String(buffer: reset.body).contains("已重置 wang-li 的密码"))
            #expect(try await client.execute(uri: "/console", method: .get, headers: [.cookie: clerk]).status == .seeOther,
                    "a reset ends the account's sessions")
            _ = try await hub.post(client, cookie: admin, "/console/admin/accounts/wang-li/roles", [("role", "clerk"), ("role", "county_viewer")])
            _ = try await hub.post(client, cookie: admin, "/console/admin/accounts/wang-li/disable", [])
            _ = try await hub.post(client, cookie: admin, "/console/admin/accounts/wang-li/enable", [])
            let selfDisable = try await hub.post(client, cookie: admin, "/console/admin/accounts/admin/disable", [])
            #expect(selfDisable.status == .badRequest && String(buffer: selfDisable.body).contains("不能停用自己的账号"))
            let selfDemote = try await hub.post(client, cookie: admin, "/console/admin/accounts/admin/roles", [("role", "clerk")])
            #expect(String(buffer: selfDemote.body).contains("不能取消自己的管理员角色"))
            let badRole = try await hub.post(client, cookie: admin, "/console/admin/accounts/wang-li/roles", [("role", "root")])
            #expect(String(buffer: badRole.body).contains("未知角色「root」"))
            let html = String(buffer: try await client.execute(uri: "/console/admin/accounts", method: .get, headers: [.cookie: admin]).body)
            for detail in ["重置了密码（须在下次登录时修改）", "角色改为：群工办干事、县级查看", "停用了账号", "重新启用了账号"] {
                #expect(html.contains(detail), "\(detail) shown")
            }
            #expect(html.contains("2026-11-22 09:31"), "when")
        }
        let changes = try await hub.store.accountChanges(account: "wang-li", limit: 10)
        #expect(changes.map(\.action) == ["enable", "disable", "roles", "reset", "create"])
        #expect(changes.dropLast().allSatisfy { $0.actor == "admin" })
        #expect(try await hub.store.account(id: "wang-li")?.roles == ["clerk", "county_viewer"])
        #expect(try await hub.store.account(id: "admin")?.disabled == false)
    }

    @Test("login attempts are counted in the store: after five failures on one instance, another instance on the same store refuses too")
    func loginLimitIsShared() async throws {
        let a = try TestHub()
        try await a.addUser("wang-li")
        let b = try TestHub(path: a.path)
        b.clock.set(a.clock.now())
        try await a.test { client in
            for _ in 0..<5 { _ = try await a.loginResponse(client, "wang-li", password: "wrong-password") }
        }
        try await b.test { client in
            let (limited, _) = try await b.loginResponse(client, "wang-li", password: testPassword)
            #expect(limited.status == .tooManyRequests)
        }
    }

    @Test("users.json of earlier versions is imported once and renamed; its passwords keep working; a second start imports nothing")
    func usersFileImportedOnce() async throws {
        let hub = try TestHub()
        let dir = URL(fileURLWithPath: hub.path).deletingLastPathComponent()
        let file = dir.appendingPathComponent("users.json")
        // The file as `minqing users add` of earlier versions wrote it.
        let hash = Bcrypt.hash("qingshan-clerk-2026", cost: 4)
        try Data("""
            [
              {"id": "admin", "name": "系统管理员", "password_hash": "\(hash)", "roles": ["admin"]},
              {"id": "wang-li", "password_hash": "\(hash)", "roles": []}
            ]
            """.utf8).write(to: file)
        let logger = Logger(label: "test")
        #expect(try await hub.users.importFile(file, logger: logger) == 2)
        #expect(!FileManager.default.fileExists(atPath: file.path))
        let renamed = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix("users.json.imported-") }
        #expect(renamed == ["users.json.imported-20261122-093000"])
        #expect(try await hub.users.importFile(file, logger: logger) == nil, "nothing to import the second time")
        try await hub.test { client in
            _ = try await hub.login(client, "wang-li", password: "qingshan-clerk-2026")
            _ = try await hub.login(client, "admin", password: "qingshan-clerk-2026")
        }
        #expect(try await hub.store.account(id: "admin")?.roles == ["admin"])
        #expect(try await hub.store.accountChanges(account: "admin", limit: 1).first?.action == "import")
    }

    @Test("the password rules: length, bcrypt's 72 bytes, no control characters, not the account id, not a common password")
    func passwordRules() throws {
        func refusal(_ p: String, _ id: String = "wang-li") -> String? {
            do { try PasswordPolicy.check(p, userID: id); return nil } catch { return error.description }
        }
        #expect(refusal("赶集日在青山村口的路") == nil, "10 Chinese characters count as 10, not 30 bytes")
        #expect(refusal("山路十八弯的赶集日子") == nil)
        #expect(refusal("correct-horse-battery") == nil)
        #expect(refusal("123456789")?.contains("至少 10 位") == true)
        #expect(refusal(String(repeating: "字", count: 25))?.contains("最多 72 个字节") == true)
        #expect(refusal("abc\u{0}defghijk")?.contains("控制字符") == true, "bcrypt would stop at the NUL")
        #expect(refusal("my-wang-li-pass")?.contains("账号名") == true)
        #expect(refusal("Password1234")?.contains("太常见") == true)
        #expect(refusal("woaini1314520")?.contains("太常见") == true, "a common password with digits after it")
        #expect(PasswordPolicy.generate().count == 19)
        #expect(PasswordPolicy.generate() != PasswordPolicy.generate())
    }
}
