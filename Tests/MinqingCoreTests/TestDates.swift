import Foundation
import MinqingCore

extension Date {
    /// `Date(iso: "2026-11-22T09:30:00+08:00")`; traps on a malformed literal.
    init(iso text: String) {
        guard let d = HubTime.parse(text) else { preconditionFailure("bad test date \(text)") }
        self = d
    }
}
