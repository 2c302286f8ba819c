import Foundation

/// A submitted HTML form: `application/x-www-form-urlencoded` or `multipart/form-data`.
public struct FormBody: Sendable {
    public struct File: Sendable, Hashable {
        public var field: String
        public var filename: String
        public var contentType: String
        public var data: Data
    }

    public private(set) var fields: [(String, String)] = []
    public private(set) var files: [File] = []

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

    public struct ParseError: Error, Sendable { public let reason: String }

    /// Parses `body` by its content type.
    public static func parse(_ body: Data, contentType: String?) throws -> FormBody {
        let type = contentType ?? ""
        if type.lowercased().hasPrefix("multipart/form-data") {
            guard let boundary = Self.parameter("boundary", in: type) else {
                throw ParseError(reason: "表单缺少 boundary")
            }
            return try multipart(body, boundary: boundary)
        }
        return urlEncoded(String(decoding: body, as: UTF8.self))
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

    static func multipart(_ body: Data, boundary: String) throws -> FormBody {
        let bytes = [UInt8](body)
        let delimiter = Array("--\(boundary)".utf8)
        let headerEnd = Array("\r\n\r\n".utf8)
        var form = FormBody()
        guard var start = bytes.firstRange(of: delimiter)?.upperBound else { throw ParseError(reason: "表单内容不完整") }
        while true {
            // After a delimiter: "--" ends the body, otherwise CRLF then headers.
            if bytes[start...].starts(with: Array("--".utf8)) { break }
            guard bytes[start...].starts(with: Array("\r\n".utf8)) else { throw ParseError(reason: "表单内容不完整") }
            start += 2
            guard let headersRange = bytes[start...].firstRange(of: headerEnd),
                  let next = bytes[headersRange.upperBound...].firstRange(of: Array("\r\n".utf8) + delimiter)
            else { throw ParseError(reason: "表单内容不完整，请重新提交") }
            let headers = String(decoding: bytes[start..<headersRange.lowerBound], as: UTF8.self)
            let content = Data(bytes[headersRange.upperBound..<next.lowerBound])
            var disposition = "", partType = "application/octet-stream"
            for line in headers.components(separatedBy: "\r\n") {
                let lower = line.lowercased()
                if lower.hasPrefix("content-disposition:") { disposition = line }
                if lower.hasPrefix("content-type:") { partType = String(line.dropFirst("content-type:".count)).trimmingCharacters(in: .whitespaces) }
            }
            let name = parameter("name", in: disposition) ?? ""
            if let filename = parameter("filename", in: disposition) {
                if !filename.isEmpty || !content.isEmpty {
                    form.files.append(File(field: name, filename: filename, contentType: partType, data: content))
                }
            } else {
                form.fields.append((name, String(decoding: content, as: UTF8.self)))
            }
            start = next.upperBound
        }
        return form
    }

    /// `name="value"` or `name=value` inside a header value.
    static func parameter(_ name: String, in header: String) -> String? {
        for piece in header.split(separator: ";") {
            let p = piece.trimmingCharacters(in: .whitespaces)
            guard p.lowercased().hasPrefix(name + "=") else { continue }
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
