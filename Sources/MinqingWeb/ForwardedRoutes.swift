import Foundation
import Hummingbird
import MinqingCore
import MinqingHTTP
import MinqingStore

/// `POST /api/v1/forwarded/{id}/ack`: a county office (or the county's own hub) acknowledges (签收) a case the
/// township forwarded, or returns it (退回) to the township. Bearer-authenticated like the rest of `/api/v1`;
/// the case records who acknowledged it, in its audit trail.
struct ForwardedRoutes: Sendable {
    let deps: WebDependencies

    struct Ack: Decodable {
        /// The acknowledging office (e.g. 安仁县信访局).
        var by: String?
        var note: String?
        /// `acknowledged` (default) or `returned`.
        var result: String?
        /// The county's own case number, when it has one.
        var reference: String?
    }

    func register<Context: RequestContext>(on routes: RouteTable<Context>) {
        routes.on(.post, "/api/v1/forwarded/{id}/ack") { request, context in
            let text = context.parameters.get("id") ?? ""
            guard let id = CaseID(text) else {
                throw Problem.badRequest("id", "「\(text)」不是案件编号，应为 MQ-20261122-0042 这样的形式")
            }
            var request = request
            let ack = try JSONInput.decode(Ack.self, from: try await request.collectBody(limit: 1 << 16))
            guard let by = ack.by?.nonEmpty else { throw Problem.invalid("by", "请填写签收单位（如：安仁县信访局）") }
            let note = [ack.note?.nonEmpty, ack.reference?.nonEmpty.map { "县级编号 \($0)" }].compactMap { $0 }
                .joined(separator: "；").nonEmpty
            let action: CaseAction
            switch ack.result ?? "acknowledged" {
            case "acknowledged": action = .acknowledge(by: by, note: note)
            case "returned": action = .returnToTownship(reason: note ?? "\(by)退回")
            case let other: throw Problem.invalid("result", "「\(other)」不是可选值（可选：acknowledged, returned）")
            }
            do {
                let record = try await deps.store.apply(action, to: id, actor: by, expectedVersion: nil, at: deps.clock.now())
                return try Response.json(CaseDetail(record: record, audit: try await deps.store.auditTrail(of: id)))
            } catch let error as TransitionError {
                throw error.problem
            } catch CaseStoreError.caseNotFound {
                throw Problem.notFound("案件 \(id) 不存在，请核对编号")
            }
        }
    }
}
