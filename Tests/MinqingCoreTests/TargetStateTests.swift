import Foundation
import MinqingCore
import Testing

@Suite("A notification target's disabled flag")
struct TargetStateTests {
    let t0 = Date(timeIntervalSince1970: 1_790_000_000)

    @Test("a disable holds for the address it was learned with, not for a changed one")
    func disableHoldsForItsRevision() {
        let gone = TargetState(name: "county-webhook", disabledAt: t0, disabledReason: "410", disabledRevision: "r1")
        #expect(gone.isDisabled(forRevision: "r1"))
        #expect(!gone.isDisabled(forRevision: "r2"), "the configuration gave it another address or secret")
        #expect(!TargetState(name: "county-webhook").isDisabled(forRevision: "r1"), "never disabled")
    }

    @Test("a disable stored before revisions were kept holds whatever the configuration")
    func legacyDisableHolds() {
        let legacy = TargetState(name: "county-webhook", disabledAt: t0, disabledReason: "410")
        #expect(legacy.isDisabled(forRevision: "r1") && legacy.isDisabled(forRevision: "r2"))
    }

    @Test("an operator's enable lifts an earlier disable; a disable after the enable counts again")
    func laterOfEnableAndDisableWins() {
        var state = TargetState(name: "sms", disabledAt: t0, disabledReason: "账户已停机", disabledRevision: "r1",
                                enabledAt: t0.addingTimeInterval(60))
        #expect(!state.isDisabled(forRevision: "r1"))
        state.disabledAt = t0.addingTimeInterval(120)
        #expect(state.isDisabled(forRevision: "r1"))
    }
}
