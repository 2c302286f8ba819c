/// One problem in a configuration file, located by file, line and key, said so a clerk can fix it.
public struct ConfigIssue: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    /// Dotted key path (`server.port`, `people[3].phone`).
    public var key: String
    public var message: String

    public init(file: String, line: Int, column: Int, key: String, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.key = key
        self.message = message
    }

    public var description: String {
        "\(file):\(line):\(column): \(key.isEmpty ? "" : key + "：")\(message)"
    }
}

/// Every problem found while loading a configuration (loading goes on after the first, so all are reported).
public struct ConfigError: Error, Sendable, CustomStringConvertible {
    public var issues: [ConfigIssue]

    public init(issues: [ConfigIssue]) { self.issues = issues }

    public var description: String {
        "配置有 \(issues.count) 处错误：\n" + issues.map { "  " + $0.description }.joined(separator: "\n")
    }
}

/// A value that must not appear in logs or output: robot keys, passwords, tokens.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    public let value: String
    public init(_ value: String) { self.value = value }
    public var description: String { "<secret>" }
    public var debugDescription: String { "<secret>" }
}
