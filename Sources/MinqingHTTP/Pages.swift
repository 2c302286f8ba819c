import Foundation
import HTTPTypes
import Hummingbird
import Mustache

/// Server-rendered pages: every `*.mustache` file of a resource folder, parsed once. `{{value}}` is HTML-escaped
/// by Mustache; templates never use triple braces for anything a person typed.
public struct Pages: Sendable {
    private let library: MustacheLibrary

    /// Loads the templates in `directory` (each web target keeps its own in its bundle, folder `Templates`).
    public init(directory: URL, sharedWith other: Pages? = nil) throws {
        var library = other?.library ?? MustacheLibrary()
        let files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
        for file in files where file.pathExtension == "mustache" {
            let text = try String(contentsOf: file, encoding: .utf8)
            try library.register(text, named: file.deletingPathExtension().lastPathComponent)
        }
        self.library = library
    }

    /// The templates in the `Templates` folder of `bundle` (a target's `Bundle.module`).
    public init(bundle: Bundle) throws {
        try self.init(directory: bundle.resourceURL!.appendingPathComponent("Templates"))
    }

    public func render(_ name: String, _ context: [String: Any]) -> String {
        guard let html = library.render(context, withTemplate: name) else {
            return "<!doctype html><meta charset=utf-8><p>页面模板「\(name)」缺失，请联系管理员。</p>"
        }
        return html
    }

    public func response(_ name: String, _ context: [String: Any], status: HTTPResponse.Status = .ok,
                         headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "text/html; charset=utf-8"
        fields[.cacheControl] = "no-store"
        fields[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        fields[HTTPField.Name("Content-Security-Policy")!] = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(string: render(name, context))))
    }
}

/// Static files (CSS, JS) the hub serves itself: no CDN.
public enum StaticAssets {
    /// The file `name` of the `Assets` folder of `bundle` (a target's `Bundle.module`); nil for any name with a
    /// path in it, a hidden file or a missing one.
    public static func response(named name: String, in bundle: Bundle) -> Response? {
        guard !name.contains("/"), !name.hasPrefix("."),
              let url = bundle.resourceURL?.appendingPathComponent("Assets").appendingPathComponent(name),
              let data = try? Data(contentsOf: url) else { return nil }
        let type = name.hasSuffix(".css") ? "text/css; charset=utf-8" : name.hasSuffix(".js") ? "text/javascript; charset=utf-8" : "application/octet-stream"
        return Response(status: .ok, headers: [.contentType: type, .cacheControl: "public, max-age=3600"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
