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
                Issue.record("group message carries an unmasked number \(leak): \(request.bodyText.prefix(300))")
            }
            return responder(request)
        }
    }

    /// Digit runs in `text` that are a resident ID or a mobile number not in `allowed`.
    static func unmaskedNumbers(in text: String, allowed: Set<String>) -> [String] {
        var found: [String] = []
        var run = ""
        func check() {
            defer { run = "" }
            guard !run.isEmpty else { return }
            if run.count == 18 || (run.count == 15 && run.allSatisfy(\.isNumber)) { found.append(run); return }
            if PhoneNumber.kind(of: run) == .mobile, !allowed.contains(PhoneNumber.normalised(run)) { found.append(run) }
        }
        for ch in text {
            if ch.isASCII, ch.isNumber || ((ch == "X" || ch == "x") && run.count == 17) { run.append(ch) } else { check() }
        }
        check()
        return found
    }
}
