import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MinqingCore
import MinqingStore
import MinqingWeb
import Testing
import MinqingHTTP
import WebFormAdapter

@Suite("Staff console")
struct ConsoleTests {
    /// A web-form case assigned to 陈志强 under 孙伟.
    func assignedCase(_ hub: TestHub) async throws -> CaseID {
        let id = try await hub.value { client in
            firstMatch(#"id="case-id">([^<]+)<"#, in: String(buffer: try await hub.submitForm(client, change: ["text": "身份证 11010519491231002X 的邻居砌墙"]).body)) ?? ""
        }
        let caseID = try #require(CaseID(id))
        let now = hub.clock.now()
        _ = try await hub.store.apply(.accept(note: nil), to: caseID, actor: "wang-li", expectedVersion: nil, at: now)
        _ = try await hub.store.apply(.assign(Assignment(leader: "sun-wei", staff: "chen-zhiqiang", deadline: now.addingTimeInterval(86_400))),
                                      to: caseID, actor: "wang-li", expectedVersion: nil, at: now)
        return caseID
    }

    @Test("pages need a session; wrong passwords are refused and rate-limited; cookies are HttpOnly and SameSite")
    func login() async throws {
        let hub = try TestHub()
        try await hub.addUser("wang-li")
        try await hub.test { client in
            let anonymous = try await client.execute(uri: "/console", method: .get)
            #expect(anonymous.status == .seeOther && anonymous.headers[.location] == "/console/login")
            let (bad, _) = try await hub.loginResponse(client, "wang-li", password: "wrong-password")
            #expect(bad.status == .unauthorized && String(buffer: bad.body).contains("账号或密码不正确"))
            let (ok, _) = try await hub.loginResponse(client, "wang-li", password: testPassword)
            #expect(ok.status == .seeOther)
            let cookie = try #require(ok.headers[values: .setCookie].first { $0.hasPrefix("mq_session=") })
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"))
            for _ in 0..<5 { _ = try await hub.loginResponse(client, "wang-li", password: "wrong-password") }
            let (limited, _) = try await hub.loginResponse(client, "wang-li", password: testPassword)
            #expect(limited.status == .tooManyRequests)
            hub.clock.advance(by: 15 * 60 + 1)
            let (again, _) = try await hub.loginResponse(client, "wang-li", password: testPassword)
            #expect(again.status == .seeOther)
            // One address guessing many accounts is stopped too (20 failures per 15 minutes).
            for i in 0..<20 { _ = try await hub.loginResponse(client, "guess-\(i)", password: "wrong-password", ip: "10.66.0.1") }
            let (fromGuesser, _) = try await hub.loginResponse(client, "wang-li", password: testPassword, ip: "10.66.0.1")
            #expect(fromGuesser.status == .tooManyRequests)
            let (elsewhere, _) = try await hub.loginResponse(client, "wang-li", password: testPassword, ip: "10.66.0.2")
            #expect(elsewhere.status == .seeOther)
            // A login post without the login page's CSRF cookie is refused.
            let forged = try await client.execute(uri: "/console/login", method: .post, headers: formHeaders,
                                                  body: urlEncoded([("_csrf", "x"), ("user", "wang-li"), ("password", testPassword)]))
            #expect(forged.status == .forbidden)
        }
    }

    @Test("every state-changing console request without a session or a valid CSRF token is refused and changes nothing")
    func csrf() async throws {
        let hub = try TestHub()
        try await hub.addUser("wang-li")
        let id = try await assignedCase(hub)
        try await hub.test { client in
            let cookie = try await hub.login(client, "wang-li")
            let token = try await hub.csrf(client, cookie: cookie)
            let action = [("action", "note"), ("text", "伪造的进展")]
            let walkin = [("nonce", String(repeating: "a", count: 32)), ("text", "伪造的来访")]
            for (uri, fields) in [("/console/cases/\(id)/action", action), ("/console/walkin", walkin), ("/console/logout", [])] {
                var noSession = formHeaders
                noSession[.cookie] = "mq_session=forged"
                let r1 = try await client.execute(uri: uri, method: .post, headers: noSession, body: urlEncoded([("_csrf", token)] + fields))
                #expect(r1.status == .forbidden, "\(uri) without session")
                var withSession = formHeaders
                withSession[.cookie] = cookie
                let r2 = try await client.execute(uri: uri, method: .post, headers: withSession, body: urlEncoded(fields))
                #expect(r2.status == .forbidden, "\(uri) without CSRF")
                let r3 = try await client.execute(uri: uri, method: .post, headers: withSession, body: urlEncoded([("_csrf", (token.hasPrefix("0") ? "1" : "0") + token.dropFirst())] + fields))
                #expect(r3.status == .forbidden, "\(uri) with a wrong CSRF token")
            }
            // With both, the same note goes through.
            var headers = formHeaders
            headers[.cookie] = cookie
            let ok = try await client.execute(uri: "/console/cases/\(id)/action", method: .post, headers: headers, body: urlEncoded([("_csrf", token)] + action))
            #expect(ok.status == .seeOther)
        }
        let notes = try await hub.store.auditTrail(of: id).filter { $0.action == "note" }
        #expect(notes.count == 1)
        #expect(try await hub.store.searchCases(.init()).total == 1)
    }

    @Test("a clerk corrects the filing, escalates, and records the county's acknowledgement and return from the case page")
    func classifyEscalateAcknowledgeReturn() async throws {
        let hub = try TestHub()
        try await hub.addUser("wang-li")
        let id = try await hub.value { client in
            firstMatch(#"id="case-id">([^<]+)<"#, in: String(buffer: try await hub.submitForm(client).body)) ?? ""
        }
        try await hub.test { client in
            let cookie = try await hub.login(client, "wang-li")
            func act(_ fields: [(String, String)]) async throws -> TestResponse {
                try await hub.act(client, cookie: cookie, case: id, fields)
            }
            let page = String(buffer: try await client.execute(uri: "/console/cases/\(id)", method: .get, headers: [.cookie: cookie]).body)
            #expect(page.contains("id=\"form-classify\""))
            #expect(try await act([("action", "classify"), ("severity", "major"), ("priority", ""), ("concerns", "赵红梅、河西村委会")]).status == .seeOther)
            #expect(try await act([("action", "accept")]).status == .seeOther)
            #expect(try await act([("action", "escalate"), ("to", "县信访局"), ("reason", "涉及镇领导，按规定上报")]).status == .seeOther)
            let missing = try await act([("action", "acknowledge")])
            #expect(String(buffer: missing.body).contains("请填写签收单位或签收人"))
            #expect(try await act([("action", "acknowledge"), ("by", "县信访局"), ("note", "已签收")]).status == .seeOther)
            #expect(try await act([("action", "return"), ("reason", "属镇级职权，请镇里办理")]).status == .seeOther)
        }
        let record = try #require(try await hub.store.fetchCase(CaseID(id)!))
        #expect(record.severity == .major && record.priority == .normal)
        // The name of a directory person is stored as their id; an unknown unit stays as written.
        #expect(record.concerns == ["zhao-hongmei", "河西村委会"])
        let trail = try await hub.store.auditTrail(of: record.id).map(\.action)
        #expect(Array(trail.suffix(5)) == ["classify", "accept", "escalate", "acknowledge", "return"])
    }

    @Test("while next year's holiday calendar is missing, every console page says so and what to add")
    func calendarBanner() async throws {
        let hub = try TestHub()
        try await hub.addUser("wang-li")
        try await hub.test { client in
            let cookie = try await hub.login(client, "wang-li")
            let page = String(buffer: try await client.execute(uri: "/console", method: .get, headers: [.cookie: cookie]).body)
            let banner = firstMatch(#"id="calendar-warning">([^<]+)<"#, in: page) ?? ""
            #expect(banner.contains("2027年的节假日安排尚未配置") && banner.contains("cn-2027.yaml"), "\(banner)")
        }
    }

    @Test("the case page says why the case went to whom (the routing reasons stored at intake)")
    func routingReasons() async throws {
        let hub = try TestHub()
        try await hub.addUser("wang-li")
        try await hub.test { client in
            let id = firstMatch(#"id="case-id">([^<]+)<"#, in: String(buffer: try await hub.submitForm(client).body)) ?? ""
            let record = try #require(try await hub.store.fetchCase(CaseID(id)!))
            let reasons = try #require(record.routing?.reasons, "the example township routes every new case")
            #expect(!reasons.isEmpty)
            let cookie = try await hub.login(client, "wang-li")
            let page = String(buffer: try await client.execute(uri: "/console/cases/\(id)", method: .get, headers: [.cookie: cookie]).body)
            let section = firstMatch(#"<section id="routing">([\s\S]*?)</section>"#, in: page) ?? ""
            #expect(section.contains("派单理由"))
            for reason in reasons { #expect(section.contains(htmlEscaped(reason)), "\(reason)") }
        }
    }

    @Test("a staff user not assigned sees masked personal data; the assigned staff and leaders see it in full")
    func masking() async throws {
        let hub = try TestHub()
        for id in ["zhou-min", "chen-zhiqiang", "liu-jianguo"] { try await hub.addUser(id) }
        let id = try await assignedCase(hub)
        try await hub.test { client in
            for (user, full) in [("zhou-min", false), ("chen-zhiqiang", true), ("liu-jianguo", true)] {
                let cookie = try await hub.login(client, user)
                let page = String(buffer: try await client.execute(uri: "/console/cases/\(id)", method: .get, headers: [.cookie: cookie]).body)
                #expect(page.contains("13812345678") == full, "\(user) phone")
                #expect(page.contains("138****78") == !full, "\(user) masked phone")
                #expect(page.contains("张秀英") == full && page.contains("张*英") == !full, "\(user) name")
                #expect(page.contains("11010519491231002X") == full && page.contains("110105**********2X") == !full, "\(user) id in text")
                #expect(page.contains("id=\"masked-note\"") == !full)
                let ledger = String(buffer: try await client.execute(uri: "/console", method: .get, headers: [.cookie: cookie]).body)
                #expect(ledger.contains("13812345678") == full, "\(user) ledger phone")
                let csv = String(buffer: try await client.execute(uri: "/console/export.csv", method: .get, headers: [.cookie: cookie]).body)
                #expect(csv.contains("13812345678") == full, "\(user) CSV phone")
            }
        }
    }

    @Test("ledger: Chinese substring search, filters, overdue highlighting, paging; CSV opens in Excel (UTF-8 BOM)")
    func ledger() async throws {
        let hub = try TestHub()
        try await hub.addUser("liu-jianguo")
        let id = try await assignedCase(hub)
        try await hub.test { client in
            for i in 0..<21 {
                _ = try await hub.submitForm(client, change: ["subject": "路灯不亮\(i)", "phone": "1390000\(String(format: "%04d", i))", "category": "roads"], ip: "10.1.\(i).1")
            }
        }
        hub.clock.advance(by: 2 * 86_400)  // the assigned case is now overdue
        try await hub.test { client in
            let cookie = try await hub.login(client, "liu-jianguo")
            func get(_ uri: String) async throws -> String {
                String(buffer: try await client.execute(uri: uri, method: .get, headers: [.cookie: cookie]).body)
            }
            let search = try await get("/console?q=\("身份证".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)")
            #expect(search.contains(id.description) && search.contains("共 1 件") && !search.contains("路灯不亮"))
            let overdue = try await get("/console?overdue=1")
            #expect(overdue.contains("共 1 件") && overdue.contains("class=\"overdue\"") && overdue.contains("超期"))
            let roads = try await get("/console?category=roads")
            #expect(roads.contains("共 21 件") && roads.contains("第 1 / 2 页") && roads.contains("id=\"next\""))
            let second = try await get("/console?category=roads&page=2")
            #expect(second.contains("第 2 / 2 页") && second.contains("id=\"prev\""))
            var roadsQuery = CaseQuery()
            roadsQuery.category = "roads"
            roadsQuery.limit = 20
            let cursor = try #require(try await hub.store.searchCases(roadsQuery).nextCursor)
            let byCursor = try await get("/console?category=roads&cursor=\(cursor.encoded)")
            #expect(byCursor.contains("按位置续翻") && byCursor.contains("回到第一页") && !byCursor.contains("id=\"next\""))
            #expect(byCursor.components(separatedBy: "<tr").count == second.components(separatedBy: "<tr").count, "the same last row")
            let badCursor = try await get("/console?cursor=nonsense")
            #expect(badCursor.contains("翻页位置无法识别") && badCursor.contains("第 1 /"))
            let csvResponse = try await client.execute(uri: "/console/export.csv?category=roads", method: .get, headers: [.cookie: cookie])
            #expect(csvResponse.headers[.contentType] == "text/csv; charset=utf-8")
            let bytes = Array(csvResponse.body.readableBytesView)
            #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
            let csv = String(decoding: bytes.dropFirst(3), as: UTF8.self)
            #expect(csv.hasPrefix("编号,渠道,登记时间"))
            #expect(csv.split(separator: "\r\n").count == 22)
        }
    }

    @Test("the case page walks a case through accept, assign, reply, follow-up and close; an illegal step says why")
    func actions() async throws {
        let hub = try TestHub()
        try await hub.addUser("wang-li")
        try await hub.addUser("chen-zhiqiang")
        let id = try await hub.value { client in
            firstMatch(#"id="case-id">([^<]+)<"#, in: String(buffer: try await hub.submitForm(client).body)) ?? ""
        }
        try await hub.test { client in
            let cookie = try await hub.login(client, "wang-li")
            func act(_ fields: [(String, String)]) async throws -> TestResponse {
                try await hub.act(client, cookie: cookie, case: id, fields)
            }
            let illegal = try await act([("action", "close")])
            #expect(illegal.status == .unprocessableContent)
            #expect(String(buffer: illegal.body).contains("id=\"error\""))
            #expect(try await act([("action", "accept")]).status == .seeOther)
            let noDeadline = try await act([("action", "assign"), ("leader", "sun-wei"), ("staff", "chen-zhiqiang")])
            #expect(String(buffer: noDeadline.body).contains("请填写办理期限"))
            #expect(try await act([("action", "assign"), ("leader", "sun-wei"), ("staff", "chen-zhiqiang"), ("deadline", "2026-12-07")]).status == .seeOther)
            #expect(try await act([("action", "note"), ("item", "调查"), ("text", "到现场丈量")]).status == .seeOther)
            let staff = try await hub.login(client, "chen-zhiqiang")
            #expect(try await hub.act(client, cookie: staff, case: id, [("action", "reply"), ("outcome", "resolved"), ("text", "已协调拆除围墙。")]).status == .seeOther)
            #expect(try await act([("action", "follow_up"), ("satisfaction", "satisfied"), ("note", "电话回访")]).status == .seeOther)
            #expect(try await act([("action", "close"), ("note", "办结")]).status == .seeOther)
            let page = String(buffer: try await client.execute(uri: "/console/cases/\(id)", method: .get, headers: [.cookie: cookie]).body)
            #expect(page.contains("id=\"case-status\">办结<"))
            for step in ["受理", "交办（三定）", "添加进展", "答复", "回访", "办结"] { #expect(page.contains("<b>\(step)</b>"), "audit shows \(step)") }
            #expect(page.contains("【调查】到现场丈量"))
        }
        let caseID = try #require(CaseID(id))
        let record = try #require(try await hub.store.fetchCase(caseID))
        #expect(record.status == .closed && record.staff == "chen-zhiqiang" && record.satisfaction == .satisfied)
        #expect(record.deadline == Date(iso: "2026-12-07T17:30:00+08:00"))
    }

    @Test("a walk-in registered by a clerk is a visit case with a lookup code")
    func walkin() async throws {
        let hub = try TestHub()
        try await hub.addUser("wang-li")
        try await hub.test { client in
            let cookie = try await hub.login(client, "wang-li")
            let html = String(buffer: try await client.execute(uri: "/console/walkin", method: .get, headers: [.cookie: cookie]).body)
            let csrf = firstMatch(#"name="_csrf" value="([^"]+)""#, in: html) ?? ""
            let nonce = firstMatch(#"name="nonce" value="([^"]+)""#, in: html) ?? ""
            var headers = formHeaders
            headers[.cookie] = cookie
            let fields = [("_csrf", csrf), ("nonce", nonce), ("name", "李大爷"), ("phone", "13712345678"), ("subject", "低保"), ("text", "赶集日来访，咨询低保申请。")]
            let r = try await client.execute(uri: "/console/walkin", method: .post, headers: headers, body: urlEncoded(fields))
            #expect(r.status == .seeOther)
            let again = try await client.execute(uri: "/console/walkin", method: .post, headers: headers, body: urlEncoded(fields))
            #expect(again.headers[.location] == r.headers[.location])
        }
        let page = try await hub.store.searchCases(.init())
        #expect(page.total == 1 && page.items[0].channel == .visit)
    }

    @Test("<script> typed by staff (walk-in fields, notes, reply) comes back escaped on the case page and the public status page")
    func staffTextEscaped() async throws {
        let hub = try TestHub()
        try await hub.addUser("wang-li")
        try await hub.addUser("chen-zhiqiang")
        let evil = "<script>alert(1)</script>"
        let id = try await hub.value { client in
            let cookie = try await hub.login(client, "wang-li")
            let html = String(buffer: try await client.execute(uri: "/console/walkin", method: .get, headers: [.cookie: cookie]).body)
            var headers = formHeaders
            headers[.cookie] = cookie
            let fields = [("_csrf", firstMatch(#"name="_csrf" value="([^"]+)""#, in: html) ?? ""), ("nonce", firstMatch(#"name="nonce" value="([^"]+)""#, in: html) ?? ""),
                          ("name", evil), ("phone", "13712345678"), ("subject", evil), ("text", evil)]
            let r = try await client.execute(uri: "/console/walkin", method: .post, headers: headers, body: urlEncoded(fields))
            let id = String((r.headers[.location] ?? "").split(separator: "/").last ?? "")
            for action in [[("action", "note"), ("text", evil)], [("action", "accept"), ("note", evil)],
                           [("action", "assign"), ("leader", "sun-wei"), ("staff", "chen-zhiqiang"), ("deadline", "2026-12-07")]] {
                #expect(try await hub.act(client, cookie: cookie, case: id, action).status == .seeOther)
            }
            // The reply is the assigned staff member's.
            let staff = try await hub.login(client, "chen-zhiqiang")
            #expect(try await hub.act(client, cookie: staff, case: id, [("action", "reply"), ("outcome", "resolved"), ("text", evil)]).status == .seeOther)
            let page = String(buffer: try await client.execute(uri: "/console/cases/\(id)", method: .get, headers: [.cookie: cookie]).body)
            #expect(!page.contains(evil) && page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            let code = try #require(try await hub.store.fetchCase(CaseID(id)!).flatMap(WebFormRoutes.lookupCode(for:)))
            let status = String(buffer: try await client.execute(uri: "/status", method: .post, headers: formHeaders, body: urlEncoded([("case_id", id), ("code", code)])).body)
            #expect(status.contains("id=\"reply\""))
            #expect(!status.contains(evil) && status.contains("&lt;script&gt;"))
            return id
        }
        #expect(CaseID(id) != nil)
    }

    @Test("a typed paper letter with a scan becomes a mailbox case; the same letter number again is the same case; no CSRF, no case")
    func letter() async throws {
        let hub = try TestHub()
        try await hub.addUser("wang-li")
        try await hub.test { client in
            let cookie = try await hub.login(client, "wang-li")
            let csrf = try await hub.csrf(client, cookie: cookie, page: "/console/letter")
            func post(_ token: String?) async throws -> TestResponse {
                var m = Multipart()
                if let token { m.field("_csrf", token) }
                for (k, v) in [("letter_no", "XF-2026-0101"), ("received_at", "2026-11-21"), ("name", "张秀英"), ("phone", "13812345678"),
                               ("village", "431028101201"), ("subject", "宅基地纠纷"), ("text", "邻居建房占了我家宅基地。")] { m.field(k, v) }
                m.file("scans", filename: "第1页.jpg", type: "image/jpeg", jpegWithGPS)
                var (body, headers) = m.finished
                headers[.cookie] = cookie
                return try await client.execute(uri: "/console/letter", method: .post, headers: headers, body: body)
            }
            #expect(try await post(nil).status == .forbidden)
            let first = try await post(csrf)
            #expect(first.status == .seeOther)
            let again = try await post(csrf)
            #expect(again.headers[.location] == first.headers[.location])
        }
        let page = try await hub.store.searchCases(.init())
        #expect(page.total == 1)
        let record = try #require(page.items.first)
        #expect(record.channel == .mailbox && record.sourceRef == "letter:XF-2026-0101" && record.attachments.count == 1)
        #expect(record.attachments.first?.contentType == "image/jpeg")
    }

    @Test("the case page shows each notification of the case and every delivery attempt")
    func notifications() async throws {
        let planner = ClosurePlanner { change in
            change.event.action == "assign" ? [OutboxDraft(target: "office-wecom", event: "case.assigned")] : []
        }
        let hub = try TestHub(planner: planner)
        try await hub.addUser("liu-jianguo")
        let id = try await assignedCase(hub)
        let now = hub.clock.now()
        let claimed = try await hub.store.claimNotifications(dueAt: now, leaseUntil: now + 60, limits: ["office-wecom": 10])
        let entry = try #require(claimed.first)
        try await hub.store.recordDeliveries([DeliveryRecord(
            attempt: DeliveryAttempt(notificationID: entry.id, target: "office-wecom", number: 1, startedAt: now, result: .rateLimited,
                                     httpStatus: 200, detail: "errcode 45009"), state: .retrying, nextAttemptAt: now + 60)])
        let again = try await hub.store.claimNotifications(dueAt: now + 61, leaseUntil: now + 120, limits: ["office-wecom": 10])
        #expect(again.count == 1)
        try await hub.store.recordDeliveries([DeliveryRecord(
            attempt: DeliveryAttempt(notificationID: entry.id, target: "office-wecom", number: 2, startedAt: now + 61, result: .delivered, httpStatus: 200),
            state: .delivered)])
        try await hub.test { client in
            let cookie = try await hub.login(client, "liu-jianguo")
            let page = String(buffer: try await client.execute(uri: "/console/cases/\(id)", method: .get, headers: [.cookie: cookie]).body)
            let section = firstMatch(#"id="notifications">([\s\S]*?)</ul>\s*</li>"#, in: page) ?? page
            #expect(section.contains("office-wecom · case.assigned · 已送达"))
            #expect(section.contains("第 1 次") && section.contains("被限流") && section.contains("errcode 45009"))
            #expect(section.contains("第 2 次") && section.contains("已送达"))
        }
    }

    @Test("a county viewer reads the ledger but gets no action forms, and a posted action is refused")
    func countyViewerReadOnly() async throws {
        let hub = try TestHub()
        try await hub.addUser("fang-jing")
        let id = try await assignedCase(hub)
        try await hub.test { client in
            let cookie = try await hub.login(client, "fang-jing")
            let page = String(buffer: try await client.execute(uri: "/console/cases/\(id)", method: .get, headers: [.cookie: cookie]).body)
            #expect(page.contains("县级查看") && !page.contains("id=\"actions\""))
            #expect(page.contains("138****78"), "not assigned, not a leader: masked")
            let token = try await hub.csrf(client, cookie: cookie)
            var headers = formHeaders
            headers[.cookie] = cookie
            let r = try await client.execute(uri: "/console/cases/\(id)/action", method: .post, headers: headers,
                                             body: urlEncoded([("_csrf", token), ("action", "note"), ("text", "县里看过")]))
            #expect(r.status == .forbidden)
        }
        #expect(try await hub.store.auditTrail(of: id).allSatisfy { $0.action != "note" })
    }
}

/// How the console's templates write a value (HTML-escaped).
func htmlEscaped(_ text: String) -> String {
    text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        .replacingOccurrences(of: "'", with: "&#39;")
}
