import Foundation

/// Resident identity numbers (GB 11643-1999), see docs/domain/identifiers.md#resident-id-number.
public enum ResidentID {
    static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    static let checkChars: [Character] = Array("10X98765432")

    /// 18 characters with a valid check character, or an old 15-digit number (no check character).
    public static func isValid(_ text: String) -> Bool {
        let id = Array(text.trimmed.uppercased())
        if id.count == 15 { return id.allSatisfy(\.isASCIIDigitCharacter) }
        guard id.count == 18, id[0..<17].allSatisfy(\.isASCIIDigitCharacter) else { return false }
        let sum = zip(id[0..<17], weights).reduce(0) { $0 + Int(String($1.0))! * $1.1 }
        return checkChars[sum % 11] == id[17]
    }
}

/// Chinese phone numbers (loose on purpose: number portability), see docs/domain/identifiers.md#phone-numbers.
public enum PhoneNumber {
    public enum Kind: Sendable { case mobile, landline }

    /// Digits only, with a leading +86/0086 removed; separators (space, -, parentheses) ignored.
    public static func normalised(_ text: String) -> String {
        var digits = text.filter { $0.isASCIIDigitCharacter || $0 == "+" }
        for prefix in ["+86", "0086"] where digits.hasPrefix(prefix) && digits.count > 11 {
            digits.removeFirst(prefix.count)
        }
        if digits.hasPrefix("86") && digits.count == 13 { digits.removeFirst(2) }
        return digits.filter(\.isASCIIDigitCharacter)
    }

    public static func kind(of text: String) -> Kind? {
        let n = normalised(text)
        let digits = Array(n)
        if digits.count == 11, digits[0] == "1", ("3"..."9").contains(digits[1]) { return .mobile }
        // 0 + 2–3 digit area code + 7–8 digits (+ optional extension, which normalisation folds in).
        if digits.first == "0", (10...16).contains(digits.count) { return .landline }
        return nil
    }
}

/// Masking of personal data for people who are not assigned to a case: the one place for this rule. The console,
/// its exports, robot messages, webhooks and e-mails to people not assigned all mask through it
/// (rules and reasons in docs/privacy.md).
///
/// A mask never shows a usable suffix: the public status lookup and many other systems take "the last four digits"
/// as proof of identity, so a phone shows at most its first 3 and last 2 digits (`139****45`) and an ID number at
/// most its first 6 and last 2 characters (前6后2, `110105**********2X`).
public struct Masking: Sendable, Hashable {
    /// The most characters an ID number mask may keep at the start and at the end.
    public static let idMaxKeepStart = 6
    public static let idMaxKeepEnd = 2

    /// Characters of an ID number kept at the start and end (前6后2 by default; larger values are clamped to
    /// `idMaxKeepStart` / `idMaxKeepEnd`).
    public let idKeepStart: Int
    public let idKeepEnd: Int

    public init(idKeepStart: Int = Masking.idMaxKeepStart, idKeepEnd: Int = Masking.idMaxKeepEnd) {
        self.idKeepStart = max(0, min(idKeepStart, Self.idMaxKeepStart))
        self.idKeepEnd = max(0, min(idKeepEnd, Self.idMaxKeepEnd))
    }

    /// `13812341234`, `+86 138-1234-1234`, `１３８１２３４１２３４` → `138****34`; landlines alike
    /// (`(0771) 123-4567` → `077****67`). Fewer than 10 digits: `****`, nothing shown.
    public func phone(_ text: String) -> String {
        let digits = NumberForms.digits(of: text)
        guard !digits.isEmpty else { return "" }
        let n = NumberForms.nationalMobile(digits) ?? digits
        return Self.phoneMask(n)
    }

    /// `11010519491231002X` (any written form) → `110105**********2X`.
    public func idNumber(_ text: String) -> String {
        let chars = NumberForms.digits(of: text)
        guard chars.count > idKeepStart + idKeepEnd else { return String(repeating: "*", count: chars.count) }
        return String(chars.prefix(idKeepStart)) + String(repeating: "*", count: chars.count - idKeepStart - idKeepEnd)
            + String(chars.suffix(idKeepEnd))
    }

    static func phoneMask(_ digits: String) -> String {
        guard digits.count >= 10 else { return "****" }
        return String(digits.prefix(3)) + "****" + String(digits.suffix(2))
    }

    /// `张三` → `张*`, `张三丰` → `张*丰`.
    public func name(_ text: String) -> String {
        let chars = Array(text.trimmed)
        switch chars.count {
        case 0: return ""
        case 1: return "*"
        case 2: return String(chars[0]) + "*"
        default: return String(chars[0]) + String(repeating: "*", count: chars.count - 2) + String(chars.last!)
        }
    }

    /// Free text (subject, body, reply) with every resident ID number and phone number in it masked, in every
    /// written form: separators and spaces (`138-1234-5678`, `110105 19491231 002X`), `+86` / `0086`,
    /// full-width and other Unicode digits, and Chinese numerals read digit by digit (`一三八一二三四五六七八`).
    /// Citizens write their numbers into the message itself, and group messages must not carry them.
    /// The scan is linear in the text's length (`NumberScanner`).
    public func numbers(in text: String) -> String {
        NumberScanner(masking: self).mask(text)
    }

    /// `zhangsan@163.com` → `z***n@163.com`; a local part of one or two characters becomes `*`.
    public func email(_ text: String) -> String {
        let trimmed = text.trimmed
        guard let at = trimmed.lastIndex(of: "@") else { return String(repeating: "*", count: min(trimmed.count, 8)) }
        let local = Array(trimmed[..<at])
        let masked = local.count <= 2 ? "*" : String(local[0]) + "***" + String(local[local.count - 1])
        return masked + trimmed[at...]
    }

    public func complainant(_ c: Complainant) -> Complainant {
        Complainant(name: c.name.map(name), phone: c.phone.map(phone), idNumber: c.idNumber.map(idNumber),
                    email: c.email.map(email))
    }
}
