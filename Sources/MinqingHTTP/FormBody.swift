import Foundation

/// A submitted HTML form: `application/x-www-form-urlencoded` or `multipart/form-data`.
public struct FormBody: Sendable {
    /// One uploaded file: kept in memory when the body was parsed from memory, or spooled to a file on disk
    /// (`FormBody.read`), which `removeFiles()` deletes.
    public struct File: Sendable, Hashable {
        public enum Storage: Sendable, Hashable { case memory(Data), disk(URL) }
        public var field: String
        public var filename: String
        public var contentType: String
        public var storage: Storage
        /// Bytes of content.
        public var size: Int

        public init(field: String, filename: String, contentType: String, data: Data) {
            self.field = field
            self.filename = filename
            self.contentType = contentType
            storage = .memory(data)
            size = data.count
        }

        init(field: String, filename: String, contentType: String, spooled url: URL, size: Int) {
            self.field = field
            self.filename = filename
            self.contentType = contentType
            storage = .disk(url)
            self.size = size
        }

        /// The content. A spooled file is mapped from disk (its pages are read when touched); empty if it is gone.
        public var data: Data {
            switch storage {
            case .memory(let data): data
            case .disk(let url): (try? Data(contentsOf: url, options: .alwaysMapped)) ?? Data()
            }
        }
    }

    public internal(set) var fields: [(String, String)] = []
    public internal(set) var files: [File] = []

    public init(fields: [(String, String)] = [], files: [File] = []) {
        self.fields = fields
        self.files = files
    }

    /// The first value of `name`, trimmed; nil when absent or blank.
    public subscript(_ name: String) -> String? {
        fields.first { $0.0 == name }?.1.trimmingCharacters(in: .whitespacesAndNewlines).nilIfEmpty
    }

    /// The first value of `name` exactly as sent (for passwords and tokens).
    public func raw(_ name: String) -> String? { fields.first { $0.0 == name }?.1 }

    public func all(_ name: String) -> [String] { fields.filter { $0.0 == name }.map(\.1) }

    /// Deletes the files this body spooled to disk (call when the request is done with them).
    public func removeFiles() {
        for file in files {
            if case .disk(let url) = file.storage { try? FileManager.default.removeItem(at: url) }
        }
    }

    /// True for a `multipart/form-data` content type.
    public static func isMultipart(_ contentType: String?) -> Bool {
        (contentType ?? "").lowercased().hasPrefix("multipart/form-data")
    }

    /// Parses `body` (already in memory) by its content type, under `limits`; files stay in memory.
    public static func parse(_ body: Data, contentType: String?, limits: MultipartLimits = .defaults) throws(FormBodyError) -> FormBody {
        guard isMultipart(contentType) else { return urlEncoded(String(decoding: body, as: UTF8.self)) }
        var builder = try Builder(contentType: contentType, limits: limits, spool: nil)
        try builder.take(body)
        return try builder.finish()
    }

    public static func urlEncoded(_ text: String) -> FormBody {
        var form = FormBody()
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String {
                String(s).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(s)
            }
            form.fields.append((decode(parts[0]), parts.count > 1 ? decode(parts[1]) : ""))
        }
        return form
    }

    /// `name="value"` or `name=value` inside a header value.
    static func parameter(_ name: String, in header: String) -> String? {
        for piece in header.split(separator: ";") {
            let p = piece.trimmingCharacters(in: .whitespaces)
            guard p.lowercased().hasPrefix(name + "="), p.utf8.count <= 4096 else { continue }
            var value = String(p.dropFirst(name.count + 1))
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value
        }
        return nil
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
