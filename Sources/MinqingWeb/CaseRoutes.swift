import Foundation
import Hummingbird
import MinqingCore
import MinqingHTTP
import MinqingStore

/// The ledger over HTTP: read a case with its audit trail, list with filters, act on a case. Reading needs the
/// `read` scope and shows complainants masked unless the token also has `read_pii`; acting needs `transition`
/// and is recorded under the token's identity (a body's `actor` only as `on_behalf_of`).
struct CaseRoutes: Sendable {
    let deps: WebDependencies
    let redaction = APIRedaction()

    func register<Context: RequestContext>(on routes: RouteTable<Context>) {
        routes.on(.get, "/api/v1/cases", access: .scope(.read)) { request, _ in
            let principal = APIPrincipal.current
            let query = try CaseListQuery(request.uri.queryParameters, vocabulary: deps.config.vocabulary,
                                          timeZone: deps.config.office.timeZone).query
            if let text = query.text, !redaction.allowsSearch(text, for: principal) {
                throw Problem.missingScope([.readPII], token: principal?.name ?? "")
                    .with(detail: "按号码搜索（q 中含连续 3 位以上数字）需要 read_pii 权限：请只用文字或案件编号搜索，或改用有 read_pii 权限的令牌。")
            }
            let page = try await deps.store.searchCases(query)
            return try Response.json(CaseList(
                total: page.total, totalCapped: page.totalCapped, limit: query.limit, offset: query.offset,
                nextCursor: page.nextCursor?.encoded, items: page.items.map { redaction.record($0, for: principal) }))
        }
        routes.on(.get, "/api/v1/cases/{id}", access: .scope(.read)) { _, context in
            let id = try caseID(context)
            guard let record = try await deps.store.fetchCase(id) else { throw Problem.notFound("案件 \(id) 不存在，请核对编号") }
            return try await detail(record)
        }
        routes.on(.post, "/api/v1/cases/{id}/transitions", access: .scope(.transition)) { request, context in
            let principal = try APIAccess.require([.transition])
            let id = try caseID(context)
            var request = request
            let body = try JSONInput.decode(TransitionRequest.self, from: try await request.collectBody(limit: 1 << 20))
            let action = try body.action(vocabulary: deps.config.vocabulary, timeZone: deps.config.office.timeZone)
            do {
                let record = try await deps.store.apply(
                    action, to: id, actor: principal.identity, onBehalfOf: body.actor, expectedVersion: body.expectedVersion,
                    at: deps.clock.now())
                return try await detail(record)
            } catch let error as TransitionError {
                throw error.problem
            } catch CaseStoreError.caseNotFound {
                throw Problem.notFound("案件 \(id) 不存在，请核对编号")
            }
        }
    }

    /// The case and its audit trail as the current caller may see them.
    private func detail(_ record: CaseRecord) async throws -> Response {
        let principal = APIPrincipal.current
        let audit = try await deps.store.auditTrail(of: record.id)
        let related = try await (deps.store as? any RelatedCaseStore)?.relatedCases(of: record.id) ?? []
        let notifications = try await deps.store.caseNotifications(record.id)
            .map { CaseNotificationView($0, showPII: principal?.has(.readPII) == true) }
        return try Response.json(CaseDetail(record: redaction.record(record, for: principal),
                                            audit: redaction.audit(audit, for: principal), related: related,
                                            notifications: notifications))
    }

    private func caseID(_ context: some RequestContext) throws -> CaseID {
        let text = context.parameters.get("id") ?? ""
        guard let id = CaseID(text) else {
            throw Problem.badRequest("id", "「\(text)」不是案件编号，应为 MQ-20261122-0042 这样的形式")
        }
        return id
    }
}

/// A case with its audit trail: the record's fields at the top level, plus `audit`.
struct CaseDetail: Encodable {
    let record: CaseRecord
    let audit: [AuditEvent]
    /// Cases linked as possible repeats (`RelatedCaseStore`): id, reason and score only, no personal data.
    var related: [RelatedLink] = []
    /// The case's notifications, oldest first (`CaseNotificationView`).
    var notifications: [CaseNotificationView] = []

    func encode(to encoder: any Encoder) throws {
        try record.encode(to: encoder)
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(audit, forKey: .audit)
        try c.encode(related, forKey: .related)
        try c.encode(notifications, forKey: .notifications)
    }

    enum Key: String, CodingKey { case audit, related, notifications }
}

struct CaseList: Encodable {
    /// The matches, counted up to the cap (`total_capped`: there are more).
    let total: Int
    let totalCapped: Bool
    let limit: Int
    let offset: Int
    /// The `cursor` of the next page; absent on the last page.
    let nextCursor: String?
    let items: [CaseRecord]
}

/// `POST /api/v1/cases/{id}/transitions` body.
struct TransitionRequest: Decodable {
    var action: String?
    /// The person the integration acts for; recorded as `on_behalf_of` (the actor is the token's identity).
    var actor: String?
    var expectedVersion: Int?
    var fields: [String: ActionField]?

    func action(vocabulary: IntakeVocabulary, timeZone: TimeZone) throws -> CaseAction {
        let names = CaseAction.Kind.allCases.map(\.rawValue).joined(separator: ", ")
        guard let name = action?.nonEmpty else { throw Problem.invalid("action", "必须填写操作名称（可选：\(names)）") }
        guard let kind = CaseAction.Kind(rawValue: name) else {
            throw Problem.invalid("action", "「\(name)」不是已知操作（可选：\(names)）")
        }
        var fields = self.fields ?? [:]
        // A clerk's correction must name a village or category the directory knows.
        if kind == .classify {
            for (field, lookup) in [("village", vocabulary.village), ("category", vocabulary.category)] {
                if case .text(let written)? = fields[field] {
                    guard let code = lookup(written) else {
                        throw Problem.invalid("fields.\(field)", "「\(written)」不在名录中，请从名录中选择")
                    }
                    fields[field] = .text(code)
                }
            }
        }
        do {
            return try CaseAction(kind: kind, fields: fields, timeZone: timeZone)
        } catch {
            throw error.problem
        }
    }
}
