import Foundation
import HTTPTypes
import Hummingbird
import MinqingCore
import MinqingHTTP
import MinqingStore

/// `POST /api/v1/forwarded/{id}/ack`: a county office (or the county's own hub) acknowledges (签收) a case the
/// township forwarded, or returns it (退回) to the township. Accepted only when signed by the county with Standard
/// Webhooks headers (`webhook-id`, `webhook-timestamp` within 5 minutes, `webhook-signature`, a key from
/// `api.ack_secrets`) or sent with a token that has the `ack` scope; a signature that is present (not empty) is
/// always checked.
/// The answer says what became of the case and carries no complainant data: the county got those in the case
/// packet, and the acknowledging caller needs none of them.
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

    /// How far a signed acknowledgement's timestamp may be from now (Standard Webhooks' replay window).
    static let signatureTolerance: TimeInterval = 300

    /// Whether a request carries a signature (an empty `webhook-signature` header, as some proxies add, is none).
    static func isSigned(_ request: Request) -> Bool {
        !(request.headers[HTTPField.Name("webhook-signature")!] ?? "").trimmingCharacters(in: .whitespaces).isEmpty
    }

    func verifySignature(_ request: Request, body: Data) throws {
        let secrets = deps.config.api.ackSecrets.map(\.value)
        guard !secrets.isEmpty else {
            throw Problem.badSignature("本镇未配置签收签名密钥（api.ack_secrets）：请不带签名头、改用有 ack 权限的令牌签收，或请本镇管理员配置密钥")
        }
        guard let signer = try? StandardWebhookSigner(secrets: secrets) else {
            throw Problem.badSignature("签收签名密钥配置有误，请检查 api.ack_secrets（应为 whsec_ 开头）")
        }
        let header = { (name: String) in HTTPField.Name(name).flatMap { request.headers[$0] } }
        guard let id = header("webhook-id"), let ts = header("webhook-timestamp").flatMap(Int.init),
              let signature = header("webhook-signature")
        else {
            throw Problem.badSignature("签收须带完整签名：请按 Standard Webhooks 加上 webhook-id、webhook-timestamp、webhook-signature 头")
        }
        guard abs(deps.clock.now().timeIntervalSince1970 - Double(ts)) <= Self.signatureTolerance else {
            throw Problem.badSignature("签名时间与本机相差超过 5 分钟：请核对签收系统的时钟后重发")
        }
        guard signer.verifies(header: signature, id: id, timestamp: ts, body: Array(body)) else {
            throw Problem.badSignature("签名不符：请核对签收系统使用的密钥（与本镇 api.ack_secrets 相同）")
        }
    }

    /// The audit actor of an acknowledgement: the signer, or the token's identity; throws unless one of them holds.
    func authenticate(_ request: Request, body: Data) throws -> String {
        if Self.isSigned(request) {
            try verifySignature(request, body: body)
            return Self.signedActor
        }
        return try APIAccess.require([.ack]).identity
    }

    /// Who a signed acknowledgement is recorded as (the office named in `by` goes to `on_behalf_of`).
    static let signedActor = "县级签收系统（已验证签名）"

    func register<Context: RequestContext>(on routes: RouteTable<Context>) {
        routes.on(.post, "/api/v1/forwarded/{id}/ack", access: .scopeOrSigned(.ack)) { request, context in
            let text = context.parameters.get("id") ?? ""
            guard let id = CaseID(text) else {
                throw Problem.badRequest("id", "「\(text)」不是案件编号，应为 MQ-20261122-0042 这样的形式")
            }
            var request = request
            let raw = try await request.collectBody(limit: 1 << 16)
            let actor = try authenticate(request, body: raw)
            let ack = try JSONInput.decode(Ack.self, from: raw)
            guard let by = ack.by?.nonEmpty else { throw Problem.invalid("by", "请填写签收单位（如：安仁县信访局）") }
            let note = [ack.note?.nonEmpty, ack.reference?.nonEmpty.map { "县级编号 \($0)" }].compactMap { $0 }
                .joined(separator: "；").nonEmpty
            let action: CaseAction
            let result = ack.result ?? "acknowledged"
            switch result {
            case "acknowledged": action = .acknowledge(by: by, note: note)
            case "returned": action = .returnToTownship(reason: note ?? "\(by)退回")
            case let other: throw Problem.invalid("result", "「\(other)」不是可选值（可选：acknowledged, returned）")
            }
            do {
                let record = try await deps.store.apply(action, to: id, actor: actor, onBehalfOf: by, expectedVersion: nil,
                                                        at: deps.clock.now())
                return try Response.json(AckAnswer(caseID: record.id, status: record.status, result: result, by: by,
                                                   version: record.version))
            } catch let error as TransitionError {
                throw error.problem
            } catch CaseStoreError.caseNotFound {
                throw Problem.notFound("案件 \(id) 不存在，请核对编号")
            }
        }
    }
}

/// The answer to an acknowledgement: what became of the case, nothing about the complainant.
struct AckAnswer: Encodable {
    let caseID: CaseID
    let status: CaseStatus
    let result: String
    let by: String
    let version: Int
}
