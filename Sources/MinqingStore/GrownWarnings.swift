import MinqingCore

/// The warnings an intake batch grew, whose `warning.updated` notifications are written once, at the end of the
/// batch, instead of once per message: an update carries the warning's latest state (its count, its newest cases),
/// so each per-message write would only be rewritten by the next — and building that state reads the newest member
/// cases in full. A burst of 256 similar messages in one commit then costs one update per warning, not 256.
///
/// Lives inside one store transaction (not shared across tasks); both stores use it the same way.
public final class GrownWarnings {
    private var order: [String] = []
    private var rules: [String: WarningRule] = [:]

    public init() {}

    /// Notes that warning `id` of `rule` gained a member in this batch.
    public func note(_ id: String, rule: WarningRule) {
        if rules.updateValue(rule, forKey: id) == nil { order.append(id) }
    }

    /// Each grown warning once, in the order first grown.
    public var all: [(id: String, rule: WarningRule)] { order.map { ($0, rules[$0]!) } }
}
