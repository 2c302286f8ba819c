import Foundation
import HTTPTypes
import Hummingbird
import MinqingConfig
import MinqingCore
import MinqingHTTP
import MinqingStore

/// The staff console (工作台账): login, ledger with filters and CSV, case page with actions, walk-in registration.
/// Every page needs a session; every POST needs the session (checked before its body is read) and its CSRF token.
/// Who sees and does what is `CaseAccess`'s rule: nobody sees a case about them; personal data is masked unless
/// the user is assigned to the case, a leader or an admin (信访工作条例 第三十条).
struct ConsoleRoutes: Sendable {
    let deps: WebDependencies
    let auth: ConsoleAuth
    let pages: Pages
    let throttle: LoginThrottle
    let masking = Masking()
    let people: PeopleIndex

    init(deps: WebDependencies, users: StaffUsers) throws {
        self.deps = deps
        auth = ConsoleAuth(users: users, sessions: Sessions(clock: deps.clock, storage: deps.access),
                           secureCookies: deps.config.server.publicURL.hasPrefix("https:"))
        pages = try Pages(bundle: .module)
        throttle = LoginThrottle(ledger: deps.access, clock: deps.clock)
        people = deps.config.directory.peopleIndex
    }

    func access(_ current: ConsoleAuth.Current) -> CaseAccess { CaseAccess(user: current.user, people: people) }

    /// Largest url-encoded console form (a reply or note with its fields).
    static let formLimit = 256 << 10

    enum Authorised {
        case form(ConsoleAuth.Current, FormBody)
        case refuse(Response)

        /// What to answer when the form is refused.
        var refusal: Response {
            if case .refuse(let response) = self { return response }
            return Response(status: .forbidden)
        }
    }

    struct BadCSRF: Error {}

    /// The signed-in user and their form. The session is checked before any of the body is read; the body is read
    /// as it arrives, bounded by `limit` (a declared `Content-Length` over it is refused unread), files spooled to
    /// disk; the CSRF token — the first field of every console form — is checked as soon as the first part is in.
    /// So an anonymous or careless client cannot make the hub read, hold or parse a large body. The caller removes
    /// spooled files with `removeFiles()` when done.
    func authorisedForm(_ request: Request, limit: Int = formLimit, forPasswordChange: Bool = false) async throws -> Authorised {
        guard let current = await auth.current(request, forPasswordChange: forPasswordChange) else { return .refuse(forbidden()) }
        do {
            let form = try await FormBody.read(request, limit: limit, spool: deps.spool ?? FormSpool.temporary()) { form in
                guard ConsoleAuth.csrfValid(form, current) else { throw BadCSRF() }
            }
            return .form(current, form)
        } catch is BadCSRF {
            return .refuse(forbidden())
        } catch let problem as Problem where problem.status == .contentTooLarge {
            return .refuse(message("内容过大", "提交的内容超过 \(Self.size(limit)) 上限：请删减内容或压缩扫描件后重试。", .contentTooLarge))
        } catch let error as FormBodyError {
            return .refuse(message("表单无法读取", "\(error.description)。请返回上一页刷新后重新提交。", .badRequest))
        }
    }

    func message(_ title: String, _ text: String, _ status: HTTPResponse.Status) -> Response {
        pages.response("message", ["office": directory.office.name, "title": title, "message": text], status: status)
    }

    static func size(_ bytes: Int) -> String { bytes >= 1 << 20 ? "\(bytes >> 20) MB" : "\(max(1, bytes >> 10)) KB" }

    var directory: Directory { deps.config.directory }
    var zone: TimeZone { deps.config.office.timeZone }

    func register<Context: RequestContext>(on routes: RouteTable<Context>) {
        routes.on(.get, "/console/login") { request, _ in await loginPage(request) }
        routes.on(.post, "/console/login") { request, context in
            try await login(request, address: ClientAddress.origin(request, context: context, trustedProxies: deps.trustedProxies).key)
        }
        routes.on(.post, "/console/logout") { request, _ in try await logout(request) }
        routes.on(.get, "/console") { request, _ in try await ledger(request) }
        routes.on(.get, "/console/export.csv") { request, _ in try await export(request) }
        routes.on(.get, "/console/cases/{id}") { request, context in try await casePage(request, id: context.parameters.get("id") ?? "") }
        routes.on(.post, "/console/cases/{id}/action") { request, context in try await act(request, id: context.parameters.get("id") ?? "") }
        routes.on(.get, "/console/cases/{id}/attachments/{sha}") { request, context in
            try await attachment(request, id: context.parameters.get("id") ?? "", sha: context.parameters.get("sha") ?? "")
        }
        routes.on(.get, "/console/dashboard") { request, _ in try await dashboard(request, printable: false) }
        routes.on(.get, "/console/report") { request, _ in try await dashboard(request, printable: true) }
        routes.on(.get, "/console/stats") { request, _ in try await statsPage(request) }
        routes.on(.get, "/console/stats.csv") { request, _ in try await statsCSV(request) }
        routes.on(.get, "/console/letter") { request, _ in try await letterPage(request) }
        routes.on(.post, "/console/letter") { request, _ in try await letter(request) }
        routes.on(.get, "/console/walkin") { request, _ in try await walkinPage(request) }
        routes.on(.post, "/console/walkin") { request, _ in try await walkin(request) }
        registerWarnings(on: routes)
        registerAccounts(on: routes)
    }

