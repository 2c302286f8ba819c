/// Collects parse warnings: unique, in order of first occurrence, capped so garbage input cannot flood it.
struct WarningLog: Sendable {
    static let cap = 50

    private(set) var messages: [String] = []
    private var seen: Set<String> = []
    private var suppressed = false

    mutating func add(_ message: String) {
        guard !seen.contains(message) else { return }
        if messages.count >= Self.cap {
            if !suppressed {
                suppressed = true
                messages.append("further warnings suppressed")
            }
            return
        }
        seen.insert(message)
        messages.append(message)
    }
}
