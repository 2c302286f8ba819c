import MinqingTesting
import Testing

extension Peers {
    /// In a test body: records a failure naming the install step when the peer is missing (CI case).
    static func require(_ available: Bool, _ hint: String) -> Bool {
        if !available { Issue.record("missing test peer (CI=true): \(hint)") }
        return available
    }
}