    // MARK: Login

    func loginPage(_ request: Request, error: String? = nil, status: HTTPResponse.Status = .ok) async -> Response {
        let token = Sessions.randomToken()
        var c: [String: Any] = ["office": directory.office.name, "csrf": token, "title": "登录"]
        if let error { c["error"] = error }
        return pages.response("login", c, status: status, headers: [.setCookie: auth.setCookie(ConsoleAuth.loginCookie, token, maxAge: 3600)])
    }

    func login(_ request: Request, address: String) async throws -> Response {
        var request = request
        let form = FormBody.urlEncoded(String(decoding: try await request.collectBody(limit: 16 << 10), as: UTF8.self))
        guard let pre = ConsoleAuth.cookie(ConsoleAuth.loginCookie, in: request), let given = form.raw("_csrf"),
              ConsoleAuth.equal(pre, given) else {
            return await loginPage(request, error: "登录页面已过期，请重新输入账号和密码", status: .forbidden)
        }
        let id = form["user"] ?? ""
        let ticket: LoginThrottle.Ticket?
        do { ticket = try await throttle.admit(user: id, address: address) } catch {
            return await loginPage(request, error: "暂时无法登录（台账数据库无法访问），请稍后再试；如持续出现请联系管理员", status: .serviceUnavailable)
        }
        guard let ticket else {
            return await loginPage(request, error: "登录失败次数过多，请 15 分钟后再试，或联系管理员重置密码", status: .tooManyRequests)
        }
        guard case .success(let user) = await auth.users.authenticate(id: id, password: form.raw("password") ?? "") else {
            return await loginPage(request, error: "账号或密码不正确", status: .unauthorized)
        }
        try? await throttle.succeeded(ticket)
        let (sessionID, _) = await auth.sessions.open(userID: user.id)
        var headers = HTTPFields()
        headers[.location] = user.mustChangePassword ? "/console/password" : "/console"
        headers.append(HTTPField(name: .setCookie, value: auth.setCookie(ConsoleAuth.cookie, sessionID)))
        headers.append(HTTPField(name: .setCookie, value: auth.setCookie(ConsoleAuth.loginCookie, "", maxAge: 0)))
        return Response(status: .seeOther, headers: headers)
    }

    func logout(_ request: Request) async throws -> Response {
        let authorised = try await authorisedForm(request, limit: 16 << 10)
        guard case .form(let current, _) = authorised else { return authorised.refusal }
        await auth.sessions.close(current.sessionID)
        return Response(status: .seeOther, headers: [.location: "/console/login", .setCookie: auth.setCookie(ConsoleAuth.cookie, "", maxAge: 0)])
    }

    func toLogin() -> Response { Response(status: .seeOther, headers: [.location: "/console/login"]) }

    func forbidden() -> Response {
        pages.response("message", ["office": directory.office.name, "title": "操作被拒绝",
                                   "message": "页面已过期或未登录：请返回上一页刷新后重试，或重新登录。"], status: .forbidden)
    }

    func base(_ current: ConsoleAuth.Current, _ extra: [String: Any]) -> [String: Any] {
        var c: [String: Any] = [
            "office": directory.office.name, "csrf": current.session.csrf, "userName": current.user.name,
            "userRoles": current.user.roles.map(\.displayName).sorted().joined(separator: "、"),
            "isAdmin": current.user.roles.contains(.admin),
        ]
        // // A year without a holiday calendar is announced on every console page, not only in the log (docs/domain/holidays.md#missing-years).
        if let warning = deps.config.routing?.calendarWarning(today: deps.clock.now(), timeZone: deps.config.office.timeZone) {
            c["calendarWarning"] = warning
        }
        // A reload that failed is announced to admins on every page until a reload succeeds (docs/config-reload.md).
        if current.user.roles.contains(.admin), let failure = deps.configHolder?.status.failure { c["configWarning"] = failure.summary }
        for (k, v) in extra { c[k] = v }
        return c
    }

    // MARK: Ledger

