import Crypto
import Foundation
import Hummingbird
import MinqingConfig
import MinqingCore
import MinqingHTTP
import MinqingStore

/// Open311 GeoReport v2 (JSON) so existing 311 clients can submit to channel `webform`.
///
/// - `GET /open311/v2/services.json`: the directory's categories as services.
/// - `POST /open311/v2/requests.json` (form-encoded, `api_key` = an API token with the `intake` scope): one case. The same body
///   again is a redelivery and returns the same id.
/// - `GET /open311/v2/requests/{id}.json`, `GET /open311/v2/requests.json`: status open/closed. Public, so they carry
///   neither the description nor anyone's personal data (信访工作条例 art. 30) — only what the public timeline shows.
public struct Open311Routes: Sendable {
    let intake: any MessageIntake
    let store: any CaseLedger
    let directory: Directory
    let clock: any WallClock
    let credentials: APICredentials
    let timeZone: TimeZone

    public init(intake: any MessageIntake, store: any CaseLedger, directory: Directory, clock: any WallClock,
                credentials: APICredentials, timeZone: TimeZone) {
        self.intake = intake
        self.store = store
        self.directory = directory
        self.clock = clock
        self.credentials = credentials
        self.timeZone = timeZone
    }

    public func register<Context: RequestContext>(on routes: RouteTable<Context>) {
        routes.on(.get, "/open311/v2/services.json") { _, _ in services() }
        routes.on(.post, "/open311/v2/requests.json") { request, _ in try await create(request) }
        routes.on(.get, "/open311/v2/requests.json") { request, _ in try await list(request) }
        routes.on(.get, "/open311/v2/requests/{id}") { _, context in try await one(context.parameters.get("id") ?? "") }
    }

    static func json(_ value: Any, status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("[]".utf8)
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func error(_ status: HTTPResponse.Status, _ description: String) -> Response {
        json([["code": Int(status.code), "description": description]], status: status)
    }

    func services() -> Response {
        Self.json(directory.categories.map {
            ["service_code": $0.code, "service_name": $0.name, "description": $0.aliases.joined(separator: "、"),
             "metadata": false, "type": "realtime", "keywords": $0.aliases.joined(separator: ","), "group": ""] as [String: Any]
        })
    }

    func create(_ request: Request) async throws -> Response {
        var request = request
        let raw = try await request.collectBody(limit: 64 << 10)
        let form = FormBody.parse(urlEncoded: raw)
        guard let key = form.raw("api_key"), let principal = credentials.principal(forToken: key) else {
            return Self.error(.forbidden, "api_key 无效：请向镇群工办申请接口密钥")
        }
        guard principal.has(.intake) else {
            return Self.error(.forbidden, "api_key「\(principal.name)」没有 intake（提交来信来电）权限：请管理员在 api.tokens 中为它加上 scopes: [intake]")
        }
        guard let code = form["service_code"], let category = directory.category(code) else {
            return Self.error(.badRequest, "service_code 无效：请从 services.json 中选择")
        }
        guard let description = form["description"] else { return Self.error(.badRequest, "description 不能为空：请写明反映的情况") }
        if let phone = form["phone"], PhoneNumber.kind(of: phone) == nil {
            return Self.error(.badRequest, "phone「\(phone)」不是有效的电话号码")
        }
        var body = description
        if let address = form["address_string"] { body += "\n地址：\(address)" }
        if let lat = form["lat"], let long = form["long"] { body += "\n位置：\(lat), \(long)" }
        let name = [form["last_name"], form["first_name"]].compactMap { $0 }.joined()
        // Open311 has no client token: the body itself (minus the key) identifies a resend.
        let identity = form.fields.filter { $0.0 != "api_key" }.map { "\($0.0)=\($0.1)" }.sorted().joined(separator: "&")
        let digest = SHA256.hash(data: Data(identity.utf8)).map { String(format: "%02x", $0) }.joined()
        let message = InboundMessage(
            channel: .webform, sourceRef: "open311:\(digest.prefix(32))", receivedAt: clock.now(),
            complainant: Complainant(name: name.isEmpty ? nil : name, phone: form["phone"], email: form["email"]),
            category: category.code, subject: String(description.prefix(30)), body: body,
            raw: raw, rawContentType: "application/x-www-form-urlencoded")
        let receipt = try await intake.submit(message)
        return Self.json([["service_request_id": receipt.caseID.description,
                           "service_notice": "已登记，请凭编号查询办理进度", "account_id": NSNull()] as [String: Any]],
                         status: receipt.opensCase ? .created : .ok)
    }

    func entry(_ r: CaseRecord) -> [String: Any] {
        let closed = !r.status.isOpen
        return [
            "service_request_id": r.id.description, "status": closed ? "closed" : "open",
            "status_notes": WebFormRoutes.publicStatus(r.status), "service_code": r.category ?? "",
            "service_name": r.category.flatMap { directory.category($0)?.name } ?? "",
            "agency_responsible": directory.office.name,
            "requested_datetime": HubTime.iso(r.registeredAt, in: timeZone), "updated_datetime": HubTime.iso(r.updatedAt, in: timeZone),
        ]
    }

    func one(_ file: String) async throws -> Response {
        guard file.hasSuffix(".json"), let id = CaseID(String(file.dropLast(5)).uppercased()),
              let record = try await store.fetchCase(id) else { return Self.error(.notFound, "没有这个编号的诉求，请核对") }
        return Self.json([entry(record)])
    }

    func list(_ request: Request) async throws -> Response {
        let params = request.uri.queryParameters
        if let ids = params.get("service_request_id") {
            var out: [[String: Any]] = []
            for text in ids.split(separator: ",") {
                if let id = CaseID(String(text).uppercased()), let r = try await store.fetchCase(id) { out.append(entry(r)) }
            }
            return Self.json(out)
        }
        var q = CaseQuery()
        q.category = params.get("service_code")
        do {
            q.registeredFrom = try params.get("start_date").map { s throws(FieldError) in try Checked.time(s, field: "start_date", defaultTimeZone: timeZone) }
            q.registeredTo = try params.get("end_date").map { s throws(FieldError) in try Checked.time(s, field: "end_date", defaultTimeZone: timeZone) }
        } catch {
            return Self.error(.badRequest, error.description)
        }
        // GeoReport v2: by default the last 90 days, at most 1000 requests.
        if q.registeredFrom == nil { q.registeredFrom = clock.now().addingTimeInterval(-90 * 86_400) }
        q.limit = CaseQuery.maxLimit
        let wanted = params.get("status")
        guard wanted == nil || wanted == "open" || wanted == "closed" else { return Self.error(.badRequest, "status 只能是 open 或 closed") }
        var out: [[String: Any]] = []
        while out.count < 1000 {
            let page = try await store.searchCases(q)
            for r in page.items {
                let e = entry(r)
                if wanted == nil || e["status"] as? String == wanted { out.append(e) }
            }
            guard let next = page.nextCursor else { break }
            q.cursor = next
        }
        return Self.json(Array(out.prefix(1000)))
    }
}
