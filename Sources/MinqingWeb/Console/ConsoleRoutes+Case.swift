import Foundation
import HTTPTypes
import Hummingbird
import MinqingConfig
import MinqingCore
import MinqingHTTP
import MinqingStore

extension ConsoleRoutes {
    func caseContext(_ record: CaseRecord, current: ConsoleAuth.Current, error: String? = nil) async throws -> [String: Any] {
        let access = access(current)
        let pii = access.seesPII(record)
        let c = pii ? record.complainant : masking.complainant(record.complainant)
        let audit = try await deps.store.auditTrail(of: record.id)
        let notifications = try await deps.store.caseNotifications(record.id).map { n -> [String: Any] in
            ["target": n.entry.target, "event": n.entry.event, "state": Self.stateName(n.entry.state),
             "toCitizen": Contact.isCitizen(n.entry.recipients),
             "attempts": n.attempts.map { a -> [String: Any] in
                 ["number": a.number, "at": HubTime.minutes(a.startedAt, in: zone), "result": Self.resultName(a.result),
                  "status": a.httpStatus.map(String.init) ?? "", "detail": a.detail ?? ""]
             }]
        }
        let allowed = CaseAction.Kind.allCases.filter {
            CaseStateMachine.allowedFrom($0).contains(record.status) && access.may($0, on: record)
        }
        var ctx = base(current, [
            "title": record.id.description, "id": record.id.description, "status": record.status.displayName,
            "channel": record.channel.displayName, "registered": HubTime.minutes(record.registeredAt, in: zone),
            "village": record.village.flatMap { directory.village($0)?.name } ?? record.village ?? "未填",
            "category": record.category.flatMap { directory.category($0)?.name } ?? record.category ?? "未填",
            "subject": pii ? record.subject : masking.numbers(in: record.subject),
            "body": pii ? record.body : masking.numbers(in: record.body),
            "name": c.name ?? "匿名", "phone": c.phone ?? "", "idNumber": c.idNumber ?? "", "email": c.email ?? "",
            "masked": !pii, "leader": personName(record.leader), "staff": personName(record.staff),
            "deadline": record.deadline.map { HubTime.minutes($0, in: zone) } ?? "",
            "overdue": record.isOverdue(at: deps.clock.now()),
            "followUpDue": record.status == .replied ? record.followUpDue.map { HubTime.minutes($0, in: zone) } ?? "" : "",
            "followUpOverdue": record.isFollowUpOverdue(at: deps.clock.now()),
            "outcome": record.outcome?.displayName ?? "", "reply": record.replyText ?? "",
            "satisfaction": record.satisfaction?.displayName ?? "", 
            "repeats": record.repeatOf.map(\.description), "mergedInto": record.mergedInto?.description ?? "",
            "flags": record.flags.map(\.displayName),
            "hasRouting": record.routing.map { !$0.reasons.isEmpty } ?? false,
            "routingReasons": record.routing?.reasons ?? [], "routingWarnings": record.routing?.warnings ?? [],
            "attachments": pii ? record.attachments.map { ["name": $0.filename, "sha": $0.sha256, "size": $0.size, "type": $0.contentType] } : [],
            "attachmentsHidden": !pii && !record.attachments.isEmpty,
            "hasAttachments": pii && !record.attachments.isEmpty, "hasRepeats": !record.repeatOf.isEmpty,
            "audit": audit.map { e -> [String: Any] in
                ["at": HubTime.minutes(e.at, in: zone), "actor": personName(e.actor),
                 "action": CaseAction.Kind(rawValue: e.action)?.displayName ?? (e.action == "received" ? "登记" : e.action),
                 "to": e.to.displayName, "reason": e.reason ?? "",
                 "details": e.details.sorted { $0.key < $1.key }.map { "\($0.key)：\(personName($0.value))" }.joined(separator: "；")]
            },
            "notifications": notifications,
            "citizenOptOut": record.citizenOptOut == true,
            "canAct": !allowed.isEmpty,
            "leaders": people(.leader).map { ["value": $0.id, "label": "\($0.name)（\($0.title ?? "")）"] },
            "staffs": (people(.staff) + people(.clerk)).map { ["value": $0.id, "label": "\($0.name)（\($0.title ?? "")）"] },
            "villageOptions": directory.villages.map { ["value": $0.code, "label": $0.name] },
            "categoryOptions": directory.categories.map { ["value": $0.code, "label": $0.name] },
            "outcomes": Outcome.allCases.map { ["value": $0.rawValue, "label": $0.displayName] },
            "satisfactions": [Satisfaction.satisfied, .basicallySatisfied, .unsatisfied].map { ["value": $0.rawValue, "label": $0.displayName] },
        ])
        for kind in allowed { ctx["can_\(kind.rawValue)"] = true }
        for (key, value) in try await relatedPanel(record, access: access) { ctx[key] = value }
        // The citizen's lookup code is a credential: only for those who see the case in full.
        if pii, let code = LookupCode.code(for: record) { ctx["lookupCode"] = code }
        if let error { ctx["error"] = error }
        return ctx
    }

