import DingTalkAdapter
import EmailAdapter
import FeishuAdapter
import HubForwardAdapter
import Foundation
import Logging
import MinqingConfig
import MinqingCore
import MinqingCurl
import MinqingDispatch
import WeComAdapter
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
            publicURL: config.server.publicURL, timeZone: config.office.timeZone)
        targets = try usable.map { try Self.dispatchTarget($0, office: config.office.name, client: client) }
    }

    /// The office's templates, checked: each parses, and every event a rule sends has one. `check-config` runs this.
    public static func templates(for config: HubConfig) throws(NotificationSetupError) -> TemplateSet {
        let templates: TemplateSet
        do {
            templates = try TemplateSet.load(from: config.templatesURL)
        } catch {
            throw NotificationSetupError(message: error.description)
        }
        var needed = Set(config.notifications.flatMap { $0.events.map(\.rawValue) })
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
                        }
                    })
            },
            village: { code in directory.village(code).map { ($0.cadre, $0.leader) } },
            targets: kinds.mapValues { $0.addressesPeople }, people: directory.peopleIndex)
    }

    /// Each kind's vendor defaults (docs/domain/robots.md#summary), overridden by what the target's configuration says.
    static func dispatchTarget(_ t: TargetSettings, office: String, client: CurlClient) throws -> DispatchTarget {
        let url = t.url?.value ?? ""
        let secret = t.secrets.first?.value
        let timeout = Duration.milliseconds(Int64(t.timeout * 1000))
        let target: any NotificationTarget
        var rate: [RateWindow]
        var concurrency: Int
        switch t.kind {
        case .webhook:
            do {
                target = try WebhookTarget(name: t.name, url: url, secrets: t.secrets.map(\.value), timeout: timeout, client: client)
            } catch {
                throw NotificationSetupError(message: "通知目标「\(t.name)」：\(error.reason)")
            }
            (rate, concurrency) = ([], 8)
        case .wecom:
            target = WeComTarget(name: t.name, url: url, maxMarkdownBytes: t.maxBytes ?? WeComTarget.markdownLimit, timeout: timeout, client: client)
            (rate, concurrency) = ([RateWindow(count: 20, per: .seconds(60))], 1)
        case .dingtalk:
            target = DingTalkTarget(name: t.name, url: url, secret: secret, maxBytes: t.maxBytes ?? DingTalkTarget.defaultMaxBytes, timeout: timeout, client: client)
            (rate, concurrency) = ([RateWindow(count: 20, per: .seconds(60))], 1)
        case .feishu:
            target = FeishuTarget(name: t.name, url: url, secret: secret, maxTextBytes: t.maxBytes ?? FeishuTarget.defaultMaxTextBytes, timeout: timeout, client: client)
            (rate, concurrency) = ([RateWindow(count: 100, per: .seconds(60)), RateWindow(count: 5, per: .seconds(1))], 2)
        case .email:
            let smtp = t.smtp!
            target = EmailTarget(
                name: t.name,
                server: MailEndpoint(url: smtp.url, startTLS: smtp.startTLS, username: smtp.username, password: smtp.password?.value,
                                     timeout: timeout * 4),
                fromAddress: smtp.from, fromName: smtp.fromName, client: client)
            (rate, concurrency) = ([], 2)
        case .hub:
            guard let token = secret else {
                throw NotificationSetupError(message: "通知目标「\(t.name)」（上级民情通）缺少 secret：请填写对方为本镇开设的 API 令牌")
            }
            target = HubForwardTarget(name: t.name, url: url, token: token, originOffice: office, timeout: timeout, client: client)
            (rate, concurrency) = ([], 4)
        }
        if let custom = t.rateLimits {
            rate = custom.map { RateWindow(count: $0.count, per: .milliseconds(Int64($0.seconds * 1000))) }
        }
        if let c = t.concurrency { concurrency = c }
        let retry = t.retryDelays.map { RetryPolicy(delays: $0.map { .milliseconds(Int64($0 * 1000)) }) } ?? RetryPolicy()
        return DispatchTarget(target, settings: LaneSettings(
            rateLimit: RateLimit(rate), retry: retry, concurrency: concurrency,
            audience: Audience(isPrivate: t.isPrivate || t.kind.seesPersonalData, members: t.members, addressesPeople: t.kind.addressesPeople)))
    }
}

public struct NotificationSetupError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
