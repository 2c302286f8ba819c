import Foundation
import MinqingConfig
import MinqingDispatch
import MinqingStore

/// The full validation of a configuration directory, shared by `minqing check-config` and every reload (SIGHUP,
/// `minqing reload`, the console's button): the YAML files (ConfigLoader: every problem with file, line and key)
/// and the notification templates they need.
public enum ConfigCheck {
    public struct Checked: Sendable {
        public var config: HubConfig
        public var templates: TemplateSet
        /// SHA-256 over the directory's files (`ConfigCheck.hash`).
        public var hash: String
    }

    /// The problems of a configuration that did not pass, each on one line with its file and line.
    public struct Failed: Error, Sendable, CustomStringConvertible {
        public var errors: [String]
        public var description: String { "配置有 \(errors.count) 处错误：\n" + errors.map { "  " + $0 }.joined(separator: "\n") }
        public init(errors: [String]) { self.errors = errors }
    }

    public static func validate(
        _ directory: URL, environment: [String: String] = ProcessInfo.processInfo.environment, needsSecrets: Bool
    ) throws(Failed) -> Checked {
        let config: HubConfig
        do { config = try ConfigLoader.load(from: directory, environment: environment, needsSecrets: needsSecrets) } catch {
            throw Failed(errors: error.issues.map(\.description))
        }
        let templates: TemplateSet
        do { templates = try NotificationSetup.templates(for: config) } catch { throw Failed(errors: [error.description]) }
        return Checked(config: config, templates: templates, hash: hash(directory))
    }

    /// Lower-case hex SHA-256 over every regular file under `directory` (sorted by relative path; each path and
    /// its bytes), so any edit — a file added, removed or changed — gives another hash.
    public static func hash(_ directory: URL) -> String {
        let root = directory.standardizedFileURL.path
        var paths: [String] = []
        if let walker = FileManager.default.enumerator(atPath: root) {
            for case let path as String in walker {
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: root + "/" + path, isDirectory: &isDirectory), !isDirectory.boolValue {
                    paths.append(path)
                }
            }
        }
        var data = Data()
        for path in paths.sorted() {
            data.append(Data(path.utf8))
            data.append(0)
            data.append(Data(ContentHash.sha256(FileManager.default.contents(atPath: root + "/" + path) ?? Data()).utf8))
            data.append(0)
        }
        return ContentHash.sha256(data)
    }
}
