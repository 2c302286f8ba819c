import Foundation
import Hummingbird
import MinqingCore
import MinqingHTTP
import MinqingStore

/// The hotline over HTTP (a token with the `hotline` scope, see openapi.yaml): call records from the telephony
/// system, SMS from the gateway, 12345 work orders, and the rejected input kept for clerks. Reading stored calls
/// and rejected input shows callers' numbers, so it also needs `read_pii`. Every answer comes after the data is
/// durable; a bad request is answered with a problem naming the field, and kept.
public struct HotlineRoutes: Sendable {
    let hotline: HotlineIntake
    let maxBodyBytes: Int

    public init(hotline: HotlineIntake, maxBodyBytes: Int) {
        self.hotline = hotline
        self.maxBodyBytes = maxBodyBytes
    }

    public func register<Context: RequestContext>(on routes: RouteTable<Context>) {
        routes.on(.post, "/api/v1/hotline/calls", access: .scope(.hotline)) { request, _ in try await receiveCall(request) }
        routes.on(.get, "/api/v1/hotline/calls/{id}", access: .scopes([.hotline, .readPII])) { _, context in try await showCall(context.parameters.get("id") ?? "") }
        routes.on(.post, "/api/v1/hotline/sms", access: .scope(.hotline)) { request, _ in try await receiveSMS(request) }
        routes.on(.post, "/api/v1/hotline/work-orders", access: .scope(.hotline)) { request, _ in try await receiveWorkOrder(request) }
        routes.on(.get, "/api/v1/hotline/rejected", access: .scopes([.hotline, .readPII])) { request, _ in try await listRejected(request) }
    }

    var timeZone: TimeZone { hotline.timeZone }

    /// Decodes and converts a request body; a failure is kept for a clerk and answered as a problem.
    private func parse<T>(_ raw: Data, source: String, _ convert: (Data) throws -> T) async throws -> T {
        do {
            return try convert(raw)
        } catch let problem as Problem {
            let field = problem.errors.first?.field ?? ""
            let reason = problem.errors.first?.reason ?? problem.detail
            await hotline.keepRejected(RejectedInput(source: source, field: field, reason: reason, raw: raw, at: hotline.clock.now()))
            throw problem
        }
    }

    private func receiveCall(_ request: Request) async throws -> Response {
        var request = request
        let raw = try await request.collectBody(limit: maxBodyBytes)
        let call = try await parse(raw, source: "hotline.calls") { raw in
            try JSONInput.decode(CallRequest.self, from: raw).call(timeZone: timeZone)
        }
        let outcome = try await hotline.takeCalls([call])[0]
        return try Response.json(CallAnswer(outcome))
    }

    private func showCall(_ id: String) async throws -> Response {
        guard let stored = try await hotline.ledger.call(id),
              let call = try? CallRecord(document: stored.document)
        else { throw Problem.notFound("通话 \(id) 不存在，请核对通话编号") }
        return try Response.json(StoredCallAnswer(call: call, caseID: stored.caseID, role: stored.role))
    }

    private func receiveSMS(_ request: Request) async throws -> Response {
        var request = request
        let raw = try await request.collectBody(limit: maxBodyBytes)
        let sms = try await parse(raw, source: "hotline.sms") { raw in
            try JSONInput.decode(SMSRequest.self, from: raw).sms(raw: raw, timeZone: timeZone)
        }
        return try IntakeAnswer.response(try await hotline.takeSMS(sms))
    }

    private func receiveWorkOrder(_ request: Request) async throws -> Response {
        var request = request
        let raw = try await request.collectBody(limit: maxBodyBytes)
        let order = try await parse(raw, source: "hotline.work-orders") { raw in
            try JSONInput.decode(WorkOrderRequest.self, from: raw).order(raw: raw, timeZone: timeZone)
        }
        let answer = try await hotline.takeWorkOrder(order)
        return try IntakeAnswer.response(answer.receipt, body: WorkOrderAnswer(
            caseID: answer.receipt.caseID, status: answer.receipt.status, followUp: answer.receipt.followUp,
            deadline: answer.deadline, warnings: answer.warnings))
    }

    private func listRejected(_ request: Request) async throws -> Response {
        let q = request.uri.queryParameters
        var limit = 100
        if let text = q.get("limit") {
            do { limit = try Checked.int(text, field: "limit", in: 1...1000) } catch { throw Problem.badRequest(error) }
        }
        let rows = try await hotline.ledger.rejectedInputs(source: q.get("source"), limit: limit)
        return try Response.json(RejectedList(items: rows.map(RejectedAnswer.init)))
    }
}

struct CallAnswer: Encodable {
    let callId: String, result: CallResult, caseId: CaseID?, role: String?, closed: [CaseID], reason: String
    init(_ o: CallOutcome) {
        callId = o.callID; result = o.result; caseId = o.caseID; role = o.role; closed = o.closed; reason = o.reason
    }
}

struct StoredCallAnswer: Encodable {
    let call: CallRecord, caseID: CaseID?, role: String?
}

struct WorkOrderAnswer: Encodable {
    let caseID: CaseID, status: CaseStatus, followUp: Bool, deadline: Date?, warnings: [String]
}

struct RejectedList: Encodable { let items: [RejectedAnswer] }

struct RejectedAnswer: Encodable {
    let id: Int64?, source: String, line: Int?, column: Int?, field: String, reason: String, raw: String, at: Date
    let rawSha256: String, rawBytes: Int, rawTruncated: Bool
    init(_ r: RejectedInput) {
        id = r.id; source = r.source; line = r.line; column = r.column; field = r.field; reason = r.reason
        raw = String(decoding: r.raw, as: UTF8.self); at = r.at
        rawSha256 = r.rawSHA256; rawBytes = r.rawBytes; rawTruncated = r.isTruncated
    }
}
