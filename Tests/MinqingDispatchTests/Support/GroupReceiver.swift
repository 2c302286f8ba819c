import Foundation
import MinqingCore
import MinqingTesting
import Testing

/// A loopback stand-in for a group robot or webhook receiver that also sweeps every message it gets for personal
/// numbers: a group message may carry no resident ID number and no mobile number except the directory's own staff
/// numbers (@mentions). Every group-target test in this suite receives through one of these. Paths in
/// `privatePaths` stand for targets marked `private` (a leaders' group), which may see numbers in full.
enum GroupReceiver {
    static func start(
        staffPhones: Set<String>, privatePaths: Set<String> = [], _ responder: @escaping LoopbackHTTPReceiver.Responder
    ) async throws -> LoopbackHTTPReceiver {
        try await LoopbackHTTPReceiver.start { request in
            let path = request.uri.split(separator: "?").first.map(String.init) ?? request.uri
            for leak in privatePaths.contains(path) ? [] : unmaskedNumbers(in: request.bodyText, allowed: staffPhones) {
                let text = request.bodyText
                let around = text.range(of: leak).map { r -> Substring in
                    let from = text.index(r.lowerBound, offsetBy: -60, limitedBy: text.startIndex) ?? text.startIndex
                    let to = text.index(r.upperBound, offsetBy: 20, limitedBy: text.endIndex) ?? text.endIndex
                    return text[from..<to]
                } ?? ""
                Issue.record("group message carries an unmasked number \(leak): …\(around)…")
            }
            return responder(request)
        }
    }

    /// Digit runs in `text` that are a resident ID or a mobile number not in `allowed`. Runs inside a token of
    /// letters and digits (a UUID such as `…-a16024402126`) are not numbers a person wrote.
    static func unmaskedNumbers(in text: String, allowed: Set<String>) -> [String] {
        var found: [String] = []
        var run = ""
        var glued = false
        func check(next: Character?) {
            defer { run = "" }
            guard !run.isEmpty, !glued, !(next.map { $0.isASCII && $0.isLetter } ?? false) else { return }
            if run.count == 18 || (run.count == 15 && run.allSatisfy(\.isNumber)) { found.append(run); return }
            if PhoneNumber.kind(of: run) == .mobile, !allowed.contains(PhoneNumber.normalised(run)) { found.append(run) }
        }
        var previous: Character?
        for ch in text {
            if ch.isASCII, ch.isNumber || ((ch == "X" || ch == "x") && run.count == 17) {
                if run.isEmpty { glued = previous.map { $0.isASCII && $0.isLetter } ?? false }
                run.append(ch)
            } else {
                check(next: ch)
            }
            previous = ch
        }
        check(next: nil)
        return found
    }
}
