import Foundation

/// Resident identity numbers (GB 11643-1999), FACTS §6.
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

/// Chinese phone numbers, FACTS §6 (loose on purpose: number portability).
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

/// Masking of personal data for people who are not assigned to a case (FACTS §6).
public struct Masking: Sendable, Hashable {
    /// Characters of an ID number kept at the start and end (前6后4 by default).
    public var idKeepStart: Int
    public var idKeepEnd: Int

    public init(idKeepStart: Int = 6, idKeepEnd: Int = 4) {
        self.idKeepStart = idKeepStart
        self.idKeepEnd = idKeepEnd
    }

    /// `13812341234` → `138****1234`.
    public func phone(_ text: String) -> String {
        let n = PhoneNumber.normalised(text)
        guard n.count >= 7 else { return String(repeating: "*", count: n.count) }
        return String(n.prefix(3)) + "****" + String(n.suffix(4))
    }

    /// `11010519491231002X` → `110105********002X`.
    public func idNumber(_ text: String) -> String {
        let chars = Array(text.trimmed)
        guard chars.count > idKeepStart + idKeepEnd else { return String(repeating: "*", count: chars.count) }
        return String(chars.prefix(idKeepStart)) + String(repeating: "*", count: chars.count - idKeepStart - idKeepEnd)
            + String(chars.suffix(idKeepEnd))
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

    /// Free text (subject, body) with every resident ID number and mobile number in it masked: citizens write
    /// their numbers into the message itself, and group messages must not carry them (FACTS §6).
    /// Looks at maximal runs of ASCII digits (an ID's final X included), so parts of longer numbers are left alone.
    public func numbers(in text: String) -> String {
        var out = ""
        var run = ""
        func flush() {
            out += maskedRun(run)
            run = ""
        }
        for ch in text {
            if ch.isASCII, ch.isNumber || ((ch == "X" || ch == "x") && run.count == 17) {
                run.append(ch)
            } else {
                if !run.isEmpty { flush() }
                out.append(ch)
            }
        }
        if !run.isEmpty { flush() }
        return out
    }

    private func maskedRun(_ run: String) -> String {
        switch run.count {
        case 18 where run.prefix(17).allSatisfy(\.isNumber), 15: return idNumber(run)
        case 11, 13, 14: return PhoneNumber.kind(of: run) == .mobile ? phone(run) : run
        default: return run
        }
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
