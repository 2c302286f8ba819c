import Crypto
import Foundation
import Hummingbird
import MinqingConfig
import MinqingCore
import MinqingHTTP
import MinqingRouting
import MinqingStore

/// The public side of channel `webform`: the 民情直通车 form, its receipt, the status look-up and the rating.
///
/// A form carries a signed token (nonce + time shown). The nonce is the message's source reference, so a double
/// tap or a resend after a bad network makes one case and shows the same receipt. The case is durable before the
/// receipt is shown (`MessageIntake.submit`).
public struct WebFormRoutes: Sendable {
    let intake: any MessageIntake
    let store: any CaseLedger
    let directory: Directory
    let clock: any WallClock
    let settings: WebFormSettings
    let pages: Pages
    let timeZone: TimeZone
    /// Every limit of the public side — new cases per address and per phone, failed look-ups per address and per
    /// case — is counted in the store, so all instances on one store count together and a restart forgets nothing.
    let attempts: any AttemptLedger

    let schedules: Schedules?
    let calendar: WorkCalendar?

    public init(intake: any MessageIntake, store: any CaseLedger, attempts: any AttemptLedger, directory: Directory,
                clock: any WallClock, settings: WebFormSettings, timeZone: TimeZone, schedules: Schedules? = nil,
                calendar: WorkCalendar? = nil) throws {
        self.attempts = attempts
        self.schedules = schedules
        self.calendar = calendar
        self.intake = intake
        self.store = store
        self.directory = directory
        self.clock = clock
        self.settings = settings
        self.timeZone = timeZone
        pages = try Pages(bundle: .module)
    }

