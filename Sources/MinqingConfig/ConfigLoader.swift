import Foundation
import MinqingCore

/// Loads and validates a configuration directory: `minqing.yaml`, `directory.yaml` and (when present)
/// `routing.yaml` and `schedules.yaml`.
///
/// `serve`, `check-config` and the tests all call this one function. It reports every problem it finds (not just
/// the first), each with file, line and key, and never returns a half-valid configuration.
public enum ConfigLoader {
    public static let mainFile = "minqing.yaml"
    public static let directoryFile = "directory.yaml"

    /// - Parameter needsSecrets: false for commands that read the configuration but reach no external system
    ///   (`calendar`, `markets`, `routes test`, `mail parse`, `check-config`): a variable that is not set is then not
    ///   an error; its value reads as `unsetPlaceholder(name)` and its name is in `HubConfig.unsetVariables`.
    public static func load(
        from directory: URL, environment: [String: String] = ProcessInfo.processInfo.environment, needsSecrets: Bool = true
    ) throws(ConfigError) -> HubConfig {
        let diagnostics = ConfigDiagnostics(environment: environment, toleratesUnsetVariables: !needsSecrets)
        func document(_ name: String) -> ConfigNode? {
            let url = directory.appendingPathComponent(name)
            let shown = displayPath(url)
            guard let data = FileManager.default.contents(atPath: url.path) else {
                diagnostics.report(shown, nil, "", "找不到文件：配置目录 \(displayPath(directory)) 中应有 \(name)")
                return nil
            }
            guard let text = String(data: data, encoding: .utf8) else {
                diagnostics.report(shown, nil, "", "文件不是 UTF-8 编码，请另存为 UTF-8")
                return nil
            }
            return diagnostics.document(text, file: shown)
        }
        let directoryConfig = document(directoryFile).flatMap(Directory.read)
        let main = document(mainFile)
        var config = main.flatMap { HubConfig.read($0, directory: directoryConfig, url: directory) }
        let targets = config?.targets.map(\.name) ?? []
        func optionalDocument(_ name: String) -> ConfigNode? {
            FileManager.default.fileExists(atPath: directory.appendingPathComponent(name).path) ? document(name) : nil
        }
        let schedules = optionalDocument(SchedulesSettings.file).flatMap {
            SchedulesSettings.read($0, directory: directoryConfig, targets: targets)
        }
        config?.schedules = schedules
        if let root = optionalDocument(RoutingSettings.file) {
            config?.routing = RoutingSettings.read(
                root, directory: directoryConfig, targets: targets, configURL: directory,
                escalations: schedules.map { Set($0.escalations.keys) },
                rosters: Set(schedules?.schedules.rosters.map(\.name) ?? []))
        }
        config?.warnings = optionalDocument(WarningSettings.file).flatMap {
            WarningSettings.read($0, directory: directoryConfig, targets: targets)
        }
        if let directoryConfig {
            config?.warnings?.names = Dictionary(
                directoryConfig.villages.map { ($0.code, $0.name) } + directoryConfig.categories.map { ($0.code, $0.name) },
                uniquingKeysWith: { a, _ in a })
            config?.warnings?.villageAliases = Dictionary(
                directoryConfig.villages.flatMap { v in ([v.name] + v.aliases).map { ($0, v.code) } }, uniquingKeysWith: { a, _ in a })
        }
        if !diagnostics.issues.isEmpty || config == nil {
            throw ConfigError(issues: diagnostics.issues.isEmpty
                ? [ConfigIssue(file: displayPath(directory), line: 1, column: 1, key: "", message: "配置不完整")]
                : diagnostics.issues)
        }
        config!.unsetVariables = diagnostics.unset
        return config!
    }

    /// What an unset `${NAME}` reads as when secrets are not needed: long enough to pass format checks, never a
    /// usable secret, and recognisable in any message that shows it.
    public static func unsetPlaceholder(_ name: String) -> String { "<未设置:\(name)>" }

    /// A path relative to the working directory when it is below it.
    static func displayPath(_ url: URL) -> String {
        let cwd = FileManager.default.currentDirectoryPath + "/"
        let path = url.standardizedFileURL.path
        return path.hasPrefix(cwd) ? String(path.dropFirst(cwd.count)) : path
    }
}
