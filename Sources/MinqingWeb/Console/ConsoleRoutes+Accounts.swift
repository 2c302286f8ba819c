import Foundation
import HTTPTypes
import Hummingbird
import MinqingCore
import MinqingHTTP
import MinqingStore

/// 账号管理 (`/console/admin/accounts`, role admin only) and 修改密码 (`/console/password`, every user). Accounts
/// live in the store (`StaffUsers`), so a change here takes effect at the next request of every hub instance; every
/// change is audited and the latest changes are shown on the page. To anyone but an admin the admin pages do not
/// exist (404); their forms are refused (403).
extension ConsoleRoutes {
    func registerAccounts<Context: RequestContext>(on routes: RouteTable<Context>) {
        routes.on(.get, "/console/password") { request, _ in await passwordPage(request) }
        routes.on(.post, "/console/password") { request, _ in try await changePassword(request) }
        routes.on(.get, "/console/admin/accounts") { request, _ in try await accountsPage(request) }
        routes.on(.post, "/console/admin/accounts") { request, _ in try await addAccount(request) }
        routes.on(.post, "/console/admin/reload") { request, _ in try await reloadConfig(request) }
        routes.on(.post, "/console/admin/accounts/{id}/{action}") { request, context in
            try await changeAccount(request, id: context.parameters.get("id") ?? "", action: context.parameters.get("action") ?? "")
        }
    }

    // MARK: Change password

    func passwordPage(_ request: Request, error: String? = nil, status: HTTPResponse.Status = .ok) async -> Response {
        guard let current = await auth.current(request, forPasswordChange: true) else { return toLogin() }
        var c = base(current, ["title": "修改密码", "mustChange": current.user.mustChangePassword,
                               "minimumLength": PasswordPolicy.minimumLength, "userID": current.user.id])
        if let error { c["error"] = error }
        return pages.response("password", c, status: status)
    }

    func changePassword(_ request: Request) async throws -> Response {
        let authorised = try await authorisedForm(request, limit: 16 << 10, forPasswordChange: true)
        guard case .form(let current, let form) = authorised else { return authorised.refusal }
        let new = form.raw("new") ?? ""
        guard new == form.raw("repeat") ?? "" else {
            return await passwordPage(request, error: "两次输入的新密码不一致，请重新输入", status: .badRequest)
        }
        do {
            try await auth.users.changeOwnPassword(id: current.user.id, current: form.raw("current") ?? "", new: new)
        } catch let e as StaffUsers.Failure {
            return await passwordPage(request, error: e.description, status: .badRequest)
        }
        // Changing the password ended every session of the account, this one too: a fresh one for this browser.
        let (sessionID, _) = await auth.sessions.open(userID: current.user.id)
        return Response(status: .seeOther, headers: [.location: "/console", .setCookie: auth.setCookie(ConsoleAuth.cookie, sessionID)])
    }

    // MARK: Accounts

    func admin(_ request: Request) async -> ConsoleAuth.Current? {
        guard let current = await auth.current(request), current.user.roles.contains(.admin) else { return nil }
        return current
    }

    func notFound() -> Response {
        message("页面不存在", "没有这个页面：请从工作台账首页进入。", .notFound)
    }

    func accountsPage(_ request: Request, error: String? = nil, notice: String? = nil, shownPassword: (String, String)? = nil,
                      status: HTTPResponse.Status = .ok) async throws -> Response {
        guard let current = await auth.current(request) else { return toLogin() }
        guard current.user.roles.contains(.admin) else { return notFound() }
        let accounts = try await auth.users.accounts()
        let taken = Set(accounts.map(\.stored.id))
        let never = "从未登录"
        let rows: [[String: Any]] = accounts.map { a in
            let extra = Set(StaffRole.decode(a.stored.roles))
            return [
                "id": a.stored.id, "name": a.user.name, "source": a.inDirectory ? "名录人员" : "本地账号",
                "roles": a.user.roles.map(\.displayName).sorted().joined(separator: "、"),
                "state": a.stored.disabled ? "已停用" : a.stored.mustChangePassword ? "待修改密码" : "正常",
                "disabled": a.stored.disabled, "self": a.stored.id == current.user.id,
                "lastLogin": a.stored.lastLogin.map { HubTime.minutes($0, in: zone) } ?? never,
                "roleChoices": StaffRole.allCases.map { ["value": $0.rawValue, "label": $0.displayName, "checked": extra.contains($0)] },
            ]
        }
        let changes = try await auth.users.store.accountChanges(account: nil, limit: 50).map { ch -> [String: Any] in
            ["at": HubTime.minutes(ch.at, in: zone), "actor": personName(ch.actor), "account": ch.account, "detail": ch.detail]
        }
        var c = base(current, [
            "title": "账号管理", "accounts": rows, "changes": changes, "hasChanges": !changes.isEmpty,
            "people": directory.people.filter { !taken.contains($0.id) }.map { ["id": $0.id, "label": "\($0.name)（\($0.id)）"] },
            "roleChoices": StaffRole.allCases.map { ["value": $0.rawValue, "label": $0.displayName] },
        ])
        if let status = deps.configHolder?.status {
            c["config"] = ["hash": String(status.hash.prefix(12)), "loadedAt": HubTime.minutes(status.loadedAt, in: zone),
                           "canReload": deps.reload != nil, "errors": status.failure?.errors ?? [],
                           "failedAt": status.failure.map { HubTime.minutes($0.at, in: zone) } ?? ""]
        }
        if let error { c["error"] = error }
        if let notice { c["notice"] = notice }
        if let (id, password) = shownPassword { c["shownPassword"] = ["id": id, "password": password] }
        return pages.response("accounts", c, status: status)
    }

