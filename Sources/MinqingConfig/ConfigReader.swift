import Foundation
import MinqingCore
import Yams

/// Collects issues while a configuration is read; shared by every reader of one load.
final class ConfigDiagnostics {
    var issues: [ConfigIssue] = []
    let environment: [String: String]
    /// When true, a `${NAME}` whose variable is not set is not an error: it reads as `ConfigLoader.unsetPlaceholder`
    /// and is listed in `unset` (commands that need no secrets load the configuration this way).
    let toleratesUnsetVariables: Bool
    var unset: [String] = []

    init(environment: [String: String], toleratesUnsetVariables: Bool = false) {
        self.environment = environment
        self.toleratesUnsetVariables = toleratesUnsetVariables
    }

    func report(_ file: String, _ mark: Mark?, _ key: String, _ message: String) {
        issues.append(ConfigIssue(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1, key: key, message: message))
    }
}

/// A strict reader over one YAML node: every key must be read by someone, or `finish()` reports it as unknown.
/// Scalars expand `${NAME}` and `${NAME:-default}` from the environment.
struct ConfigNode {
    let file: String
    let path: String
    let node: Node
    let diagnostics: ConfigDiagnostics

    var mark: Mark? { node.mark }

    func child(_ key: String, _ node: Node) -> ConfigNode {
        ConfigNode(file: file, path: path.isEmpty ? key : "\(path).\(key)", node: node, diagnostics: diagnostics)
    }

    func report(_ message: String) { diagnostics.report(file, mark, path, message) }

    // MARK: Scalars

    /// The scalar text with environment references expanded; nil (and an issue) if this is not a scalar.
    var text: String? {
        guard let scalar = node.scalar else {
            report("应为单个值（文字或数字），这里是\(node.mapping != nil ? "映射" : "列表")")
            return nil
        }
        return expand(scalar.string)
    }

    var isNull: Bool {
        if let s = node.scalar { return s.string == "~" || s.string == "null" || (s.string.isEmpty && s.style == .plain) }
        return false
    }

    private func expand(_ raw: String) -> String? {
        guard raw.contains("${") else { return raw }
        var out = ""
        var rest = Substring(raw)
        var ok = true
        while let start = rest.range(of: "${") {
            out += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
                report("「\(raw)」中的 ${ 没有对应的 }")
                return nil
            }
            let reference = String(rest[start.upperBound..<end])
            let (name, fallback): (String, String?) = reference.range(of: ":-").map {
                (String(reference[..<$0.lowerBound]), String(reference[$0.upperBound...]))
            } ?? (reference, nil)
            if name.isEmpty || !name.allSatisfy({ $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }) {
                report("「${\(reference)}」不是有效的环境变量引用（应为 ${NAME} 或 ${NAME:-默认值}）")
                ok = false
            } else if let value = diagnostics.environment[name], !value.isEmpty {
                out += value
            } else if let fallback {
                out += fallback
            } else if diagnostics.toleratesUnsetVariables {
                if !diagnostics.unset.contains(name) { diagnostics.unset.append(name) }
                out += ConfigLoader.unsetPlaceholder(name)
            } else {
                report("环境变量 \(name) 未设置：请先 export \(name)=…，或写成 ${\(name):-默认值}")
                ok = false
            }
            rest = rest[rest.index(after: end)...]
        }
        return ok ? out + rest : nil
    }

    var string: String? {
        guard let t = text else { return nil }
        guard !t.trimmingCharacters(in: .whitespaces).isEmpty else { report("不能为空"); return nil }
        return t
    }

    var int: Int? {
        guard let t = text else { return nil }
        do { return try Checked.int(t, field: "", underscores: true) } catch { report(error.reason); return nil }
    }

    var bool: Bool? {
        guard let t = text else { return nil }
        switch t.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: report("「\(t)」不是 true/false"); return nil
        }
    }

    /// A byte size: `10485760`, `10MB`, `512KB`, `1GB` (binary multiples).
    var byteSize: Int? {
        guard let t = text?.uppercased().replacingOccurrences(of: " ", with: "") else { return nil }
        let units: [(String, Int)] = [("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10), ("B", 1)]
        let accepted = "应为大小（如 10MB、512KB 或字节数），最大 \(Int.max >> 30)GB"
        for (suffix, factor) in units where t.hasSuffix(suffix) {
            guard let n = try? Checked.int(t.dropLast(suffix.count), field: "", in: 0...Int.max) else { continue }
            do { return try Checked.multiply(n, factor, field: "", accepted: accepted) } catch { report(error.reason); return nil }
        }
        if let n = try? Checked.int(t, field: "", in: 0...Int.max) { return n }
        report("「\(Checked.excerptForMessage(t))」不是大小：\(accepted)")
        return nil
    }

    /// The longest duration config accepts: 365 days.
    static let maxDurationSeconds = 365 * 86_400.0

    /// A duration in seconds: `30`, `500ms`, `5s`, `5m`, `2h`, `1d`.
    var duration: TimeInterval? {
        guard let t = text?.lowercased().replacingOccurrences(of: " ", with: "") else { return nil }
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400)]
        // At most a year: every duration in config is a timeout, delay or interval, and `Duration` math must not overflow.
        let range = 0...Self.maxDurationSeconds
        for (suffix, factor) in units where t.hasSuffix(suffix) {
            guard let n = try? Checked.double(t.dropLast(suffix.count), field: "", in: 0...Double.greatestFiniteMagnitude) else { continue }
            if let seconds = try? Checked.finite(n * factor, field: "", in: range) { return seconds }
            break
        }
        if let n = try? Checked.finite(Checked.double(t, field: ""), field: "", in: range) { return n }
        report("「\(Checked.excerptForMessage(t))」不是时长（如 500ms、5s、5m、2h、1d，最长 365d）")
        return nil
    }

    func oneOf<E: RawRepresentable & CaseIterable>(_: E.Type) -> E? where E.RawValue == String {
        guard let t = text else { return nil }
        guard let v = E(rawValue: t) else {
            report("「\(t)」不是可选值（可选：\(E.allCases.map(\.rawValue).joined(separator: ", "))）")
            return nil
        }
        return v
    }

    // MARK: Collections

    /// The items of a sequence (an issue if this is not one).
    var items: [ConfigNode] {
        guard let seq = node.sequence else {
            if !isNull { report("应为列表（每项以 - 开头）") }
            return []
        }
        return seq.enumerated().map { i, n in
            ConfigNode(file: file, path: "\(path)[\(i)]", node: n, diagnostics: diagnostics)
        }
    }

    /// A list of strings; a single scalar counts as a one-item list.
    var strings: [String] {
        if node.scalar != nil, !isNull { return string.map { [$0] } ?? [] }
        return items.compactMap(\.string)
    }

    /// A mapping reader; nil (and an issue) if this is not a mapping.
    var mapping: ConfigMapping? {
        guard let m = node.mapping else {
            report("应为映射（key: value 形式）")
            return nil
        }
        return ConfigMapping(node: self, mapping: m)
    }
}

