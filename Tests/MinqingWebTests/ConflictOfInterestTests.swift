import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MinqingCore
import MinqingStore
import MinqingWeb
import Testing

/// 信访工作条例 第三十条 in the console: a person a complaint is about never sees it, nor acts on it.
@Suite("Conflict of interest in the console")
struct ConflictOfInterestTests {
    /// The example township's 青山村: 包村干部 陈志强 (chen-zhiqiang), 包村领导 孙伟 (sun-wei).
    static let complaint = "青山村包村干部陈志强和分管领导孙伟收了钱，低保名额给了亲戚，我的电话 13812345678，请上级调查。"

    func fileComplaint(_ hub: TestHub) async throws -> CaseID {
        let id = try await hub.value { client in
            firstMatch(#"id="case-id">([^<]+)<"#, in: String(buffer: try await hub.submitForm(client, change: [
                "subject": "举报低保优亲厚友", "text": Self.complaint, "category": "subsistence",
            ]).body)) ?? ""
        }
        return try #require(CaseID(id))
    }

    @Test("names written as names resolve to directory ids: routing neither chooses nor lets anyone assign 孙伟 or 陈志强")
    func resolvedAndNeverChosen() async throws {
        let hub = try TestHub()
        let id = try await fileComplaint(hub)
        var record = try #require(try await hub.store.fetchCase(id))
        #expect(record.concerns.contains("sun-wei") && record.concerns.contains("chen-zhiqiang"))
        #expect(![record.leader, record.staff].contains("sun-wei") && ![record.leader, record.staff].contains("chen-zhiqiang"))
        // A clerk writing the names (not ids), with spaces, still protects them.
        let now = hub.clock.now()
        record = try await hub.store.apply(.classify(Classification(concerns: ["陈 志强", "孙伟"])), to: id, actor: "wang-li",
                                           expectedVersion: nil, at: now)
        #expect(record.concerns == ["chen-zhiqiang", "sun-wei"])
        if record.status == .received {
            record = try await hub.store.apply(.accept(note: nil), to: id, actor: "wang-li", expectedVersion: nil, at: now)
        }
        let assign = Assignment(leader: "liu-jianguo", staff: "陈志强", deadline: now.addingTimeInterval(86_400))
        await #expect(throws: TransitionError.self) {
            try await hub.store.apply(.assign(assign), to: id, actor: "wang-li", expectedVersion: nil, at: now)
        }
        // Nor can either of them act on it themselves, not even to clear whom it is about.
        for person in ["chen-zhiqiang", "孙伟"] {
            await #expect(throws: TransitionError.self) {
                try await hub.store.apply(.classify(Classification(concerns: [])), to: id, actor: person, expectedVersion: nil, at: now)
            }
        }
    }

    @Test("a complaint about a village's unit excludes its 包村 cadre and leader")
    func unitConcerns() throws {
        let hub = try TestHub()
        let people = hub.deps.config.directory.peopleIndex
        #expect(people.resolve("青山村") == "unit:431028101201")
        #expect(people.isAbout(concerns: ["unit:431028101201"], person: "chen-zhiqiang"))
        #expect(people.isAbout(concerns: ["青山村"], person: "sun-wei"))
        #expect(!people.isAbout(concerns: ["青山村"], person: "zhou-min"))
        // By phone and e-mail too.
        #expect(people.resolve("138-0731-0018") == "deng-qiang")
        #expect(people.resolve("dengqiang@qingshan.gov.cn") == "deng-qiang")
        // Unknown names are kept as text and still match by name.
        #expect(people.resolve("  王某某 ") == "王某某")
        #expect(people.isAbout(concerns: ["王某某"], person: "王某某"))
    }

    @Test("neither the leader nor the cadre complained about sees the case anywhere in the console; others do")
    func invisibleToThoseConcerned() async throws {
        let hub = try TestHub()
        for user in ["sun-wei", "chen-zhiqiang", "wang-li", "liu-jianguo"] { try await hub.addUser(user) }
        try await hub.addUser("admin-zhang", roles: [.admin])
        let id = try await fileComplaint(hub)
        // sun-wei is also a leader and would otherwise see all personal data; make him admin too: still nothing.
        try await hub.users.setRoles(id: "sun-wei", roles: [.admin], by: "test")
        try await hub.test { client in
            for (user, sees) in [("sun-wei", false), ("chen-zhiqiang", false), ("wang-li", true), ("liu-jianguo", true)] {
                let cookie = try await hub.login(client, user)
                func get(_ uri: String) async throws -> TestResponse {
                    try await client.execute(uri: uri, method: .get, headers: [.cookie: cookie])
                }
                let page = try await get("/console/cases/\(id)")
                #expect((page.status == .ok) == sees, "\(user) case page")
                #expect(String(buffer: page.body).contains("13812345678") == (sees && user == "liu-jianguo"), "\(user) phone")
                for uri in ["/console", "/console?q=低保", "/console?q=\(id)", "/console/dashboard"] {
                    let body = String(buffer: try await get(uri.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!).body)
                    if uri.contains("dashboard") { #expect(!body.contains("/console/cases/\(id)") || sees, "\(user) \(uri)"); continue }
                    #expect(body.contains("/console/cases/\(id)") == sees, "\(user) \(uri)")
                }
                let csv = String(buffer: try await get("/console/export.csv").body)
                #expect(csv.contains(id.description) == sees, "\(user) CSV")
                if !sees {
                    // Even with a valid CSRF token from another page, the action is refused as if the case did not exist.
                    let token = try await hub.csrf(client, cookie: cookie)
                    var headers = formHeaders
                    headers[.cookie] = cookie
                    let attempt = try await client.execute(uri: "/console/cases/\(id)/action", method: .post, headers: headers,
                                                           body: urlEncoded([("_csrf", token), ("action", "classify"), ("concerns", "")]))
                    #expect(attempt.status == .notFound, "\(user) may not act")
                }
            }
        }
        let record = try #require(try await hub.store.fetchCase(id))
        #expect(record.concerns.contains("sun-wei") && record.concerns.contains("chen-zhiqiang"))
    }

    @Test("the dashboard, the monthly report and the statistics (page and CSV) do not count the case about their reader")
    func figuresLeaveOutTheCaseAboutTheReader() async throws {
        let hub = try TestHub()
        for user in ["chen-zhiqiang", "wang-li"] { try await hub.addUser(user) }
        _ = try await fileComplaint(hub)  // about 孙伟 and 陈志强, category 低保
        _ = try await hub.value { client in try await hub.submitForm(client, change: ["subject": "路灯不亮", "category": "roads"]) }
        try await hub.test { client in
            for (user, total) in [("chen-zhiqiang", 1), ("wang-li", 2)] {
                let cookie = try await hub.login(client, user)
                func get(_ uri: String) async throws -> String {
                    String(buffer: try await client.execute(uri: uri, method: .get, headers: [.cookie: cookie]).body)
                }
                let month = String(HubTime.iso(hub.clock.now(), in: HubTime.shanghai).prefix(7))
                #expect(try await get("/console/dashboard").contains("id=\"total\">\(total)<"), "\(user) dashboard")
                #expect(try await get("/console/report?month=\(month)").contains("id=\"total\">\(total)<"), "\(user) report")
                let stats = try await get("/console/stats")
                #expect(stats.contains("<td>低保</td><td>1</td>") == (total == 2), "\(user): the 低保 row counts the complaint only for others")
                #expect(stats.contains("不含与您本人有关、依规回避的案件"))
                let csv = try await get("/console/stats.csv")
                #expect(csv.contains(",类别,低保,1,") == (total == 2), "\(user) CSV")
            }
        }
    }

    @Test("staff act only on cases assigned to them; county viewers only read; only the assigned see the 查询码")
    func rolesAct() async throws {
        let hub = try TestHub()
        for user in ["wang-li", "zhou-min", "li-haitao", "fang-jing"] { try await hub.addUser(user) }
        let id = try await hub.value { client in
            firstMatch(#"id="case-id">([^<]+)<"#, in: String(buffer: try await hub.submitForm(client).body)) ?? ""
        }
        let now = hub.clock.now()
        let caseID = try #require(CaseID(id))
        let record = try #require(try await hub.store.fetchCase(caseID))
        if record.status == .received {
            _ = try await hub.store.apply(.accept(note: nil), to: caseID, actor: "wang-li", expectedVersion: nil, at: now)
        }
        let assign = Assignment(leader: "huang-lihua", staff: "zhou-min", deadline: now.addingTimeInterval(86_400))
        _ = try await hub.store.apply(.assign(assign), to: caseID, actor: "wang-li", expectedVersion: nil, at: now)
        try await hub.test { client in
            // An unassigned staff member can neither start nor reply, and sees no lookup code.
            let other = try await hub.login(client, "li-haitao")
            let page = String(buffer: try await client.execute(uri: "/console/cases/\(id)", method: .get, headers: [.cookie: other]).body)
            #expect(!page.contains("群众查询码") && !page.contains("id=\"form-reply\""))
            #expect(try await hub.act(client, cookie: other, case: id, [("action", "start")]).status == .forbidden)
            // A county viewer reads, masked, with no action forms.
            let viewer = try await hub.login(client, "fang-jing")
            let seen = String(buffer: try await client.execute(uri: "/console/cases/\(id)", method: .get, headers: [.cookie: viewer]).body)
            #expect(!seen.contains("13812345678") && !seen.contains("<form method=\"post\" action=\"/console/cases/"))
            #expect(try await hub.act(client, cookie: viewer, case: id, [("action", "note"), ("text", "县里看过")]).status == .forbidden)
            // Search by phone digits finds nothing for a reader who sees masked data.
            let ledger = String(buffer: try await client.execute(uri: "/console?q=1381234", method: .get, headers: [.cookie: viewer]).body)
            #expect(!ledger.contains(id))
            // The assigned staff member starts and replies; the clerk records the 回访.
            let staff = try await hub.login(client, "zhou-min")
            let own = String(buffer: try await client.execute(uri: "/console/cases/\(id)", method: .get, headers: [.cookie: staff]).body)
            #expect(own.contains("群众查询码"))
            #expect(try await hub.act(client, cookie: staff, case: id, [("action", "start")]).status == .seeOther)
            #expect(try await hub.act(client, cookie: staff, case: id, [("action", "reply"), ("outcome", "resolved"), ("text", "已处理。")]).status == .seeOther)
            #expect(try await hub.act(client, cookie: staff, case: id, [("action", "follow_up"), ("satisfaction", "satisfied")]).status == .forbidden)
            let clerk = try await hub.login(client, "wang-li")
            #expect(try await hub.act(client, cookie: clerk, case: id, [("action", "follow_up"), ("satisfaction", "satisfied")]).status == .seeOther)
        }
    }

    @Test("a burst of wrong passwords sent at once locks the account before bcrypt decides; the right one after it is refused")
    func loginBurst() async throws {
        let hub = try TestHub()
        try await hub.addUser("wang-li")
        try await hub.test { client in
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for i in 0..<30 {
                    group.addTask { try await hub.loginResponse(client, "wang-li", password: "wrong-\(i)", ip: "10.1.\(i).1").0.status }
                }
                var all: [HTTPResponse.Status] = []
                for try await s in group { all.append(s) }
                return all
            }
            #expect(statuses.filter { $0 == .unauthorized }.count == 5)
            #expect(statuses.filter { $0 == .tooManyRequests }.count == 25)
            let (right, _) = try await hub.loginResponse(client, "wang-li", password: testPassword, ip: "10.2.0.1")
            #expect(right.status == .tooManyRequests)
        }
    }

    @Test("an anonymous 100 MB post to a console form is refused before its body is read")
    func anonymousBodyNotRead() async throws {
        let hub = try TestHub()
        try await hub.test { client in
            var headers: HTTPFields = [.contentType: "multipart/form-data; boundary=x"]
            headers[.contentLength] = "104857600"
            let r = try await client.execute(uri: "/console/letter", method: .post, headers: headers, body: ByteBuffer(string: "--x\r\n"))
            #expect(r.status == .forbidden)
        }
    }
}
