import Foundation
import MinqingCore
import Mustache

/// The notification texts of one office: `templates/<event>.mustache`, zh-CN, one per event kind.
///
/// A template's first line is the title (e-mail subject, robot title); the rest is the body in the markdown subset
/// of `NotificationContent`. Values are inserted as written (no HTML escaping); targets escape for their format.
public struct TemplateSet: Sendable {
    private let templates: [String: MustacheTemplate]

    public var names: [String] { templates.keys.sorted() }

    public init(templates: [String: String]) throws(TemplateError) {
        var parsed: [String: MustacheTemplate] = [:]
        for (name, text) in templates {
            do {
                parsed[name] = try MustacheTemplate(string: "{{%CONTENT_TYPE:TEXT}}\n" + text)
            } catch {
                throw TemplateError(file: "\(name).mustache", reason: "模板语法错误：\(error)，请检查 {{ }} 是否成对、区块 {{#…}} 是否有对应的 {{/…}}")
            }
        }
        self.templates = parsed
    }

    /// Loads every `*.mustache` file in `directory`.
    public static func load(from directory: URL) throws(TemplateError) -> TemplateSet {
        let files: [String]
        do {
            files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".mustache") }
        } catch {
            throw TemplateError(file: directory.path, reason: "找不到模板目录，请在配置目录下建立 templates/ 并放入各类通知的 .mustache 模板")
        }
        var texts: [String: String] = [:]
        for file in files {
            let url = directory.appendingPathComponent(file)
            guard let data = FileManager.default.contents(atPath: url.path), let text = String(data: data, encoding: .utf8) else {
                throw TemplateError(file: url.path, reason: "无法读取模板，或文件不是 UTF-8 编码")
            }
            texts[String(file.dropLast(".mustache".count))] = text
        }
        return try TemplateSet(templates: texts)
    }

    public func has(_ name: String) -> Bool { templates[name] != nil }

    /// Renders `name` with `context`; nil when there is no such template.
    public func render(_ name: String, context: [String: Any]) -> NotificationContent? {
        guard let template = templates[name] else { return nil }
        let text = template.render(context)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        while let first = lines.first, first.trimmingEdges(.whitespaces).isEmpty { lines.removeFirst() }
        let title = lines.first.map { $0.trimmingEdges(.whitespaces) } ?? name
        var body = Array(lines.dropFirst())
        while let first = body.first, first.trimmingEdges(.whitespaces).isEmpty { body.removeFirst() }
        while let last = body.last, last.trimmingEdges(.whitespaces).isEmpty { body.removeLast() }
        return NotificationContent(title: title, markdown: body.joined(separator: "\n"), link: context["link"] as? String)
    }
}

public struct TemplateError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var reason: String
    public var description: String { "\(file)：\(reason)" }
}