    /// The store key counting `value` (an address, a phone number) for `purpose`: an HMAC under the form-token key
    /// (shared by every instance), so the attempts table holds no address or phone number in the clear.
    func limitKey(_ purpose: String, _ value: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("\(purpose)\u{0}\(value)".utf8), using: SymmetricKey(data: settings.tokenKey))
        return "\(purpose):" + mac.prefix(16).map { String(format: "%02x", $0) }.joined()
    }

    /// Counts one attempt of `value` for `purpose` within the form's window; nil when `limit` is reached.
    func reserve(_ purpose: String, _ value: String, limit: Int, at now: Date) async throws -> Int64? {
        try await attempts.reserveAttempt(key: limitKey(purpose, value), limit: limit, since: now.addingTimeInterval(-settings.window), at: now)
    }

    /// The source-reference prefix of messages from this form; only such cases have a lookup code.
    public static let sourcePrefix = LookupCode.generatedPrefix

    public static func lookupCode(for record: CaseRecord) -> String? { LookupCode.code(for: record) }

    public func register<Context: RequestContext>(on routes: RouteTable<Context>) {
        routes.on(.get, "/") { _, _ in Response(status: .seeOther, headers: [.location: "/form"]) }
        routes.on(.get, "/form") { _, _ in showForm() }
        routes.on(.post, "/form") { request, context in try await submit(request, context: context) }
        routes.on(.get, "/status") { _, _ in pages.response("status", base(["lookup": true])) }
        routes.on(.post, "/status") { request, context in try await lookup(request, context: context) }
        routes.on(.post, "/status/rate") { request, context in try await rate(request, context: context) }
        routes.on(.get, "/reception") { _, _ in pages.response("reception", base(ReceptionDays.context(
                directory: directory, schedules: schedules, calendar: calendar, now: clock.now(), timeZone: timeZone))) }
        routes.on(.get, "/assets/{name}") { _, context in
            StaticAssets.response(named: context.parameters.get("name") ?? "", in: .module) ?? Response(status: .notFound)
        }
    }

    // MARK: Form

    func base(_ extra: [String: Any]) -> [String: Any] {
        var c: [String: Any] = ["office": directory.office.name]
        for (k, v) in extra { c[k] = v }
        return c
    }

    func formContext(values: FormBody = FormBody(), error: CitizenSubmission.FieldError? = nil, message: String? = nil) -> [String: Any] {
        let token = FormToken.issue(at: clock.now()).encoded(key: settings.tokenKey)
        let village = values["village"], category = values["category"]
        var c = base([
            "token": token,
            "villages": directory.villages.map { ["code": $0.code, "name": $0.name, "selected": $0.code == village] },
            "categories": directory.categories.map { ["code": $0.code, "name": $0.name, "selected": $0.code == category] },
            "name": values["name"] ?? "", "phone": values["phone"] ?? "", "subject": values["subject"] ?? "",
            "text": values["text"] ?? "", "consent": values["consent"] == "yes", "keep_location": values["keep_location"] == "yes",
            "no_messages": values["no_messages"] == "yes",
            "maxPhotos": settings.maxPhotos, "maxPhotoMB": settings.maxPhotoBytes >> 20,
            "maxSubject": settings.maxSubjectLength,
        ])
        if let error { c["error"] = error.message; c["errorField"] = error.field; c["error_\(error.field)"] = true }
        if let message { c["error"] = message }
        return c
    }

    func showForm() -> Response {
        pages.response("form", formContext())
    }

    /// The form's token when it is signed by this hub and not expired.
    func validToken(_ form: FormBody, now: Date) -> FormToken? {
        guard let text = form.raw("form_token"), let token = FormToken.decode(text, key: settings.tokenKey),
              now.timeIntervalSince(token.issuedAt) <= settings.formLifetime else { return nil }
        return token
    }

    struct ExpiredForm: Error {}

    func submit<Context: RequestContext>(_ request: Request, context: Context) async throws -> Response {
        let now = clock.now()
        let form: FormBody
        do {
            // The token is the form's first field: a body without a valid one is refused after its first part.
            form = try await FormBody.read(request, limit: settings.maxBodyBytes, limits: settings.multipart, spool: settings.spool) { form in
                guard validToken(form, now: now) != nil else { throw ExpiredForm() }
            }
        } catch is ExpiredForm {
            return pages.response("form", formContext(message: "表单已过期，请重新填写后提交"), status: .unprocessableContent)
        } catch let error as FormBodyError {
            if case .spoolFailed = error {  // the disk, not the citizen: say so, and let them retry
                return pages.response("form", formContext(message: error.description), status: .serviceUnavailable)
            }
            return pages.response("form", formContext(message: error.description), status: .badRequest)
        } catch let problem as Problem where problem.status == .contentTooLarge {
            let mb = settings.maxBodyBytes >> 20
            return pages.response("form", formContext(message: "提交的内容超过上限 \(mb) MB：请减少照片或压缩后重试"), status: .contentTooLarge)
        }
        defer { form.removeFiles() }
        // Honeypot: a field people never see. Filled in means a script.
        if form["website"] != nil {
            return pages.response("form", formContext(message: "提交未成功。如果您是本人填写，请刷新页面重新填写。"), status: .unprocessableContent)
        }
        guard let token = validToken(form, now: now) else {
            return pages.response("form", formContext(values: form, message: "表单已过期，请核对内容后再次提交"), status: .unprocessableContent)
        }
        guard now.timeIntervalSince(token.issuedAt) >= settings.minimumFillTime else {
            return pages.response("form", formContext(values: form, message: "提交过快，请核对内容后再次提交"), status: .unprocessableContent)
        }
        let submission: CitizenSubmission
        // Photo checks and EXIF stripping are CPU work: off the shared threads.
        let (settings, directory) = (self.settings, self.directory)
        switch try await Offload.run({ CitizenSubmission.read(form, settings: settings, directory: directory) }) {
        case .success(let s): submission = s
        case .failure(let error):
            return pages.response("form", formContext(values: form, error: error), status: .unprocessableContent)
        }
        let sourceRef = Self.sourcePrefix + token.nonce
        // A resend of the same form is not a new case: it shows the receipt again and counts against no limit.
        if let existing = try await store.inboundMessage(channel: .webform, sourceRef: sourceRef),
           let record = try await store.fetchCase(existing.caseID) {
            return receipt(record)
        }
        let address = ClientAddress.origin(request, context: context, trustedProxies: settings.trustedProxies).key
        let phoneKey = PhoneNumber.normalised(submission.phone)
        // Both counted before the case is made (so parallel submissions cannot all slip under a limit), and given
        // back when no new case came of it.
        var counted: [Int64] = []
        func giveBack() async throws { for id in counted { try await attempts.releaseAttempt(id) } }
        for (purpose, value, limit) in [("form-address", address, settings.perAddressLimit), ("form-phone", phoneKey, settings.perPhoneLimit)] {
            guard let id = try await reserve(purpose, value, limit: limit, at: now) else {
                try await giveBack()
                return pages.response("form", formContext(values: form, message: "提交次数过多，请一小时后再试；紧急情况请直接拨打镇群众工作热线"), status: .tooManyRequests)
            }
            counted.append(id)
        }
        let result: IntakeReceipt
        do {
            result = try await intake.submit(submission.message(sourceRef: sourceRef, at: now))
        } catch {
            try? await giveBack()
            throw error
        }
        if !result.created { try await giveBack() }
        guard let record = try await store.fetchCase(result.caseID) else { throw Problem.notFound("案件 \(result.caseID) 不存在") }
        return receipt(record, status: result.opensCase ? .created : .ok)
    }

    func receipt(_ record: CaseRecord, status: HTTPResponse.Status = .ok) -> Response {
        pages.response("receipt", base([
            "caseID": record.id.description, "code": Self.lookupCode(for: record) ?? "",
            "registeredAt": Self.format(record.registeredAt, timeZone),
        ]), status: status)
    }

    // MARK: Status look-up and rating

    /// What a look-up (or a rating, which must quote the same credential) came to.
    enum Access {
        case granted(CaseRecord)
        case refused(String)
        case tooMany(String)
    }

    /// The case if `code` is its 8-digit lookup code — the citizen's only credential (a phone suffix is none: it
    /// shows in masked numbers and is easy to learn). Failed attempts count per client address and per case (whatever
    /// the address), both in the store; past either limit every attempt is refused, the right code too, so guessing
    /// cannot continue behind it. See docs/api-access.md.
    func authorise<Context: RequestContext>(_ form: FormBody, request: Request, context: Context) async throws -> Access {
        let address = ClientAddress.origin(request, context: context, trustedProxies: settings.trustedProxies).key
        let now = clock.now()
        // Counted now, given back when the code was right: only failures stay.
        guard let byAddress = try await reserve("lookup-address", address, limit: settings.lookupLimit, at: now) else {
            return .tooMany("查询次数过多，请一小时后再试；急事请拨打镇群众工作热线")
        }
        let idText = (form["case_id"] ?? "").uppercased()
        guard let id = CaseID(idText) else {
            return .refused("受理编号「\(form["case_id"] ?? "")」格式不对：应为 MQ-20261122-0001 这样的形式，见受理回执")
        }
        guard let attempt = try await attempts.reserveAttempt(
            key: "lookup:\(id)", limit: settings.lookupPerCaseLimit, since: now.addingTimeInterval(-settings.window), at: now)
        else {
            return .tooMany("这件诉求近一小时内查询码输错次数过多，已暂停查询，请一小时后再试；急事请拨打镇群众工作热线")
        }
        let code = (form["code"] ?? "").filter { !$0.isWhitespace }
        if let record = try await store.fetchCase(id), let expected = Self.lookupCode(for: record),
           constantTimeEqual(expected, code) {
            try await attempts.releaseAttempt(attempt)
            try await attempts.releaseAttempt(byAddress)
            return .granted(record)
        }
        return .refused("没有找到这件诉求：请核对受理编号和 8 位查询码（见受理回执）。电话、信件反映的诉求没有查询码，请致电镇群众工作热线查询")
    }

    func lookup<Context: RequestContext>(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let form = FormBody.parse(urlEncoded: try await request.collectBody(limit: 16 << 10))
        switch try await authorise(form, request: request, context: context) {
        case .tooMany(let message):
            return pages.response("status", base(["lookup": true, "caseID": form["case_id"] ?? "", "error": message]),
                                  status: .tooManyRequests)
        case .refused(let message):
            return pages.response("status", base(["lookup": true, "caseID": form["case_id"] ?? "", "error": message]),
                                  status: .notFound)
        case .granted(let record):
            return try await statusPage(record, code: form["code"] ?? "")
        }
    }

    func statusPage(_ record: CaseRecord, code: String, notice: String? = nil) async throws -> Response {
        let events = PublicTimeline.entries(try await store.auditTrail(of: record.id), directory: directory)
        var c = base([
            "result": true, "caseID": record.id.description, "code": code, "subject": record.subject,
            "status": Self.publicStatus(record.status),
            "timeline": events.map { ["at": Self.format($0.at, timeZone), "title": $0.title, "detail": $0.detail ?? ""] },
            "canRate": record.status == .replied,
            "satisfactions": [Satisfaction.satisfied, .basicallySatisfied, .unsatisfied].map { ["value": $0.rawValue, "label": $0.displayName] },
        ])
        if let reply = record.replyText, [.replied, .followedUp, .closed].contains(record.status) { c["reply"] = reply }
        if let s = record.satisfaction, s != .notEvaluated { c["rated"] = s.displayName }
        if let notice { c["notice"] = notice }
        return pages.response("status", c)
    }

    func rate<Context: RequestContext>(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let form = FormBody.parse(urlEncoded: try await request.collectBody(limit: 16 << 10))
        let record: CaseRecord
        switch try await authorise(form, request: request, context: context) {
        case .tooMany(let message):
            return pages.response("status", base(["lookup": true, "error": message]), status: .tooManyRequests)
        case .refused:
            return pages.response("status", base(["lookup": true, "error": "受理编号或查询码不正确，请重新查询"]), status: .notFound)
        case .granted(let r):
            record = r
        }
        guard let value = form["satisfaction"], let satisfaction = Satisfaction(rawValue: value), satisfaction != Satisfaction.notEvaluated else {
            return try await statusPage(record, code: form["code"] ?? "", notice: "请选择 满意、基本满意 或 不满意")
        }
        guard record.status == CaseStatus.replied else {
            return try await statusPage(record, code: form["code"] ?? "", notice: "这件诉求目前不能评价（尚未答复或已评价）")
        }
        // 不满意 sends the case back (发回重办) through the state machine.
        let updated = try await store.apply(.followUp(satisfaction: satisfaction, note: form["comment"]), to: record.id,
                                            actor: "群众（网上评价）", expectedVersion: record.version, at: clock.now())
        let notice = satisfaction == .unsatisfied ? "已收到您的评价：不满意。此事已发回重办，我们会重新办理并答复您。" : "感谢您的评价！"
        return try await statusPage(updated, code: form["code"] ?? "", notice: notice)
    }

    // MARK: Helpers

    static func publicStatus(_ status: CaseStatus) -> String {
        switch status {
        case .received: "已登记，等待受理"
        case .accepted: "已受理"
        case .assigned, .inProgress, .escalated: "办理中"
        case .replied: "已答复，请您评价"
        case .followedUp: "已回访"
        case .closed: "已办结"
        case .rejected: "不予受理"
        case .referred: "已告知其他途径"
        case .merged: "已合并办理"
        case .reopened: "重新办理中"
        }
    }

    public static func format(_ date: Date, _ timeZone: TimeZone) -> String { HubTime.minutes(date, in: timeZone) }
}

func constantTimeEqual(_ a: String, _ b: String) -> Bool {
    let x = Array(a.utf8), y = Array(b.utf8)
    guard x.count == y.count else { return false }
    return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
}

extension FormBody {
    static func parse(urlEncoded data: Data) -> FormBody {
        urlEncoded(String(decoding: data, as: UTF8.self))
    }
}
