/// What one API credential may do. Every `/api/v1` route names the scope it needs; `metrics` opens `/metrics` and
/// the details of `/readyz` to a monitoring system that is not on the hub's own machine. See docs/api-access.md.
public enum APIScope: String, Sendable, Hashable, CaseIterable, Codable, Comparable {
    /// Submit messages and letters (`POST /api/v1/messages`, `/api/v1/letters`, Open311 `requests.json`).
    case intake
    /// Read the ledger; complainant data comes masked unless the credential also has `read_pii`.
    case read
    /// See complainants' names, numbers and ID numbers unmasked (and the raw hotline input).
    case readPII = "read_pii"
    /// Act on cases (`POST /api/v1/cases/{id}/transitions`).
    case transition
    /// The telephony system: calls, SMS and 12345 work orders.
    case hotline
    /// County acknowledgements of forwarded cases (instead of a Standard Webhooks signature).
    case ack
    /// `/metrics` and the details of `/readyz` from outside the hub's own machine.
    case metrics

    /// What the scope allows, for messages people read.
    public var displayName: String {
        switch self {
        case .intake: "提交来信来电"
        case .read: "查阅台账"
        case .readPII: "查看群众个人信息"
        case .transition: "办理案件"
        case .hotline: "热线对接"
        case .ack: "县级签收"
        case .metrics: "运行指标"
        }
    }

    public static func < (a: APIScope, b: APIScope) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}