/// A mapping whose keys are checked: reading a key marks it known; `finish()` reports the rest.
final class ConfigMapping {
    let node: ConfigNode
    private var entries: [(key: String, keyMark: Mark?, value: Node)] = []
    private var read: Set<String> = []

    init(node: ConfigNode, mapping: Node.Mapping) {
        self.node = node
        var seen: Set<String> = []
        for (k, v) in mapping {
            let key = k.scalar?.string ?? "?"
            if !seen.insert(key).inserted {
                node.diagnostics.report(node.file, k.mark, node.child(key, v).path, "重复的配置项，只能写一次")
            }
            entries.append((key, k.mark, v))
        }
    }

    func has(_ key: String) -> Bool { entries.contains { $0.key == key } }

    /// Every key, in the order written (for mappings whose keys are names the user chooses).
    var entryKeys: [String] { entries.map(\.key) }

    /// The value at `key`, or nil when it is absent or null.
    func optional(_ key: String) -> ConfigNode? {
        read.insert(key)
        guard let e = entries.first(where: { $0.key == key }) else { return nil }
        let child = node.child(key, e.value)
        return child.isNull ? nil : child
    }

    /// The value at `key`; reports a missing required key at the mapping's own line.
    func required(_ key: String, hint: String = "") -> ConfigNode? {
        guard let value = optional(key) else {
            node.diagnostics.report(node.file, node.mark, node.path.isEmpty ? key : "\(node.path).\(key)",
                                    "缺少必填项\(hint.isEmpty ? "" : "（\(hint)）")")
            return nil
        }
        return value
    }

    /// Reports every key nobody asked for.
    func finish() {
        let known = read.sorted()
        for e in entries where !read.contains(e.key) {
            let path = node.path.isEmpty ? e.key : "\(node.path).\(e.key)"
            let suggestion = Self.closest(e.key, in: known).map { "；是不是要写 \($0)？" } ?? ""
            node.diagnostics.report(node.file, e.keyMark, path, "未知的配置项\(suggestion)（此处可用：\(known.joined(separator: ", "))）")
        }
    }

    /// The known key within edit distance 2, for "did you mean".
    static func closest(_ key: String, in known: [String]) -> String? {
        known.map { ($0, distance(key, $0)) }.filter { $0.1 <= 2 }.min { $0.1 < $1.1 }?.0
    }

    private static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var row = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var prev = row[0]
            row[0] = i
            for j in 1...max(b.count, 1) where !b.isEmpty {
                let cur = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] == b[j - 1] ? 0 : 1))
                prev = cur
            }
        }
        return row[b.count]
    }
}

extension ConfigDiagnostics {
    /// Parses `text` as YAML; a syntax error becomes an issue at its line.
    func document(_ text: String, file: String) -> ConfigNode? {
        do {
            guard let root = try Yams.compose(yaml: text) else {
                report(file, nil, "", "文件是空的")
                return nil
            }
            return ConfigNode(file: file, path: "", node: root, diagnostics: self)
        } catch let error as YamlError {
            report(file, error.mark, "", "YAML 格式错误：\(error.problemText)")
            return nil
        } catch {
            report(file, nil, "", "YAML 格式错误：\(error)")
            return nil
        }
    }
}

extension YamlError {
    var mark: Mark? {
        switch self {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): mark
        default: nil
        }
    }

    var problemText: String {
        switch self {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _): problem
        default: "\(self)"
        }
    }
}
