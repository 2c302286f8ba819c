import Foundation
import MinqingCore

/// One notification target as configured in `minqing.yaml` under `targets:`.
public struct TargetSettings: Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        /// `hub`: another Minqing Hub (a county office's) that takes forwarded cases through its intake API.
        case webhook, wecom, dingtalk, feishu, email, hub

        /// True for targets that write to named people (e-mail) rather than post to a group or a system.
        public var addressesPeople: Bool { self == .email }
        /// True for targets that always see personal data in full: e-mail to the assigned people, a county hub that
        /// takes the case over. Others see it masked unless marked `private`.
        public var seesPersonalData: Bool { self == .email || self == .hub }
    }

    public struct RateWindowSetting: Sendable, Hashable {
        public var count: Int
        public var seconds: TimeInterval
    }

    public struct SMTP: Sendable {
        public var url: String
        public var startTLS: Bool
        public var username: String?
        public var password: Secret?
        public var from: String
        public var fromName: String?
    }

    public var name: String
    public var kind: Kind
    /// The robot or webhook address (a WeCom robot's key is part of it, so it prints as `<secret>`); nil or empty
    /// when the environment did not provide one — the target is then not configured and nothing is sent to it.
    public var url: Secret?
    /// Signing secrets: Standard Webhooks `whsec_…` (several for rotation), DingTalk / Feishu robot secret; for
    /// `hub`, the other hub's API token.
    public var secrets: [Secret]
    public var smtp: SMTP?
    /// Private targets see complainants' names and numbers in full (a leaders' group); e-mail always does.
    public var isPrivate: Bool
    /// People or units in the group: a case about any of them is never sent to this target.
    public var members: [String]
    /// Overrides the vendor's default limit (docs/domain/robots.md#summary).
    public var rateLimits: [RateWindowSetting]?
    /// Overrides the default retry delays (seconds).
    public var retryDelays: [TimeInterval]?
    public var concurrency: Int?
    public var timeout: TimeInterval
    /// Overrides the vendor's message size limit (bytes).
    public var maxBytes: Int?

    /// False when the URL (or SMTP server) is missing: the target is listed but not used.
    public var isConfigured: Bool {
        switch kind {
        case .email: smtp != nil
        default: !(url?.value.isEmpty ?? true)
        }
    }
}

/// Which events go to which targets, and whom they address (`notifications:` in `minqing.yaml`).
public struct NotificationRule: Sendable {
    public enum Recipient: String, Sendable, CaseIterable {
        /// The case's staff, or the village's 包村 cadre while no staff is assigned.
        case responsible
        /// The case's leader, or the village's leader while none is assigned.
        case leader
        /// The village's 包村 cadre.
        case villageCadre = "village_cadre"
    }

    public var events: [NotificationEvent]
    public var targets: [String]
    /// Only for cases from these channels (empty: all).
    public var channels: [Channel]
    /// For targets that address people (e-mail).
    public var recipients: [Recipient]

    public init(events: [NotificationEvent], targets: [String], channels: [Channel] = [], recipients: [Recipient] = [.responsible]) {
        self.events = events
        self.targets = targets
        self.channels = channels
        self.recipients = recipients
    }
}

