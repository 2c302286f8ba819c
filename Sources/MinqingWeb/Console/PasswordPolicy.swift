import Foundation

/// The one place console passwords are judged (the CLI, the account page and the change-password page all ask
/// here). The rules and why: docs/accounts.md. Messages are Chinese and say what would be accepted.
public enum PasswordPolicy {
    public static let minimumLength = 10
    /// bcrypt reads only the first 72 bytes of a password: a longer one would match any password sharing them.
    public static let maximumBytes = 72

    public struct Refusal: Error, Sendable, Hashable, CustomStringConvertible {
        public let description: String
    }

    /// Throws `Refusal` when `password` may not be the password of account `userID`.
    public static func check(_ password: String, userID: String) throws(Refusal) {
        guard password.count >= minimumLength else {
            throw Refusal(description: "密码太短（\(password.count) 位）：至少 \(minimumLength) 位，可用一句好记的话或几个词连在一起")
        }
        guard password.utf8.count <= maximumBytes else {
            throw Refusal(description: "密码太长：最多 \(maximumBytes) 个字节（约 70 个字母数字或 24 个汉字），请缩短")
        }
        guard !password.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw Refusal(description: "密码不能含有换行、制表符等控制字符，请只用可见的字母、数字、符号或汉字")
        }
        let lower = password.lowercased()
        // "wang-li" is refused as "wang-li2026" and as "WangLi2026".
        let id = userID.lowercased(), plainID = id.filter { $0.isLetter || $0.isNumber }
        if id.count >= 3 && lower.contains(id) || plainID.count >= 3 && lower.filter({ $0.isLetter || $0.isNumber }).contains(plainID) {
            throw Refusal(description: "密码不能包含账号名「\(userID)」，请换一个别人猜不到的密码")
        }
        if common.contains(where: { lower.hasPrefix($0) && lower.dropFirst($0.count).allSatisfy(\.isNumber) }) {
            throw Refusal(description: "这个密码太常见，很容易被猜中：请换一个，例如几个不相关的词连在一起")
        }
    }

    /// The shipped list of common passwords (lower case).
    static let common: Set<String> = {
        guard let url = Bundle.module.url(forResource: "common-passwords", withExtension: "txt", subdirectory: "Wordlists"),
              let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
        return Set(text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") })
    }()

    /// A password for an account reset by an admin: 16 characters from an alphabet without look-alikes (0/O, 1/l/I),
    /// about 90 bits; shown once, changed at the first login.
    public static func generate() -> String {
        let alphabet = Array("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var rng = SystemRandomNumberGenerator()
        let body = (0..<16).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &rng)] }
        return stride(from: 0, to: 16, by: 4).map { String(body[$0..<$0 + 4]) }.joined(separator: "-")
    }
}