    static func stateName(_ state: OutboxEntry.State) -> String {
        switch state {
        case .pending: "待发送"
        case .retrying: "重试中"
        case .delivered: "已送达"
        case .dead: "投递失败"
        }
    }

    static func resultName(_ result: DeliveryAttempt.Result) -> String {
        switch result {
        case .sending: "发送中"
        case .delivered: "已送达"
        case .failed: "失败"
        case .rateLimited: "被限流"
        case .rejected: "被拒收"
        case .suppressed: "未发送（回避或目标停用）"
        case .deferred: "延后发送（目标限流或暂停中）"
        }
    }

    func fetch(_ idText: String) async throws -> CaseRecord? {
        guard let id = CaseID(idText.uppercased()) else { return nil }
        return try await deps.store.fetchCase(id)
    }

    func notFound(_ idText: String) -> Response {
        pages.response("message", ["office": directory.office.name, "title": "案件不存在",
                                   "message": "没有编号为「\(idText)」的案件，请核对编号。"], status: .notFound)
    }

    func casePage(_ request: Request, id: String) async throws -> Response {
        guard let current = await auth.current(request) else { return toLogin() }
        // A case about the user is, for them, a case that does not exist.
        guard let record = try await fetch(id), access(current).mayView(record) else { return notFound(id) }
        return pages.response("case", try await caseContext(record, current: current))
    }

    func act(_ request: Request, id: String) async throws -> Response {
        let authorised = try await authorisedForm(request)
        guard case .form(let current, let form) = authorised else { return authorised.refusal }
        let access = access(current)
        guard let record = try await fetch(id), access.mayView(record) else { return notFound(id) }
        let message: String
        do {
            let action = try ActionForm.action(form, timeZone: zone)
            guard access.may(action.kind, on: record) else {
                return pages.response("case", try await caseContext(record, current: current,
                    error: "您的账号不能对此案件执行「\(action.kind.displayName)」：承办人员只能办理交办给自己的案件，登记、交办由群工办干事办理，延期等需领导审批。"),
                    status: .forbidden)
            }
            _ = try await deps.store.apply(action, to: record.id, actor: current.user.id,
                                           expectedVersion: form["version"].flatMap(Int.init), at: deps.clock.now())
            return Response(status: .seeOther, headers: [.location: "/console/cases/\(record.id)"])
        } catch let error as ActionForm.Invalid {
            message = error.message
        } catch let error as TransitionError {
            message = error.description
        }
        let latest = try await fetch(id) ?? record
        return pages.response("case", try await caseContext(latest, current: current, error: message), status: .unprocessableContent)
    }

