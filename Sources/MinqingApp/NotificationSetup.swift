import EmailAdapter
import Foundation
import HubForwardAdapter
import Logging
import MinqingConfig
import MinqingCore
import MinqingCurl
import MinqingDispatch
import MinqingHTTP
import MinqingStore
import RobotsAdapter
import SMSAdapter
import WebhookAdapter

/// Builds the notification side of the hub from its configuration: the planner that writes outbox rows, the
/// composer with the office's templates, and one delivery lane per configured target. `serve`, `notify test` and
/// the tests all build it here.
public struct NotificationSetup: Sendable {
    public let planner: RulePlanner
    public let composer: NotificationComposer
    public let targets: [DispatchTarget]
    /// Targets listed in the configuration but without an address (their environment variable is not set).
    public let unconfigured: [String]

    public init(config: HubConfig, client: CurlClient) throws {
        let templates = try Self.templates(for: config)
        let usable = config.targets.filter(\.isConfigured)
        unconfigured = config.targets.filter { !$0.isConfigured }.map(\.name)
        planner = Self.planner(for: config)
        composer = NotificationComposer(
            templates: templates, directory: DirectoryContacts(directory: config.directory, officeName: config.office.name),
            publicURL: config.server.publicURL, timeZone: config.office.timeZone,
            lookupCode: { LookupCode.code(for: $0) })
        // Every target is tried, so `check-config` and a refused reload name each one that cannot be built.
        var built: [DispatchTarget] = [], problems: [String] = []
        for t in usable {
            do { built.append(try Self.dispatchTarget(t, office: config.office.name, client: client)) } catch {
                problems.append("\(error)")
            }
        }
        if !problems.isEmpty { throw NotificationSetupError(problems: problems) }
        targets = built
    }

    /// The office's templates, checked: each parses, and every event a rule sends has one. `check-config` runs this.
    public static func templates(for config: HubConfig) throws(NotificationSetupError) -> TemplateSet {
        let templates: TemplateSet
        do {
            templates = try TemplateSet.load(from: config.templatesURL)
        } catch {
            throw NotificationSetupError(message: error.description)
        }
        var needed = Set(config.notifications.flatMap { rule in
            rule.events.map { rule.recipients.contains(.complainant) ? NotificationComposer.citizenTemplate($0.rawValue) : $0.rawValue }
        })
        if config.mailbox.acknowledgement.enabled { needed.insert(NotificationEvent.acknowledged.rawValue) }
        if let rules = config.warnings?.rules, rules.contains(where: { !$0.notify.isEmpty }) {
            needed.formUnion([NotificationEvent.warningRaised.rawValue, NotificationEvent.warningUpdated.rawValue])
        }
        let missing = needed.filter { !templates.has($0) }
        if !missing.isEmpty {
            throw NotificationSetupError(message: "缺少通知模板："
                + missing.sorted().map { "\(config.templatesURL.path)/\($0).mustache" }.joined(separator: "、")
                + "。请从 Config/example/templates 复制后修改")
        }
        return templates
    }

    /// The planner of the configured notification rules; it needs no network, so every command can build it.
    public static func planner(for config: HubConfig) -> RulePlanner {
        let directory = config.directory
        let kinds = Dictionary(config.targets.filter(\.isConfigured).map { ($0.name, $0.kind) }, uniquingKeysWith: { a, _ in a })
        return RulePlanner(
            rules: config.notifications.map { rule in
                RulePlanner.Rule(
                    events: Set(rule.events),
                    targets: rule.targets.compactMap { name in kinds[name].map { (name, $0.addressesPeople) } },
                    channels: Set(rule.channels),
                    recipients: rule.recipients.map {
                        switch $0 {
                        case .responsible: .responsible
                        case .leader: .leader
                        case .villageCadre: .villageCadre
                        case .complainant: .complainant
                        }
                    })
            },
            village: { code in directory.village(code).map { ($0.cadre, $0.leader) } },
            targets: kinds.mapValues { $0.addressesPeople }, people: directory.peopleIndex,
            citizenReach: kinds.compactMapValues { $0.isSMS ? .sms : $0 == .email ? .email : nil })
    }

