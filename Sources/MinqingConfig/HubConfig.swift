import Foundation
import MinqingCore
import MinqingRouting

/// Everything the hub reads from a configuration directory, validated.
public struct HubConfig: Sendable {
    public var office: OfficeSettings
    public var server: ServerSettings
    public var storage: StorageSettings
    public var api: APISettings
    public var intake: IntakeSettings
    public var webform: WebFormConfig = .defaults
    public var mailbox: MailboxSettings = .defaults
    public var directory: Directory
    public var targets: [TargetSettings]
    public var notifications: [NotificationRule]
    /// Notification templates (`templates/` beside `minqing.yaml` unless configured).
    public var templatesURL: URL
    /// The hotline channel (`hotline:`); nil when the office has none.
    public var hotline: HotlineSettings?
    /// `routing.yaml`: how new cases are filed (三定); nil when the folder has no such file.
    public var routing: RoutingSettings?
    /// `schedules.yaml`: rosters, market-day duty, reception days, sensitive periods, escalation and alerts.
    public var schedules: SchedulesSettings?
    /// `warnings.yaml`: related cases and early-warning rules; nil when the folder has no such file.
    public var warnings: WarningSettings?
    /// The folder the configuration was loaded from.
    public var directoryURL: URL
    /// Environment variables the configuration refers to that were not set (only when loaded without
    /// `needsSecrets`; otherwise each is an error).
    public var unsetVariables: [String] = []

    /// The proxies whose `X-Forwarded-For` is believed: `server.trusted_proxies`, or — for configurations that
    /// still say `webform.trust_forwarded_for: true` — a proxy on this machine (loopback).
    public var trustedProxies: [IPAddressRange] {
        if !server.trustedProxies.isEmpty { return server.trustedProxies }
        return webform.trustForwardedFor ? IPAddressRange.loopback : []
    }

    /// The vocabulary intake uses to file villages and categories.
    public var vocabulary: IntakeVocabulary { directory.vocabulary }

    /// The factory every store of this configuration files new cases with: the vocabulary, and the routing rules
    /// when `routing.yaml` is present.
    /// The state machine's policy for this office: who is who, for conflict of interest, and when a reply's
    /// follow-up call is due (`follow_up:` in `schedules.yaml`, counted on the routing calendar).
    public var casePolicy: CaseStateMachine.Policy {
        let followUp = routing.flatMap { routing in schedules?.followUp.map { $0.rule(calendar: routing.calendar) } }
        return .init(people: directory.peopleIndex, followUp: followUp)
    }

    public var caseFactory: CaseFactory {
        CaseFactory(
            vocabulary: vocabulary,
            router: routing?.router(directory: directory, schedules: schedules?.schedules ?? Schedules()),
            people: directory.peopleIndex)
    }
}

public struct OfficeSettings: Sendable {
    public var name: String
    public var caseIDPrefix: String
    public var timeZone: TimeZone
}

public struct ServerSettings: Sendable {
    public var host: String
    public var port: Int
    /// Largest request body of the JSON intake routes when `body_limits` does not name them (413 above it).
    public var maxBodyBytes: Int
    /// The address people use to reach this hub (links in notifications).
    public var publicURL: String
    /// Each route family's own body limit (`server.body_limits`), checked before a body is read.
    public var bodyLimits: BodyLimits = BodyLimits()
    /// Seconds a connection may send nothing before it is closed (`server.idle_timeout`).
    public var idleTimeoutSeconds: Int = 30
    /// Reverse proxies whose `X-Forwarded-For` the hub believes (`server.trusted_proxies`); the client is the
    /// rightmost address in that header that is not one of them. Empty: the socket peer is the client.
    public var trustedProxies: [IPAddressRange] = []
}

/// `server.body_limits`: the largest request body each kind of route accepts, in bytes. A declared
/// `Content-Length` over the limit is refused (413) before any of the body is read; a body without one is read
/// only up to the limit. Defaults and reasons: docs/limits.md.
public struct BodyLimits: Sendable, Hashable {
    /// `POST /form` (the public form with its photos); nil: derived from `webform.max_photos` × `max_photo_bytes`.
    public var form: Int?
    /// `POST /api/v1/messages` (JSON with base64 attachments); nil: `server.max_body_bytes`.
    public var intake: Int?
    /// `POST /api/v1/hotline/*` (call records, SMS, work orders: small JSON).
    public var hotline: Int
    /// `POST /api/v1/letters` (typed letters with base64 scans); nil: `server.max_body_bytes`.
    public var letters: Int?
    /// Console forms with uploads (`POST /console/letter`); the console's other forms are small and fixed.
    public var console: Int

    public init(form: Int? = nil, intake: Int? = nil, hotline: Int = 1 << 20, letters: Int? = nil, console: Int = 40 << 20) {
        self.form = form
        self.intake = intake
        self.hotline = hotline
        self.letters = letters
        self.console = console
    }
}