    /// The admin's form, or the response refusing it: 403 for anyone who is not a signed-in admin.
    func adminForm(_ request: Request) async throws -> (ConsoleAuth.Current, FormBody)? {
        guard case .form(let current, let form) = try await authorisedForm(request, limit: 16 << 10),
              current.user.roles.contains(.admin) else { return nil }
        return (current, form)
    }

    func roles(_ form: FormBody) throws(StaffUsers.Failure) -> [StaffRole] {
        try form.all("role").map { text throws(StaffUsers.Failure) in
            guard let role = StaffRole(rawValue: text) else {
                throw StaffUsers.Failure(description: "未知角色「\(text.prefix(40))」：请在页面上勾选角色")
            }
            return role
        }
    }

    func addAccount(_ request: Request) async throws -> Response {
        guard let (current, form) = try await adminForm(request) else { return forbidden() }
        let local = form["kind"] == "local"
        let id = (local ? form["id"] : form["person"]) ?? ""
        do {
            guard !id.isEmpty else {
                throw StaffUsers.Failure(description: local ? "请填写本地账号名（英文字母、数字和 - _ .，如 county-viewer）" : "请选择名录中的人员")
            }
            if !local, directory.person(id) == nil {
                throw StaffUsers.Failure(description: "「\(id.prefix(64))」不在人员名录中：请从列表中选择，或添加本地账号")
            }
            let password = try await auth.users.add(id: id, roles: try roles(form), name: local ? form["name"] : nil, by: current.user.id)
            return try await accountsPage(request, notice: "已添加账号 \(id)", shownPassword: (id, password))
        } catch let e as StaffUsers.Failure {
            return try await accountsPage(request, error: e.description, status: .badRequest)
        }
    }

    func changeAccount(_ request: Request, id: String, action: String) async throws -> Response {
        guard let (current, form) = try await adminForm(request) else { return forbidden() }
        let users = auth.users
        do {
            switch action {
            case "reset":
                let password = try await users.resetPassword(id: id, by: current.user.id)
                return try await accountsPage(request, notice: "已重置 \(id) 的密码，该账号已登录的会话已结束", shownPassword: (id, password))
            case "roles":
                let roles = try roles(form)
                if id == current.user.id, !roles.contains(.admin) {
                    throw StaffUsers.Failure(description: "不能取消自己的管理员角色：请让另一位管理员操作，以免没有人能管理账号")
                }
                try await users.setRoles(id: id, roles: roles, by: current.user.id)
                return try await accountsPage(request, notice: "已修改 \(id) 的角色")
            case "disable":
                guard id != current.user.id else {
                    throw StaffUsers.Failure(description: "不能停用自己的账号：请让另一位管理员操作")
                }
                try await users.setDisabled(id: id, true, by: current.user.id)
                return try await accountsPage(request, notice: "已停用账号 \(id)，其已登录的会话已结束")
            case "enable":
                try await users.setDisabled(id: id, false, by: current.user.id)
                return try await accountsPage(request, notice: "已重新启用账号 \(id)")
            default:
                return notFound()
            }
        } catch let e as StaffUsers.Failure {
            return try await accountsPage(request, error: e.description, status: .badRequest)
        }
    }

    /// 重新加载配置: re-reads `Config/` now (validated in full first; a bad one keeps the running configuration).
    func reloadConfig(_ request: Request) async throws -> Response {
        guard let (current, _) = try await adminForm(request) else { return forbidden() }
        guard let reload = deps.reload else { return notFound() }
        let status = await reload(current.user.id)
        if let failure = status.failure {
            return try await accountsPage(request, error: "配置有误，未重新加载，仍在使用原配置：" + failure.errors.joined(separator: "；"),
                                          status: .unprocessableContent)
        }
        return try await accountsPage(request, notice: "已重新加载配置（指纹 \(status.hash.prefix(12))）；已登录的用户不受影响")
    }
}