    /// A target and its lane: the limits the target declares (`laneDefaults`, docs/domain/robots.md#summary),
    /// overridden by what its configuration says.
    static func dispatchTarget(_ t: TargetSettings, office: String, client: CurlClient) throws -> DispatchTarget {
        let url = t.url?.value ?? ""
        let secret = t.secrets.first?.value
        let timeout = Duration.milliseconds(Int64(t.timeout * 1000))
        let target: any NotificationTarget
        switch t.kind {
        case .webhook:
            do {
                target = try WebhookTarget(name: t.name, url: url, secrets: t.secrets.map(\.value), timeout: timeout, client: client)
            } catch {
                throw NotificationSetupError(message: "通知目标「\(t.name)」：\(error.reason)")
            }
        case .wecom:
            target = WeComTarget(name: t.name, url: url, maxMarkdownBytes: t.maxBytes ?? WeComTarget.markdownLimit, timeout: timeout, client: client)
        case .dingtalk:
            target = DingTalkTarget(name: t.name, url: url, secret: secret, maxBytes: t.maxBytes ?? DingTalkTarget.defaultMaxBytes, timeout: timeout, client: client)
        case .feishu:
            target = FeishuTarget(name: t.name, url: url, secret: secret, maxTextBytes: t.maxBytes ?? FeishuTarget.defaultMaxTextBytes, timeout: timeout, client: client)
        case .email:
            let smtp = t.smtp!
            target = EmailTarget(
                name: t.name,
                server: MailEndpoint(url: smtp.url, startTLS: smtp.startTLS, username: smtp.username, password: smtp.password?.value,
                                     timeout: timeout * 4),
                fromAddress: smtp.from, fromName: smtp.fromName, client: client)
        case .tencentSMS, .aliyunSMS:
            guard let sms = t.sms else {
                throw NotificationSetupError(message: "通知目标「\(t.name)」缺少 sms（密钥、签名和模板），见 docs/domain/sms.md")
            }
            var templates: [String: SMSTemplate] = [:]
            for (event, template) in sms.templates {
                templates[event.rawValue] = SMSTemplate(id: template.id, parameters: try template.params.map { p in
                    guard let field = SMSField(rawValue: p.field) else {
                        throw NotificationSetupError(message: "通知目标「\(t.name)」：模板参数「\(p.field)」不可用")
                    }
                    return SMSTemplate.Parameter(name: p.name, field: field)
                })
            }
            let settings = SMSGatewaySettings(endpoint: url, signName: sms.signName, templates: templates,
                                              maxParameterCharacters: sms.maxParamChars, timeout: timeout)
            let (id, key) = (sms.secretID?.value ?? "", sms.secretKey?.value ?? "")
            target = t.kind == .tencentSMS
                ? TencentSMSTarget(name: t.name, settings: settings, appID: sms.appID ?? "", region: sms.region, secretID: id, secretKey: key, client: client)
                : AliyunSMSTarget(name: t.name, settings: settings, accessKeyID: id, accessKeySecret: key, client: client)
        case .hub:
            guard let token = secret else {
                throw NotificationSetupError(message: "通知目标「\(t.name)」（上级民情通）缺少 secret：请填写对方为本镇开设的 API 令牌")
            }
            target = HubForwardTarget(name: t.name, url: url, token: token, originOffice: office, timeout: timeout, client: client)
        }
        let defaults = type(of: target).laneDefaults
        var rate = defaults.rateLimits, concurrency = defaults.concurrency
        if let custom = t.rateLimits {
            rate = custom.map { RateWindow(count: $0.count, per: .milliseconds(Int64($0.seconds * 1000))) }
        }
        if let c = t.concurrency { concurrency = c }
        let retry = t.retryDelays.map { RetryPolicy(delays: $0.map { .milliseconds(Int64($0 * 1000)) }) } ?? RetryPolicy()
        return DispatchTarget(target, settings: LaneSettings(
            rateLimit: RateLimit(rate), retry: retry, concurrency: concurrency,
            audience: Audience(isPrivate: t.isPrivate || t.kind.seesPersonalData, members: t.members, addressesPeople: t.kind.addressesPeople)),
            revision: revision(of: t))
    }

    /// Identifies what a receiver's "gone" answer is about: the target's kind, address and credentials (SMTP server
    /// and account, SMS keys, application and sign name), not its limits, retries or templates. A disable learned
    /// with one revision is lifted when the configuration gives the target another (`TargetState`). A hash, so the
    /// secrets are not stored in the ledger.
    public static func revision(of t: TargetSettings) -> String {
        var parts = [t.kind.rawValue, t.url?.value ?? ""] + t.secrets.map(\.value)
        if let smtp = t.smtp { parts += [smtp.url, smtp.username ?? "", smtp.password?.value ?? "", smtp.from] }
        if let sms = t.sms { parts += [sms.secretID?.value ?? "", sms.secretKey?.value ?? "", sms.appID ?? "", sms.signName, sms.region] }
        return String(ContentHash.sha256(Data(parts.joined(separator: "\u{1F}").utf8)).prefix(16))
    }
}

public struct NotificationSetupError: Error, Sendable, CustomStringConvertible {
    /// One line each: a template, or a target that cannot be built (with its name).
    public var problems: [String]
    public var message: String { problems.joined(separator: "；") }
    public var description: String { message }

    public init(message: String) { problems = [message] }
    public init(problems: [String]) { self.problems = problems }
}
