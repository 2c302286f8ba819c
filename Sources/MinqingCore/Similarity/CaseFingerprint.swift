import Foundation

/// What repeat detection and early warning know of one case: kept with the case (its signature is computed once,
/// before the case is written) so a new case is compared with earlier ones without reading their texts again.
public struct CaseFingerprint: Sendable, Hashable {
    public var caseID: CaseID
    public var registeredAt: Date
    /// Village code (or the text as written) and category code, as the case was filed.
    public var village: String?
    public var category: String?
    /// The complainant's phone, normalised — only when it was given in full (a masked `138****1234` is not a number
    /// and matches nothing).
    public var phone: String?
    /// The complainant's resident ID number (upper-case), only when it passes the GB 11643 check.
    public var idNumber: String?
    /// Every phone the case brings: the complainant's and mobile numbers written in the text (a 联名 letter lists
    /// several); used to count how many people a group complaint comes from.
    public var phones: [String]
    /// Whether the text holds one of the configured group-complaint words (集体, 联名, 上访 …).
    public var hasGroupWords: Bool
    public var signature: MinHashSignature

    public init(
        caseID: CaseID, registeredAt: Date, village: String? = nil, category: String? = nil, phone: String? = nil,
        idNumber: String? = nil, phones: [String] = [], hasGroupWords: Bool = false, signature: MinHashSignature
    ) {
        self.caseID = caseID
        self.registeredAt = registeredAt
        self.village = village
        self.category = category
        self.phone = phone
        self.idNumber = idNumber
        self.phones = phones
        self.hasGroupWords = hasGroupWords
        self.signature = signature
    }

    /// The fingerprint of `record`, with the signature of its text computed beforehand (`signatureText(of:)`).
    public init(record: CaseRecord, signature: MinHashSignature, groupWords: [String], villageAliases: [String: String] = [:]) {
        self.init(
            filed: Filed(
                caseID: record.id, registeredAt: record.registeredAt, village: record.village, category: record.category,
                phone: record.complainant.phone, idNumber: record.complainant.idNumber, subject: record.subject, body: record.body),
            signature: signature, groupWords: groupWords, villageAliases: villageAliases)
    }

    /// What a fingerprint is made of, as the case was filed: enough to make one without the whole record (repeat
    /// detection reads these columns rather than decoding each queued case's document).
    public struct Filed: Sendable {
        public var caseID: CaseID
        public var registeredAt: Date
        public var village, category, phone, idNumber: String?
        public var subject, body: String

        public init(
            caseID: CaseID, registeredAt: Date, village: String?, category: String?, phone: String?, idNumber: String?,
            subject: String, body: String
        ) {
            (self.caseID, self.registeredAt, self.village, self.category) = (caseID, registeredAt, village, category)
            (self.phone, self.idNumber, self.subject, self.body) = (phone, idNumber, subject, body)
        }
    }

    /// The fingerprint of a case filed as `filed` (the same as `init(record:…)` of its record).
    public init(filed: Filed, signature: MinHashSignature, groupWords: [String], villageAliases: [String: String] = [:]) {
        let phone = filed.phone.flatMap(Self.wholePhone)
        let text = filed.subject + "\n" + filed.body
        var phones = phone.map { [$0] } ?? []
        for p in Self.mobiles(in: text) where !phones.contains(p) { phones.append(p) }
        let folded = ScriptFolding.simplified(text)
        self.init(
            caseID: filed.caseID, registeredAt: filed.registeredAt,
            village: filed.village ?? Self.village(in: folded, aliases: villageAliases), category: filed.category,
            phone: phone, idNumber: filed.idNumber.flatMap(Self.wholeID), phones: phones,
            hasGroupWords: groupWords.contains { !$0.isEmpty && folded.containsLiteral(ScriptFolding.simplified($0)) },
            signature: signature)
    }

    /// The village whose longest name or alias `text` contains, if any.
    static func village(in text: String, aliases: [String: String]) -> String? {
        aliases.filter { $0.key.count >= 2 && text.containsLiteral(ScriptFolding.simplified($0.key)) }
            .max { ($0.key.count, $1.key) < ($1.key.count, $0.key) }?.value
    }

    /// The text a message's signature is computed from (subject and body).
    public static func signatureText(subject: String?, body: String) -> String { (subject ?? "") + "\n" + body }

    /// The normalised number when `text` is a whole phone number; nil for masked or malformed ones.
    public static func wholePhone(_ text: String) -> String? {
        guard !text.contains("*"), !text.contains("×"), PhoneNumber.kind(of: text) != nil else { return nil }
        return PhoneNumber.normalised(text)
    }

    public static func wholeID(_ text: String) -> String? {
        let id = text.trimmingEdges(.whitespaces).uppercased()
        return ResidentID.isValid(id) ? id : nil
    }

    /// Mobile numbers (11 digits, 1[3-9]…) written in `text`, full-width digits included, at most 20.
    static func mobiles(in text: String) -> [String] {
        var found: [String] = []
        var run: [Character] = []
        func flush() {
            if run.count == 11, run[0] == "1", ("3"..."9").contains(run[1]) {
                let n = String(run)
                if !found.contains(n) { found.append(n) }
            }
            run = []
        }
        for ch in text {
            guard found.count < 20 else { break }
            var c = ch
            if let s = ch.unicodeScalars.first, ch.unicodeScalars.count == 1, (0xFF10...0xFF19).contains(s.value) {
                c = Character(Unicode.Scalar(s.value - 0xFEE0)!)
            }
            if c.isASCIIDigitCharacter { run.append(c) } else if c != " " && c != "-" { flush() }
        }
        flush()
        return found
    }
}
