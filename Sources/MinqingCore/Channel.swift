/// Where a message came from. Each channel's adapter lives under `Adapters/`.
public enum Channel: String, Sendable, Codable, CaseIterable, Hashable {
    /// 群众工作热线 / 12345 转办: call records, missed-call call-backs, SMS, work orders.
    case hotline
    /// 民情信箱: e-mail and paper letters.
    case mailbox
    /// 网上民情直通车: the public web form, JSON and Open311 clients.
    case webform
    /// 来访 / 下访: walk-ins and field-visit notes typed in by staff.
    case visit

    public var displayName: String {
        switch self {
        case .hotline: "群众工作热线"
        case .mailbox: "民情信箱"
        case .webform: "网上民情直通车"
        case .visit: "来访"
        }
    }
}