    /// The ledger filter of the query string, the filter values as given, the page, and — when a value was not
    /// usable and left out — a message to show in the page (Chinese, saying what is accepted).
    func query(_ request: Request) -> (CaseQuery, [String: String], Int, String?) {
        var params: [String: String] = [:]
        for (k, v) in request.uri.queryParameters where !v.isEmpty { params[String(k)] = String(v).removingPercentEncoding ?? String(v) }
        var q = CaseQuery()
        if let s = params["status"].flatMap(CaseStatus.init(rawValue:)) { q.statuses = [s] }
        q.channel = params["channel"].flatMap(Channel.init(rawValue:))
        q.village = params["village"]
        q.category = params["category"]
        q.leader = params["leader"]
        q.staff = params["staff"]
        var problem: String?
        if let text = params["q"] {
            do { q.text = try CaseQuery.checkedText(text) } catch {
                problem = "搜索内容太长（\(text.count) 个字符），最多 \(CaseQuery.maxTextLength) 个字符，请缩短后重新搜索"
                params["q"] = String(text.prefix(CaseQuery.maxTextLength))
            }
        }
        func day(_ name: String) -> Date? {
            guard let text = params[name] else { return nil }
            do { return try Checked.time(text + "T00:00:00", field: name, defaultTimeZone: zone) } catch {
                problem = problem ?? "日期「\(Checked.excerptForMessage(text))」格式不对，应为 2026-11-01（\(Checked.timeRangeText)），已忽略"
                params[name] = nil
                return nil
            }
        }
        q.registeredFrom = day("from")
        q.registeredTo = day("to")?.addingTimeInterval(86_400)
        if params["overdue"] == "1" { q.overdueAt = deps.clock.now() }
        if params["follow_up_overdue"] == "1" { q.followUpOverdueAt = deps.clock.now() }
        q.limit = Self.ledgerPageSize
        // Pages beyond the deepest offset are clamped, so `(page - 1) * limit` cannot overflow; deeper pages go on
        // by cursor ("下一页" after the last numbered page).
        let page = Checked.clamp((try? Checked.int(params["page"] ?? "1", field: "page")) ?? 1, to: Self.numberedPages)
        q.offset = (page - 1) * q.limit
        if let text = params["cursor"] {
            if let cursor = CaseCursor(encoded: text) {
                q.cursor = cursor
                q.offset = 0
            } else {
                problem = problem ?? "翻页位置无法识别，已从第一页开始显示"
                params["cursor"] = nil
            }
        }
        return (q, params, page, problem)
    }

    func personName(_ id: String?) -> String {
        guard let id else { return "" }
        return directory.person(id)?.name ?? id
    }

    func row(_ r: CaseRecord, access: CaseAccess, now: Date) -> [String: Any] {
        let pii = access.seesPII(r)
        let c = pii ? r.complainant : masking.complainant(r.complainant)
        return [
            "id": r.id.description, "channel": r.channel.displayName, "registered": HubTime.minutes(r.registeredAt, in: zone),
            "village": r.village.flatMap { directory.village($0)?.name } ?? r.village ?? "",
            "category": r.category.flatMap { directory.category($0)?.name } ?? r.category ?? "",
            "subject": pii ? r.subject : masking.numbers(in: r.subject), "status": r.status.displayName,
            "leader": personName(r.leader), "staff": personName(r.staff),
            "deadline": r.deadline.map { HubTime.minutes($0, in: zone) } ?? "", "overdue": r.isOverdue(at: now),
            "followUpOverdue": r.isFollowUpOverdue(at: now),
            "complainant": c.name ?? "匿名", "phone": c.phone ?? "",
        ]
    }

