import Foundation
import Hummingbird
import MinqingConfig
import MinqingCore
import MinqingHTTP
import MinqingStore

/// The 可能重复 panel of the case page and the 预警 pages. Both follow `CaseAccess`: a case the reader may not see is
/// left out of every list here, as if it did not exist (信访工作条例 第三十条).
extension ConsoleRoutes {
    var relatedStore: (any RelatedCaseStore)? { deps.store as? any RelatedCaseStore }
    var warningStore: (any WarningStore)? { deps.store as? any WarningStore }

    /// Template values of the 可能重复 panel: the related cases the reader may see, each with reason, score and — for
    /// a clerk (or anyone allowed to merge) — a 并单 button that merges the newer of the two into the older.
    func relatedPanel(_ record: CaseRecord, access: CaseAccess) async throws -> [String: Any] {
        guard let store = relatedStore else { return [:] }
        var rows: [[String: Any]] = []
        for link in try await store.relatedCases(of: record.id) {
            guard let other = try await deps.store.fetchCase(link.caseID), access.mayView(other) else { continue }
            let (newer, older) = (other.registeredAt, other.id) > (record.registeredAt, record.id) ? (other, record) : (record, other)
            let canMerge = older.status != .merged && CaseStateMachine.allowedFrom(.merge).contains(newer.status)
                && access.may(.merge, on: newer) && access.mayView(older)
            rows.append([
                "id": other.id.description, "reason": link.reason.displayName, "reasonCode": link.reason.rawValue,
                "score": "\(Int((link.score * 100).rounded()))%", "status": other.status.displayName,
                "registered": HubTime.minutes(other.registeredAt, in: zone),
                "village": other.village.flatMap { directory.village($0)?.name } ?? other.village ?? "",
                "subject": access.seesPII(other) ? other.subject : masking.numbers(in: other.subject),
                "canMerge": canMerge, "mergeFrom": newer.id.description, "mergeInto": older.id.description,
            ])
        }
        var warnings: [[String: Any]] = []
        for w in try await warningStore?.warnings(containing: record.id) ?? [] {
            warnings.append(["id": w.id, "rule": w.rule, "state": w.state.displayName])
        }
        return ["hasRelated": !rows.isEmpty, "related": rows, "hasCaseWarnings": !warnings.isEmpty, "caseWarnings": warnings]
    }

    func registerWarnings<Context: RequestContext>(on routes: RouteTable<Context>) {
        routes.on(.get, "/console/warnings") { request, _ in try await warningsPage(request) }
        routes.on(.get, "/console/warnings/{id}") { request, context in try await warningPage(request, id: context.parameters.get("id") ?? "") }
        routes.on(.post, "/console/warnings/{id}/acknowledge") { request, context in
            try await acknowledgeWarning(request, id: context.parameters.get("id") ?? "")
        }
    }

    /// One warning as the reader may see it; nil when none of its cases is visible to them.
    func warningContext(_ w: EarlyWarning, access: CaseAccess) async throws -> [String: Any]? {
        var cases: [[String: Any]] = []
        var byVillage: [(name: String, ids: [String])] = []
        for id in w.members {
            guard let r = try await deps.store.fetchCase(id), access.mayView(r) else { continue }
            let village = r.village.flatMap { directory.village($0)?.name } ?? r.village ?? "未注明村（社区）"
            cases.append([
                "id": r.id.description, "village": village, "channel": r.channel.displayName, "status": r.status.displayName,
                "registered": HubTime.minutes(r.registeredAt, in: zone),
                "subject": access.seesPII(r) ? r.subject : masking.numbers(in: r.subject),
            ])
            if let i = byVillage.firstIndex(where: { $0.name == village }) { byVillage[i].ids.append(r.id.description) }
            else { byVillage.append((village, [r.id.description])) }
        }
        guard !cases.isEmpty else { return nil }
        let scope = w.scope == "township" ? "全镇" : directory.village(w.scope)?.name ?? directory.category(w.scope)?.name ?? w.scope
        let widest = byVillage.map(\.ids.count).max() ?? 1
        return [
            "id": w.id, "rule": w.rule, "scope": scope, "state": w.state.displayName, "open": w.state == .open,
            "count": cases.count, "raised": HubTime.minutes(w.raisedAt, in: zone), "updated": HubTime.minutes(w.updatedAt, in: zone),
            "acknowledgedBy": personName(w.acknowledgedBy), "acknowledgedAt": w.acknowledgedAt.map { HubTime.minutes($0, in: zone) } ?? "",
            "note": w.acknowledgementNote ?? "", "cases": cases,
            // The village "map": one bar per village, as wide as its share of the cluster.
            "villages": byVillage.map { v -> [String: Any] in
                ["name": v.name, "count": v.ids.count, "width": max(8, 240 * v.ids.count / widest), "ids": v.ids.joined(separator: "、")]
            },
        ]
    }

