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
        let c = record.complainant
        let phone = c.phone.flatMap(Self.wholePhone)
        let text = record.subject + "\n" + record.body
        var phones = phone.map { [$0] } ?? []
        for p in Self.mobiles(in: text) where !phones.contains(p) { phones.append(p) }
        let folded = ScriptFolding.simplified(text)
        self.init(
            caseID: record.id, registeredAt: record.registeredAt,
            village: record.village ?? Self.village(in: folded, aliases: villageAliases), category: record.category,
            phone: phone, idNumber: c.idNumber.flatMap(Self.wholeID), phones: phones,
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
        let id = text.trimmingCharacters(in: .whitespaces).uppercased()
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
