import Foundation
import MinqingCore
import Synchronization

/// What a ledger files and changes cases by, apart from its planner: the case factory (the vocabulary of villages
/// and categories, the `CaseRouter` of `routing.yaml` that decides 三定, the people index), the state machine's
/// policy and the early-warning rules (`warnings.yaml`). One value, so a batch sees one configuration, never a mix.
public struct IntakeRules: Sendable {
    public var factory: CaseFactory
    public var policy: CaseStateMachine.Policy
    /// Related cases and early warnings; nil: new cases are not compared.
    public var warnings: WarningSettings?

    public init(factory: CaseFactory = .init(), policy: CaseStateMachine.Policy = .init(), warnings: WarningSettings? = nil) {
        self.factory = factory
        self.policy = policy
        self.warnings = warnings
    }
}

/// The running `IntakeRules` of a ledger. Both stores read it once per intake batch or action (one lock), so a
/// configuration reload (`set`) decides the next batch; a batch already running finishes with the rules it read.
public final class IntakeRulesSlot: Sendable {
    private let current: Mutex<IntakeRules>

    public init(_ rules: IntakeRules) { current = Mutex(rules) }

    /// The rules as of now.
    public var rules: IntakeRules { current.withLock { $0 } }

    /// Makes `rules` the ones the next batch and action use.
    public func set(_ rules: IntakeRules) { current.withLock { $0 = rules } }
}

extension LedgerSettings {
    /// The slot the store reads its rules from: `rules` when given (a hub that reloads its configuration), else one
    /// holding `factory`, `policy` and `warnings` for the store's whole life.
    public var rulesSlot: IntakeRulesSlot {
        rules ?? IntakeRulesSlot(IntakeRules(factory: factory, policy: policy, warnings: warnings))
    }
}
