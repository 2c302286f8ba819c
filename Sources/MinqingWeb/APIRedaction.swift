import Foundation
import MinqingCore
import MinqingHTTP

/// What an API caller without `read_pii` sees of a case: complainant masked, numbers in the texts masked, and
/// no source reference from which the citizen's lookup code could be derived (信访工作条例 第三十条; see
/// docs/api-access.md).
struct APIRedaction: Sendable {
    let masking = Masking()

    /// Redacts unless `principal` may read personal data.
    func record(_ r: CaseRecord, for principal: APIPrincipal?) -> CaseRecord {
        principal?.has(.readPII) == true ? r : record(r)
    }

    func record(_ r: CaseRecord) -> CaseRecord {
        var r = r
        r.complainant = masking.complainant(r.complainant)
        r.subject = masking.numbers(in: r.subject)
        r.body = masking.numbers(in: r.body)
        r.replyText = r.replyText.map(masking.numbers(in:))
        if LookupCode.code(for: r) != nil { r.sourceRef = "（已隐藏）" }
        return r
    }

    func audit(_ events: [AuditEvent], for principal: APIPrincipal?) -> [AuditEvent] {
        guard principal?.has(.readPII) != true else { return events }
        return events.map { e in
            var e = e
            e.reason = e.reason.map(masking.numbers(in:))
            e.details = e.details.mapValues(masking.numbers(in:))
            if e.details["source_ref"]?.hasPrefix(LookupCode.generatedPrefix) == true { e.details["source_ref"] = "（已隐藏）" }
            return e
        }
    }

    /// Whether a free-text search may look into the texts for `principal`: without `read_pii`, a query holding
    /// a run of three or more digits (any script) could recover a masked number digit by digit, so only a case
    /// id (`MQ-20261122-0042`, or a prefix of one) may hold digits.
    func allowsSearch(_ text: String, for principal: APIPrincipal?) -> Bool {
        if principal?.has(.readPII) == true { return true }
        if text.wholeMatch(of: /[A-Za-z]{1,8}-[0-9]{0,8}(-[0-9]{0,4})?/) != nil { return true }
        var run = 0
        for c in text {
            run = c.isNumber ? run + 1 : 0
            if run >= 3 { return false }
        }
        return true
    }
}