extension ServerSettings {
    /// The JSON intake limit in force.
    public var intakeBodyLimit: Int { bodyLimits.intake ?? maxBodyBytes }
    /// The paper-letter limit in force.
    public var lettersBodyLimit: Int { bodyLimits.letters ?? maxBodyBytes }
}

/// One integration's credential (`api.tokens[]`): the secret it presents, what it may do, and who it is in the
/// audit trail. See docs/api-access.md.
public struct APIToken: Sendable {
    public var name: String
    public var token: Secret
    public var scopes: Set<APIScope>
    /// Recorded as the actor of everything done with this token (default: its name).
    public var identity: String

    public init(name: String, token: Secret, scopes: Set<APIScope>, identity: String? = nil) {
        self.name = name
        self.token = token
        self.scopes = scopes
        self.identity = identity ?? name
    }

    /// The scopes of a token written without `scopes:` (configurations from before scopes existed).
    public static let defaultScopes: Set<APIScope> = [.intake, .read]
}

public struct APISettings: Sendable {
    public var tokens: [APIToken]
    /// Standard Webhooks secrets (`whsec_…`) the county signs its acknowledgements of forwarded cases with
    /// (`POST /api/v1/forwarded/{id}/ack`); when any is set, an unsigned or wrongly signed acknowledgement is refused.
    public var ackSecrets: [Secret] = []
}

public struct IntakeSettings: Sendable {
    public var maxAttachmentBytes: Int
    public var maxAttachments: Int
}

extension HubConfig {
    static func read(_ root: ConfigNode, directory: Directory?, url: URL) -> HubConfig? {
        guard let m = root.mapping else { return nil }
        let office = m.required("office").flatMap(readOffice)
        let server = m.optional("server").flatMap(readServer) ?? (m.has("server") ? nil : ServerSettings.defaults)
        let storage = m.optional("storage").flatMap { StorageSettings.read($0) } ?? (m.has("storage") ? nil : StorageSettings())
        let api = m.required("api", hint: "至少配置一个 API 令牌").flatMap(readAPI)
        let intake = m.optional("intake").flatMap(readIntake) ?? (m.has("intake") ? nil : IntakeSettings.defaults)
        let mailbox = m.optional("mailbox").flatMap(MailboxSettings.read) ?? (m.has("mailbox") ? nil : MailboxSettings.defaults)
        let webform = m.optional("webform").flatMap(WebFormConfig.read) ?? (m.has("webform") ? nil : WebFormConfig.defaults)
        let hotline = m.optional("hotline").map { HotlineSettings.read($0, directory: directory, configURL: url) }
        let targets = m.optional("targets").map(readTargets) ?? []
        let notifications = m.optional("notifications").map { readNotificationRules($0, targets: targets) } ?? []
        if let report = (hotline ?? nil)?.workOrderReportTarget, !targets.contains(where: { $0.name == report }),
           let node = m.optional("hotline") {
            node.report("12345 工单要回传到通知目标「\(report)」，但 targets 中没有它（已定义：\(targets.map(\.name).joined(separator: ", "))）")
        }
        if let ack = mailbox?.acknowledgement, ack.enabled, !targets.contains(where: { $0.name == ack.target }),
           let node = m.optional("mailbox") {
            node.report("回执要经通知目标「\(ack.target)」发送，但 targets 中没有它（已定义：\(targets.map(\.name).joined(separator: ", "))）")
        }
        let templates = m.optional("templates")?.string.map { path in
            path.hasPrefix("/") ? URL(fileURLWithPath: path) : url.appendingPathComponent(path)
        } ?? url.appendingPathComponent("templates")
        m.finish()
        guard let office, let server, let storage, let api, let intake, let mailbox, let directory, let webform else { return nil }
        if case .some(.none) = hotline { return nil }
        var config = HubConfig(office: office, server: server, storage: storage, api: api, intake: intake, mailbox: mailbox,
                         directory: directory, targets: targets, notifications: notifications,
                         templatesURL: templates, hotline: hotline ?? nil, directoryURL: url)
        config.webform = webform
        return config
    }

    private static func readOffice(_ n: ConfigNode) -> OfficeSettings? {
        guard let m = n.mapping else { return nil }
        let name = m.required("name")?.string
        var prefix = "MQ"
        if let p = m.optional("case_id_prefix"), let text = p.string {
            if CaseID.isValidPrefix(text) { prefix = text.uppercased() } else { p.report("案件编号前缀只能是 1–8 位字母或数字，如 MQ") }
        }
        var zone = HubTime.shanghai
        if let z = m.optional("time_zone"), let text = z.string {
            if let tz = TimeZone(identifier: text) { zone = tz } else { z.report("「\(text)」不是时区名称（如 Asia/Shanghai）") }
        }
        m.finish()
        return name.map { OfficeSettings(name: $0, caseIDPrefix: prefix, timeZone: zone) }
    }

