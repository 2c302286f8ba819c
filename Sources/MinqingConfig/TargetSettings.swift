import Foundation
import MinqingCore

/// One notification target as configured in `minqing.yaml` under `targets:`.
public struct TargetSettings: Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        /// `hub`: another Minqing Hub (a county office's) that takes forwarded cases through its intake API.
        case webhook, wecom, dingtalk, feishu, email, hub
        /// Cloud SMS gateways (Tencent Cloud SMS, Aliyun Dysmsapi): pre-approved templates to people's mobiles.
        case tencentSMS = "tencent_sms", aliyunSMS = "aliyun_sms"

        /// True for targets that write to named people (e-mail, SMS) rather than post to a group or a system.
        public var addressesPeople: Bool { self == .email || isSMS }
        public var isSMS: Bool { self == .tencentSMS || self == .aliyunSMS }
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

    /// A cloud SMS gateway's account and templates (docs/domain/sms.md).
    public struct SMS: Sendable {
        /// One approved template: its id and which of our fields fill its parameters, in order (Tencent `{1}`,
        /// `{2}` …) or by name (Aliyun `${code}`).
        public struct Template: Sendable, Hashable {
            public struct Param: Sendable, Hashable {
                /// The template's variable name (Aliyun), nil for positional parameters (Tencent).
                public var name: String?
                /// Our field (`SMS.fields`).
                public var field: String

                public init(name: String?, field: String) {
                    self.name = name
                    self.field = field
                }
            }

            public var id: String
            public var params: [Param]
        }

        /// Tencent SecretId / Aliyun AccessKey ID.
        public var secretID: Secret?
        /// Tencent SecretKey / Aliyun AccessKey Secret.
        public var secretKey: Secret?
        /// Tencent `SmsSdkAppId` (not used by Aliyun).
        public var appID: String?
        /// The registered sign name (签名), without 【】.
        public var signName: String
        /// Tencent `X-TC-Region` (default `ap-guangzhou`).
        public var region: String
        /// The most characters one template parameter may hold (default 35).
        public var maxParamChars: Int
        /// By event (`case.created`, `case.replied` …).
        public var templates: [NotificationEvent: Template]

        /// The fields a template parameter can take (the only case data a citizen's SMS can carry).
        public static let fields = ["case_id", "subject", "reply_text", "outcome", "status", "registered_date", "lookup_code"]
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
    public var sms: SMS?
    /// Private targets see complainants' names and numbers in full (a leaders' group); e-mail always does.
    public var isPrivate: Bool
    /// People or units in the group: a case about any of them is never sent to this target.
    public var members: [String]
    /// Overrides the vendor's default limit (docs/domain/robots.md#summary).
    public var rateLimits: [RateWindowSetting]?
    /// Overrides the default retry delays (seconds).
    public var retryDelays: [TimeInterval]?
    public var concurrency: Int?
    /// The most connections a lane opens to one receiver (`concurrency`).
    public static let maxConcurrency = 100
    public var timeout: TimeInterval
    /// Overrides the vendor's message size limit (bytes).
    public var maxBytes: Int?

    /// False when the URL (or SMTP server) is missing: the target is listed but not used.
    public var isConfigured: Bool {
        switch kind {
        case .email: smtp != nil
        case .tencentSMS, .aliyunSMS:
            !(url?.value.isEmpty ?? true) && !(sms?.secretID?.value.isEmpty ?? true) && !(sms?.secretKey?.value.isEmpty ?? true)
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
        /// The citizen who raised the case (群众本人): their mobile for SMS targets, their e-mail address for
        /// e-mail targets; never when they opted out of messages. Only in a rule of its own.
        case complainant
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
            let kind = m.required("type", hint: "可选：webhook、wecom、dingtalk、feishu、email、hub、tencent_sms、aliyun_sms")?.oneOf(TargetSettings.Kind.self)
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
            let sms = m.optional("sms").flatMap { readSMS($0, aliyun: kind == .aliyunSMS) }
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
            var concurrency: Int?
            if let node = m.optional("concurrency"), let v = node.int {
                if (1...TargetSettings.maxConcurrency).contains(v) { concurrency = v } else {
                    node.report("并发连接数应在 1–\(TargetSettings.maxConcurrency) 之间，如 4")
                }
            }
            let timeout = m.optional("timeout")?.duration ?? 15
            let maxBytes = m.optional("max_bytes")?.byteSize
            m.finish()
            guard let name, let kind else { return nil }
            if !seen.insert(name).inserted { item.report("通知目标「\(name)」重复"); return nil }
            if kind == .email, m.has("url") { item.report("email 类型的目标请在 smtp.url 中写邮件服务器地址") }
            if kind != .email, smtp != nil { item.report("只有 email 类型的目标需要 smtp") }
            if kind.isSMS, sms == nil, !m.has("sms") { item.report("短信目标需要 sms（密钥、签名和模板），见 docs/domain/sms.md") }
            if !kind.isSMS, m.has("sms") { item.report("只有 tencent_sms、aliyun_sms 类型的目标需要 sms") }
            if kind == .tencentSMS, let sms, sms.appID?.isEmpty ?? true { item.report("腾讯云短信目标需要 sms.app_id（短信应用的 SmsSdkAppId）") }
            if let url, !url.isEmpty, kind != .email, !(url.hasPrefix("https://") || url.hasPrefix("http://")) {
                item.report("地址应以 https:// 开头（机器人或接收系统提供的完整地址）")
            }
            return TargetSettings(
                name: name, kind: kind, url: url.map(Secret.init), secrets: secrets, smtp: smtp, sms: sms, isPrivate: isPrivate,
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
            let recipientsNode = m.optional("recipients")
            let recipients = recipientsNode?.items.compactMap { $0.oneOf(NotificationRule.Recipient.self) } ?? [.responsible]
            m.finish()
            let kinds = Dictionary(targets.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
            if recipients.contains(.complainant) {
                if recipients.count > 1 {
                    recipientsNode?.report("complainant（群众本人）不能与工作人员写在同一条规则中：请为群众单独写一条规则")
                }
                for name in targetNames where !(kinds[name]?.kind.addressesPeople ?? true) {
                    recipientsNode?.report("complainant 只能发往 email、tencent_sms、aliyun_sms 类型的目标，「\(name)」是群或系统")
                }
            }
            for name in targetNames {
                guard let target = kinds[name], target.kind.isSMS, let sms = target.sms else { continue }
                for event in events where sms.templates[event] == nil {
                    eventsNode?.report("短信目标「\(name)」没有「\(event.rawValue)」的模板：请在该目标的 sms.templates 中填写已审核通过的模板 ID")
                }
            }
            return NotificationRule(events: events, targets: targetNames, channels: channels, recipients: recipients)
        }
    }
}

extension HubConfig {
    /// A target's `sms:` section. Tencent templates list their parameters in order (`params: [case_id, reply_text]`);
    /// Aliyun templates name them (`params: {code: case_id}`).
    static func readSMS(_ n: ConfigNode, aliyun: Bool) -> TargetSettings.SMS? {
        guard let m = n.mapping else { return nil }
        let secretID = m.optional("secret_id")?.text.map(Secret.init)
        let secretKey = m.optional("secret_key")?.text.map(Secret.init)
        let appID = m.optional("app_id")?.text
        let signName = m.required("sign_name", hint: "已审核通过的短信签名，不带【】，如 青山镇群工办")?.string
        let region = m.optional("region")?.string ?? "ap-guangzhou"
        let maxChars = m.optional("max_param_chars")?.int ?? 35
        var templates: [NotificationEvent: TargetSettings.SMS.Template] = [:]
        if let t = m.required("templates", hint: "每个事件一个已审核通过的模板，如 case.replied: { id: \"2000002\", params: [case_id, reply_text] }")?.mapping {
            for event in NotificationEvent.allCases {
                guard let node = t.optional(event.rawValue), let tm = node.mapping else { continue }
                let id = tm.required("id", hint: "短信平台上的模板 ID / 模板 CODE")?.text
                var params: [TargetSettings.SMS.Template.Param] = []
                if let p = tm.optional("params") {
                    if aliyun {
                        if let pm = p.mapping {
                            // Names are the template's own; read them in the order written.
                            params = readNamedParams(p, pm)
                        }
                    } else {
                        params = p.items.compactMap { $0.string.map { .init(name: nil, field: $0) } }
                    }
                }
                tm.finish()
                for param in params where !TargetSettings.SMS.fields.contains(param.field) {
                    node.report("模板参数「\(param.field)」不可用（可选：\(TargetSettings.SMS.fields.joined(separator: "、"))）")
                }
                if let id, !id.isEmpty { templates[event] = .init(id: id, params: params) }
            }
            t.finish()
        }
        m.finish()
        if maxChars < 2 { n.report("max_param_chars 应至少为 2") }
        guard let signName else { return nil }
        return TargetSettings.SMS(
            secretID: secretID, secretKey: secretKey, appID: appID, signName: signName, region: region,
            maxParamChars: max(2, maxChars), templates: templates)
    }

    /// `{code: case_id, reply: reply_text}` as `(name, field)` pairs in the order written.
    private static func readNamedParams(_ node: ConfigNode, _ m: ConfigMapping) -> [TargetSettings.SMS.Template.Param] {
        m.entryKeys.compactMap { key in m.optional(key)?.string.map { .init(name: key, field: $0) } }
    }
}