    func attachment(_ request: Request, id: String, sha: String) async throws -> Response {
        guard let current = await auth.current(request) else { return toLogin() }
        guard let record = try await fetch(id), access(current).mayView(record),
              let ref = record.attachments.first(where: { $0.sha256 == sha }) else { return notFound(id) }
        guard access(current).seesPII(record) else { return forbidden() }
        guard let data = try await deps.store.attachmentData(sha256: sha) else { return notFound(id) }
        let safeType = ["image/jpeg", "image/png", "application/pdf"].contains(ref.contentType) ? ref.contentType : "application/octet-stream"
        return Response(status: .ok, headers: [.contentType: safeType, HTTPField.Name("X-Content-Type-Options")!: "nosniff"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    // MARK: Walk-in registration (channel visit)

    func walkinContext(_ current: ConsoleAuth.Current, values: FormBody = FormBody(), error: String? = nil) -> [String: Any] {
        var c = base(current, [
            "title": "来访登记", "nonce": FormToken.issue(at: deps.clock.now()).nonce,
            "villages": directory.villages.map { ["value": $0.code, "label": $0.name, "selected": values["village"] == $0.code] },
            "categories": directory.categories.map { ["value": $0.code, "label": $0.name, "selected": values["category"] == $0.code] },
            "name": values["name"] ?? "", "phone": values["phone"] ?? "", "idNumber": values["id_number"] ?? "",
            "subject": values["subject"] ?? "", "text": values["text"] ?? "",
        ])
        if let error { c["error"] = error }
        return c
    }

    func walkinPage(_ request: Request) async throws -> Response {
        guard let current = await auth.current(request) else { return toLogin() }
        return pages.response("walkin", walkinContext(current))
    }

    func walkin(_ request: Request) async throws -> Response {
        let authorised = try await authorisedForm(request)
        guard case .form(let current, let form) = authorised else { return authorised.refusal }
        guard access(current).mayRegister else { return forbidden() }
        func fail(_ message: String) -> Response {
            pages.response("walkin", walkinContext(current, values: form, error: message), status: .unprocessableContent)
        }
        guard let nonce = form["nonce"], nonce.count == 32 else { return fail("页面已过期，请刷新后重新登记") }
        if let phone = form["phone"], PhoneNumber.kind(of: phone) == nil { return fail("电话「\(phone)」无效：手机号 11 位，座机请带区号") }
        if let id = form["id_number"], !ResidentID.isValid(id) { return fail("身份证号「\(id)」校验不通过，请核对") }
        guard let text = form["text"] else { return fail("请填写来访反映的内容") }
        let message = InboundMessage(
            channel: .visit, sourceRef: LookupCode.generatedPrefix + nonce, receivedAt: deps.clock.now(),
            complainant: Complainant(name: form["name"], phone: form["phone"], idNumber: form["id_number"]),
            village: form["village"], category: form["category"], subject: form["subject"], body: text,
            raw: Data("registered by \(current.user.id)".utf8), rawContentType: "text/plain")
        let receipt = try await deps.intake.submit(message)
        return Response(status: .seeOther, headers: [.location: "/console/cases/\(receipt.caseID)"])
    }
}

// MARK: Dashboard and monthly report

extension ConsoleRoutes {
    /// The period of `?from=&to=` (dates, `to` inclusive) or `?month=YYYY-MM`; the current month by default.
    func period(_ request: Request) -> (from: Date, to: Date, label: String) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let params = request.uri.queryParameters
        let now = deps.clock.now()
        // Unreadable or out-of-range dates fall back to the current month (Checked.time never traps).
        if let month = params.get("month"), let start = try? Checked.time(month + "-01T00:00:00", field: "month", defaultTimeZone: zone),
           let end = calendar.date(byAdding: .month, value: 1, to: start) {
            return (start, end, month.replacingOccurrences(of: "-", with: " 年 ") + " 月")
        }
        if let f = params.get("from"), let t = params.get("to"),
           let from = try? Checked.time(f + "T00:00:00", field: "from", defaultTimeZone: zone),
           let to = try? Checked.time(t + "T00:00:00", field: "to", defaultTimeZone: zone) {
            return (from, to.addingTimeInterval(86_400), "\(f) 至 \(t)")
        }
        let c = calendar.dateComponents([.year, .month], from: now)
        let start = calendar.date(from: c)!
        return (start, calendar.date(byAdding: .month, value: 1, to: start)!, String(format: "%04d 年 %02d 月", c.year!, c.month!))
    }

    /// The period's figures as `current` may see them: grouped counts from the store (a month of a county's ledger
    /// is never loaded), leaving out the cases about the reader (第三十条), and the overdue cases they may view.
    func stats(from: Date, to: Date, for current: ConsoleAuth.Current) async throws -> LedgerStats? {
        guard let store = deps.store as? any LedgerStatistics else { return nil }
        let now = deps.clock.now(), access = access(current)
        var q = access.restrict(CaseQuery())
        var groups: [RateDimension: [RateRow]] = [:]
        for dimension in [RateDimension.status, .channel, .village, .category] {
            groups[dimension] = try await store.rates(RateQuery(
                registeredFrom: from, registeredTo: to, dimension: dimension, now: now, excludingConcerns: q.excludingConcerns))
        }
        q.registeredFrom = from
        q.registeredTo = to
        q.overdueAt = now
        q.limit = Self.dashboardOverdueLimit
        let overdue = try await deps.store.searchCases(q).items.filter(access.mayView)
        return LedgerStats(groups: groups, overdue: overdue, name: statsName)
    }

    /// The most overdue cases the dashboard lists (the ledger's 已超期 filter shows them all).
    static let dashboardOverdueLimit = 100

    func dashboard(_ request: Request, printable: Bool) async throws -> Response {
        guard let current = await auth.current(request) else { return toLogin() }
        let (from, to, label) = period(request)
        guard let s = try await stats(from: from, to: to, for: current) else {
            return pages.response("dashboard", base(current, ["title": "统计", "period": label, "error": "当前存储不支持统计"]))
        }
        let now = deps.clock.now()
        let c = base(current, [
            "title": printable ? "月度报表 \(label)" : "统计", "period": label, "printable": printable, "total": s.total,
            "replyRate": LedgerStats.percent(s.replyRate), "onTimeRate": LedgerStats.percent(s.onTimeRate),
            "satisfactionRate": LedgerStats.percent(s.satisfactionRate),
            "replied": s.replied, "takenUp": s.takenUp, "onTime": s.onTime, "dueOrReplied": s.dueOrReplied,
            "satisfied": s.satisfied, "rated": s.rated,
            "charts": [("按状态", s.byStatus), ("按渠道", s.byChannel), ("按村（社区）", s.byVillage), ("按类别", s.byCategory)].map { title, counts in
                ["title": title, "chart": LedgerStats.bars(counts), "table": counts.map { ["label": $0.label, "count": $0.count] }] as [String: Any]
            },
            "overdue": s.overdue.map { row($0, access: access(current), now: now) },
        ])
        return pages.response("dashboard", c)
    }
}
