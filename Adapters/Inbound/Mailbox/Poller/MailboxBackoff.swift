import Foundation
import MinqingCurl

/// Retry policy after a failed poll: exponential from `base`, capped at `max`; wrong passwords wait longer,
/// because mail providers lock an account that keeps failing to log in.
public struct MailboxBackoff: Sendable, Hashable {
    public var base: TimeInterval
    public var max: TimeInterval
    public var loginBase: TimeInterval

    public init(base: TimeInterval = 5, max: TimeInterval = 900, loginBase: TimeInterval = 60) {
        self.base = base
        self.max = max
        self.loginBase = loginBase
    }

    /// Seconds to wait after the `failures`-th consecutive failure (1 = the first).
    public func delay(afterFailures failures: Int, kind: MailboxFailure.Kind) -> TimeInterval {
        let start = kind == .login ? loginBase : base
        let exponent = Swift.max(0, Swift.min(failures - 1, 30))
        return Swift.min(max, start * pow(2, Double(exponent)))
    }
}

/// Why a poll failed, in words a clerk can act on.
public struct MailboxFailure: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        case connection, login, folder, store, other
    }

    public var kind: Kind
    public var description: String

    public init(kind: Kind, description: String) {
        self.kind = kind
        self.description = description
    }

    static func from(_ error: any Error, mailbox: String, folder: String) -> MailboxFailure {
        if let failure = error as? MailboxFailure { return failure }
        guard let curl = error as? CurlError else {
            return MailboxFailure(kind: .store, description: "登记来信时台账写入失败（\(error)），请检查数据目录的磁盘空间和权限")
        }
        switch curl.kind {
        case .couldNotResolve, .couldNotConnect, .timeout, .connectionLost, .tls:
            return MailboxFailure(
                kind: .connection,
                description: "连不上邮箱服务器（\(curl.message)），请检查邮箱 \(mailbox) 的 host、port、tls 设置和网络")
        case .loginDenied:
            return MailboxFailure(kind: .login, description: "邮箱 \(mailbox) 登录被拒绝，请检查 user 和密码（环境变量）是否正确、是否开启了 IMAP")
        case .remoteRejected:
            return MailboxFailure(
                kind: .folder,
                description: "邮箱服务器拒绝了请求（\(curl.serverResponse ?? curl.message)），请检查文件夹「\(folder)」是否存在")
        default:
            return MailboxFailure(kind: .other, description: "读取邮箱 \(mailbox) 出错：\(curl.message)")
        }
    }
}
