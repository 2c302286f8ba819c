import Foundation
import Synchronization

/// What the running configuration is and how its last reload went (metrics, `/readyz`, the console banner).
public struct ConfigStatus: Sendable, Hashable {
    /// Lower-case hex SHA-256 over the configuration directory's files (names and contents).
    public var hash: String
    /// When the running configuration was loaded (start-up or the last successful reload).
    public var loadedAt: Date
    /// The last reload attempt failed: when, and every problem (each with file and line). Nil after a success.
    public var failure: ReloadFailure?

    public init(hash: String, loadedAt: Date, failure: ReloadFailure? = nil) {
        self.hash = hash
        self.loadedAt = loadedAt
        self.failure = failure
    }
}

public struct ReloadFailure: Sendable, Hashable {
    public var at: Date
    /// Each problem as `file:line:column: key：message` (Chinese, saying what to fix).
    public var errors: [String]

    public init(at: Date, errors: [String]) {
        self.at = at
        self.errors = errors
    }

    /// One line for a banner: how many problems and the first ones.
    public var summary: String {
        "配置重新加载失败（\(errors.count) 处错误），仍在使用原配置：" + errors.prefix(3).joined(separator: "；")
            + (errors.count > 3 ? "……（详见日志）" : "")
    }
}

/// The current configuration snapshot. Components that honour reloads read `config` per request or decision
/// (never keep their own copy); a reload swaps the whole snapshot at once, so a reader sees the old or the new
/// configuration, never a mix.
public final class ConfigHolder: Sendable {
    private let state: Mutex<(config: HubConfig, status: ConfigStatus)>

    public init(_ config: HubConfig, hash: String, at: Date) {
        state = Mutex((config, ConfigStatus(hash: hash, loadedAt: at)))
    }

    public var config: HubConfig { state.withLock { $0.config } }
    public var status: ConfigStatus { state.withLock { $0.status } }

    /// Makes `config` the running configuration (a successful reload).
    public func replace(with config: HubConfig, hash: String, at: Date) {
        state.withLock { $0 = (config, ConfigStatus(hash: hash, loadedAt: at)) }
    }

    /// Records a failed reload; the running configuration stays.
    public func recordFailure(_ failure: ReloadFailure) {
        state.withLock { $0.status.failure = failure }
    }
}
