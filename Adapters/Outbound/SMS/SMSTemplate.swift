import DeliverySupport
import Foundation
import MinqingCore

/// What a case can put into an SMS template's parameters. Only these fields exist: nothing internal (staff,
/// leaders, notes, other people) can be mapped onto a message to a citizen.
public enum SMSField: String, Sendable, CaseIterable, Hashable {
    /// The case id the citizen quotes (`MQ-20261122-0042`).
    case caseID = "case_id"
    /// The citizen's own subject line.
    case subject
    /// The reply (答复) text.
    case replyText = "reply_text"
    /// The outcome of the reply in words (合理诉求解决到位 …).
    case outcome
    /// The case's status in words (已受理, 已答复 …).
    case status
    /// Registration date, `2026-11-22`.
    case registeredDate = "registered_date"
    /// The 8-digit `/status` lookup code (web-form and walk-in cases), so the citizen can read the reply and rate it.
    case lookupCode = "lookup_code"
}

/// One vendor template (pre-approved with the gateway, docs/domain/sms.md#templates) and how our fields fill it.
public struct SMSTemplate: Sendable, Hashable {
    public struct Parameter: Sendable, Hashable {
        /// The template's variable name (Aliyun `${code}` → `code`); nil for positional parameters (Tencent `{1}`).
        public var name: String?
        public var field: SMSField

        public init(name: String? = nil, field: SMSField) {
            self.name = name
            self.field = field
        }
    }

    /// The vendor's template id (Tencent `TemplateId`, Aliyun `TemplateCode`).
    public var id: String
    public var parameters: [Parameter]

    public init(id: String, parameters: [Parameter]) {
        self.id = id
        self.parameters = parameters
    }
}

/// Fills a template's parameters from a delivery: each value cut to the vendor's length limit, with any URL
/// removed (gateways refuse links in variables; a link belongs in the approved template text), never empty
/// (gateways refuse empty variables). Pure.
public struct SMSParameterMapper: Sendable {
    /// The most characters one parameter may hold (docs/domain/sms.md#limits).
    public var maxCharacters: Int

    public init(maxCharacters: Int) {
        self.maxCharacters = max(2, maxCharacters)
    }

    /// The value for a field, or nil when the case has none (then `placeholder` is sent).
    public static func raw(_ field: SMSField, of delivery: Delivery) -> String? {
        guard let s = delivery.snapshot else { return nil }
        switch field {
        case .caseID: return s.id
        case .subject: return s.subject
        case .replyText: return s.replyText
        case .outcome: return s.outcome.flatMap(Outcome.init(rawValue:))?.displayName
        case .status: return s.statusName
        case .lookupCode: return s.lookupCode
        case .registeredDate:
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "Asia/Shanghai")!
            let c = calendar.dateComponents([.year, .month, .day], from: s.registeredAt)
            return String(format: "%04d-%02d-%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
        }
    }

    /// Sent for a field the case does not have.
    public static let placeholder = "无"

    public func values(for template: SMSTemplate, delivery: Delivery) -> [(name: String?, value: String)] {
        template.parameters.map { p in (p.name, fit(Self.raw(p.field, of: delivery) ?? "")) }
    }

    /// One line, no URLs, at most `maxCharacters` characters (cut ones end in `…`), never empty.
    public func fit(_ text: String) -> String {
        var line = Self.withoutURLs(text)
            .split(whereSeparator: { $0.isNewline || $0 == "\t" }).joined(separator: " ")
        line = line.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        if line.isEmpty { return Self.placeholder }
        if line.count > maxCharacters { line = String(line.prefix(maxCharacters - 1)) + "…" }
        return line
    }

    /// Removes `http://…`, `https://…` and `www.…` runs (up to the next space or CJK character).
    static func withoutURLs(_ text: String) -> String {
        var out = ""
        var rest = Substring(text)
        while !rest.isEmpty {
            let lower = rest.prefix(8).lowercased()  // only the head: linear in the text's length
            if lower.hasPrefix("http://") || lower.hasPrefix("https://") || lower.hasPrefix("www.") {
                rest = rest.drop { $0.isASCII && !$0.isWhitespace }
                continue
            }
            out.append(rest.removeFirst())
        }
        return out
    }
}