    private static func readServer(_ n: ConfigNode) -> ServerSettings? {
        guard let m = n.mapping else { return nil }
        var s = ServerSettings.defaults
        if let v = m.optional("host")?.string { s.host = v }
        if let p = m.optional("port"), let v = p.int {
            if (0...65535).contains(v) { s.port = v } else { p.report("端口应在 0–65535 之间") }
        }
        if let v = m.optional("max_body_bytes")?.byteSize { s.maxBodyBytes = v }
        if let v = m.optional("public_url")?.string { s.publicURL = v } else { s.publicURL = "http://\(s.host):\(s.port)" }
        if let node = m.optional("idle_timeout"), let v = node.duration {
            if (1...3600).contains(v) { s.idleTimeoutSeconds = Int(v) } else { node.report("应在 1s–1h 之间，如 30s") }
        }
        for item in m.optional("trusted_proxies")?.items ?? [] {
            guard let text = item.string else { continue }
            if let range = IPAddressRange(text) { s.trustedProxies.append(range) } else {
                item.report("「\(text)」不是 IP 地址或网段（如 127.0.0.1、10.0.0.0/8、fd00::/8）")
            }
        }
        if let limits = m.optional("body_limits")?.mapping {
            func size(_ key: String) -> Int? {
                guard let node = limits.optional(key), let v = node.byteSize else { return nil }
                guard v >= 1024 else { node.report("上限太小（至少 1KB），请写成如 20MB"); return nil }
                return v
            }
            s.bodyLimits.form = size("form")
            s.bodyLimits.intake = size("intake")
            if let v = size("hotline") { s.bodyLimits.hotline = v }
            s.bodyLimits.letters = size("letters")
            if let v = size("console") { s.bodyLimits.console = v }
            limits.finish()
        }
        m.finish()
        return s
    }

    private static func readAPI(_ n: ConfigNode) -> APISettings? {
        guard let m = n.mapping else { return nil }
        var tokens: [APIToken] = []
        let choices = APIScope.allCases.map(\.rawValue).joined(separator: ", ")
        for item in m.required("tokens")?.items ?? [] {
            guard let t = item.mapping else { continue }
            let name = t.required("name")?.string
            // An empty value (`${MINQING_HOTLINE_TOKEN:-}` with the variable unset) switches the integration off.
            let tokenNode = t.required("token", hint: "建议写成 ${MINQING_API_TOKEN}")
            let token = tokenNode?.text?.trimmingCharacters(in: .whitespaces)
            var scopes = APIToken.defaultScopes
            if let node = t.optional("scopes") {
                scopes = []
                for s in node.items {
                    guard let text = s.string else { continue }
                    if let scope = APIScope(rawValue: text) { scopes.insert(scope) } else {
                        s.report("「\(text)」不是权限名称（可选：\(choices)）")
                    }
                }
                if node.items.isEmpty { node.report("至少写一项权限（可选：\(choices)）") }
            }
            let identity = t.optional("identity")?.string
            if let token, !token.isEmpty, token.count < 16 {
                tokenNode?.report("令牌太短（至少 16 个字符），请用 openssl rand -hex 24 生成")
            } else if let name, let token, !token.isEmpty {
                if tokens.contains(where: { $0.name == name }) {
                    t.optional("name")?.report("令牌名称「\(name)」重复：每个对接系统用一个名称")
                } else if tokens.contains(where: { $0.token.value == token }) {
                    tokenNode?.report("与前面的令牌相同：每个对接系统须有自己的令牌，请用 openssl rand -hex 24 另生成一个")
                } else {
                    tokens.append(APIToken(name: name, token: Secret(token), scopes: scopes, identity: identity))
                }
            }
            t.finish()
        }
        let ackSecrets = (m.optional("ack_secrets")?.items ?? []).compactMap(\.text).filter { !$0.isEmpty }
        m.finish()
        return APISettings(tokens: tokens, ackSecrets: ackSecrets.map(Secret.init))
    }

    private static func readIntake(_ n: ConfigNode) -> IntakeSettings? {
        guard let m = n.mapping else { return nil }
        var s = IntakeSettings.defaults
        if let v = m.optional("max_attachment_bytes")?.byteSize { s.maxAttachmentBytes = v }
        if let v = m.optional("max_attachments")?.int { s.maxAttachments = v }
        m.finish()
        return s
    }
}

extension ServerSettings {
    static let defaults = ServerSettings(host: "127.0.0.1", port: 8080, maxBodyBytes: 20 << 20, publicURL: "http://127.0.0.1:8080")
}

extension IntakeSettings {
    static let defaults = IntakeSettings(maxAttachmentBytes: 10 << 20, maxAttachments: 10)
}