    func warningsPage(_ request: Request) async throws -> Response {
        guard let current = await auth.current(request) else { return toLogin() }
        let access = access(current)
        guard access.mayViewWarnings else { return forbidden() }
        let showAll = request.uri.queryParameters.get("all") == "1"
        let states: Set<EarlyWarning.State> = showAll ? [] : [.open]
        var items: [[String: Any]] = []
        for w in try await warningStore?.warnings(states: states, limit: 200) ?? [] {
            if let c = try await warningContext(w, access: access) { items.append(c) }
        }
        return pages.response("warnings", base(current, [
            "title": "预警", "warnings": items, "hasWarnings": !items.isEmpty, "showAll": showAll,
        ]))
    }

    func warningPage(_ request: Request, id: String, error: String? = nil) async throws -> Response {
        guard let current = await auth.current(request) else { return toLogin() }
        let access = access(current)
        guard access.mayViewWarnings else { return forbidden() }
        guard let w = try await warningStore?.warning(id: id), var c = try await warningContext(w, access: access) else {
            return message("预警不存在", "没有编号为「\(id)」的预警，请从预警列表中选择。", .notFound)
        }
        c["events"] = try await warningStore?.warningEvents(id: id).map { e -> [String: Any] in
            let action = ["raised": "发出预警", "grown": "新增案件", "acknowledged": "签收"][e.action] ?? e.action
            return ["at": HubTime.minutes(e.at, in: zone), "actor": personName(e.actor), "action": action,
                    // Member ids the reader may not see are not named in the trail either.
                    "detail": e.action == "acknowledged" ? (e.detail ?? "") : ""]
        } ?? []
        c["canAcknowledge"] = w.state == .open && access.mayAcknowledgeWarnings
        var ctx = base(current, c)
        ctx["title"] = "预警：\(w.rule)"
        if let error { ctx["error"] = error }
        return pages.response("warning", ctx, status: error == nil ? .ok : .unprocessableContent)
    }

    func acknowledgeWarning(_ request: Request, id: String) async throws -> Response {
        let authorised = try await authorisedForm(request, limit: 16 << 10)
        guard case .form(let current, let form) = authorised else { return authorised.refusal }
        let access = access(current)
        guard access.mayAcknowledgeWarnings, let store = warningStore else {
            return message("不能签收", "预警由领导签收：您的账号没有领导权限，请联系分管领导。", .forbidden)
        }
        guard let w = try await store.warning(id: id), try await warningContext(w, access: access) != nil else {
            return message("预警不存在", "没有编号为「\(id)」的预警，请从预警列表中选择。", .notFound)
        }
        do {
            _ = try await store.acknowledgeWarning(id: id, by: current.user.id, note: form["note"], at: deps.clock.now())
        } catch let error as WarningStoreError {
            return try await warningPage(request, id: id, error: error.description)
        }
        return Response(status: .seeOther, headers: [.location: "/console/warnings/\(id)"])
    }
}