    func ledger(_ request: Request) async throws -> Response {
        guard let current = await auth.current(request) else { return toLogin() }
        let (q, params, page, problem) = query(request)
        let result = try await deps.store.searchCases(access(current).restrict(q))
        let now = deps.clock.now()
        var queryString = params.filter { $0.key != "page" && $0.key != "cursor" }.sorted { $0.key < $1.key }
            .map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&")
        if !queryString.isEmpty { queryString += "&" }
        // Page numbers while an offset is cheap (the first `numberedPages`); past them, and after a capped count,
        // "下一页" goes on by cursor and the page shows no number.
        let counted = max(1, (result.total + q.limit - 1) / q.limit)
        let pages = min(counted, Self.numberedPages.upperBound)
        let byCursor = q.cursor != nil
        let nextByCursor = result.nextCursor.map { "?\(queryString)cursor=\($0.encoded)" } ?? ""
        let next = byCursor || page >= pages ? nextByCursor : "?\(queryString)page=\(page + 1)"
        let prev = byCursor ? "?\(queryString.dropLast())" : page > 1 ? "?\(queryString)page=\(page - 1)" : ""
        let position = byCursor
            ? "更早的案件（按位置续翻）"
            : "第 \(page) / \(pages)\(result.totalCapped || counted > pages ? "+" : "") 页"
        var c = base(current, [
            "title": "工作台账", "rows": result.items.map { row($0, access: access(current), now: now) },
            "total": result.totalCapped ? "\(result.total)+" : "\(result.total)",
            "position": position, "prevLabel": byCursor ? "回到第一页" : "上一页", "exportQuery": queryString,
            "statuses": CaseStatus.allCases.map { ["value": $0.rawValue, "label": $0.displayName, "selected": params["status"] == $0.rawValue] },
            "channels": Channel.allCases.map { ["value": $0.rawValue, "label": $0.displayName, "selected": params["channel"] == $0.rawValue] },
            "villages": directory.villages.map { ["value": $0.code, "label": $0.name, "selected": params["village"] == $0.code] },
            "categories": directory.categories.map { ["value": $0.code, "label": $0.name, "selected": params["category"] == $0.code] },
            "leaders": people(.leader).map { ["value": $0.id, "label": $0.name, "selected": params["leader"] == $0.id] },
            "staffs": people(.staff).map { ["value": $0.id, "label": $0.name, "selected": params["staff"] == $0.id] },
            "q": params["q"] ?? "", "from": params["from"] ?? "", "to": params["to"] ?? "", "overdue": params["overdue"] == "1",
            "followUpOverdue": params["follow_up_overdue"] == "1",
        ])
        // Only links that lead somewhere: a mustache section shows for any string, even an empty one.
        if !prev.isEmpty { c["prev"] = prev }
        if !next.isEmpty { c["next"] = next }
        if let problem { c["error"] = problem }
        return self.pages.response("ledger", c)
    }

    func people(_ role: Directory.Role) -> [Directory.Person] {
        directory.people.filter { $0.roles.contains(role) || (role == .leader && $0.roles.contains(.principalLeader)) }
    }

    /// Rows per page of the console's ledger.
    static let ledgerPageSize = 20
    /// The pages the console numbers (reached by offset, at most `CaseQuery.maxOffset` rows deep).
    static let numberedPages = 1...(CaseQuery.maxOffset / ledgerPageSize + 1)

    /// Most rows one CSV export holds (the file is built in memory).
    static let exportLimit = 20_000

    func export(_ request: Request) async throws -> Response {
        guard let current = await auth.current(request) else { return toLogin() }
        let access = access(current)
        var (q, _, _, _) = query(request)
        q = access.restrict(q)
        q.limit = CaseQuery.maxLimit
        q.offset = 0
        q.cursor = nil
        // Counted far enough to say how many the export left out.
        q.totalCap = Self.exportLimit + 1
        let now = deps.clock.now()
        var lines = ["编号,渠道,登记时间,村（社区）,类别,标题,状态,责任领导,承办人员,办理期限,是否超期,反映人,电话"]
        var total = 0
        var capped = false
        while lines.count <= Self.exportLimit {
            let page = try await deps.store.searchCases(q)
            total = page.total
            capped = page.totalCapped
            // Masking and quoting cost CPU in proportion to the text: off the shared threads (`Offload`).
            let routes = self
            lines += try await Offload.run {
                page.items.map { r in
                    let x = routes.row(r, access: access, now: now)
                    let cells = ["id", "channel", "registered", "village", "category", "subject", "status", "leader", "staff", "deadline"]
                        .map { "\(x[$0] ?? "")" } + [(x["overdue"] as? Bool) == true ? "是" : "否", "\(x["complainant"] ?? "")", "\(x["phone"] ?? "")"]
                    return cells.map(CSVCell.escape).joined(separator: ",")
                }
            }
            guard let next = page.nextCursor else { break }
            q.cursor = next
        }
        if total > Self.exportLimit {
            lines = Array(lines.prefix(Self.exportLimit + 1))
            lines.append(CSVCell.escape("（\(capped ? "超过 \(Self.exportLimit)" : "共 \(total)") 条，只导出了前 \(Self.exportLimit) 条：请按日期、村或状态缩小范围后分批导出）"))
        }
        return CSVCell.download(lines, filename: "ledger.csv", chineseName: "%E5%B7%A5%E4%BD%9C%E5%8F%B0%E8%B4%A6.csv")
    }
}

/// One CSV cell for Excel: quoted when needed; a leading = + - @ is defused so a cell is never run as a formula.
enum CSVCell {
    static func escape(_ value: String) -> String {
        var v = value
        if let first = v.first, "=+-@".contains(first) { v = "'" + v }
        if v.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + v.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return v
    }
}