extension HubConfig {
    static func readTargets(_ n: ConfigNode) -> [TargetSettings] {
        var seen: Set<String> = []
        return n.items.compactMap { item -> TargetSettings? in
            guard let m = item.mapping else { return nil }
            let name = m.required("name")?.string
            let kind = m.required("type", hint: "可选：webhook、wecom、dingtalk、feishu、email、hub")?.oneOf(TargetSettings.Kind.self)
            let url = m.optional("url")?.text
            var secrets: [Secret] = []
            if let s = m.optional("secret")?.text, !s.isEmpty { secrets.append(Secret(s)) }
            if let list = m.optional("secrets") { secrets += list.items.compactMap(\.text).filter { !$0.isEmpty }.map(Secret.init) }
            var smtp: TargetSettings.SMTP?
            if let s = m.optional("smtp")?.mapping {
                let url = s.required("url", hint: "如 smtp://127.0.0.1:25 或 smtps://smtp.example.cn:465")?.text
                let from = s.required("from", hint: "发件地址，如 qunzhong@qingshan.gov.cn")?.string
                let startTLS = s.optional("starttls")?.bool ?? false
                let username = s.optional("username")?.text.flatMap { $0.isEmpty ? nil : $0 }
                let password = s.optional("password")?.text.flatMap { $0.isEmpty ? nil : Secret($0) }
                let fromName = s.optional("from_name")?.string
                s.finish()
                if let url, !url.isEmpty, let from {
                    smtp = TargetSettings.SMTP(url: url, startTLS: startTLS, username: username, password: password,
                                               from: from, fromName: fromName)
                }
            }
            let isPrivate = m.optional("private")?.bool ?? false
            let members = m.optional("members")?.strings ?? []
            var rateLimits: [TargetSettings.RateWindowSetting]?
            if let list = m.optional("rate_limit") {
                rateLimits = list.items.compactMap { w in
                    guard let wm = w.mapping else { return nil }
                    let count = wm.required("count")?.int
                    let per = wm.required("per", hint: "时间窗口，如 1m、1s")?.duration
                    wm.finish()
                    guard let count, let per else { return nil }
                    guard count > 0, per > 0 else { w.report("条数和时间窗口都应大于 0"); return nil }
                    return TargetSettings.RateWindowSetting(count: count, seconds: per)
                }
            }
            let retryDelays = m.optional("retry")?.items.compactMap(\.duration)
            let concurrency = m.optional("concurrency")?.int
            let timeout = m.optional("timeout")?.duration ?? 15
            let maxBytes = m.optional("max_bytes")?.byteSize
            m.finish()
            guard let name, let kind else { return nil }
            if !seen.insert(name).inserted { item.report("通知目标「\(name)」重复"); return nil }
            if kind == .email, m.has("url") { item.report("email 类型的目标请在 smtp.url 中写邮件服务器地址") }
            if kind != .email, smtp != nil { item.report("只有 email 类型的目标需要 smtp") }
            if let url, !url.isEmpty, kind != .email, !(url.hasPrefix("https://") || url.hasPrefix("http://")) {
                item.report("地址应以 https:// 开头（机器人或接收系统提供的完整地址）")
            }
            return TargetSettings(
                name: name, kind: kind, url: url.map(Secret.init), secrets: secrets, smtp: smtp, isPrivate: isPrivate,
                members: members, rateLimits: rateLimits, retryDelays: retryDelays, concurrency: concurrency,
                timeout: timeout, maxBytes: maxBytes)
        }
    }

    static func readNotificationRules(_ n: ConfigNode, targets: [TargetSettings]) -> [NotificationRule] {
        let names = Set(targets.map(\.name))
        return n.items.compactMap { item -> NotificationRule? in
            guard let m = item.mapping else { return nil }
            let eventsNode = m.required("on", hint: "事件，如 [case.created, case.assigned]")
            let events = eventsNode?.items.compactMap { $0.oneOf(NotificationEvent.self) } ?? []
            let targetsNode = m.required("targets")
            var targetNames: [String] = []
            for t in targetsNode?.items ?? [] {
                guard let name = t.string else { continue }
                if names.contains(name) { targetNames.append(name) } else {
                    t.report("未定义的通知目标「\(name)」（已定义：\(names.sorted().joined(separator: ", "))）")
                }
            }
            let channels = m.optional("channels")?.items.compactMap { $0.oneOf(Channel.self) } ?? []
            let recipients = m.optional("recipients")?.items.compactMap { $0.oneOf(NotificationRule.Recipient.self) }
                ?? [.responsible]
            m.finish()
            return NotificationRule(events: events, targets: targetNames, channels: channels, recipients: recipients)
        }
    }
}
