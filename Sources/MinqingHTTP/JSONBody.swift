import Foundation
import Hummingbird
import MinqingCore
import NIOCore

extension Request {
    /// The whole body, refused with 413 when it is larger than `limit` (by `Content-Length` before reading it,
    /// or while reading when the length is not declared).
    public mutating func collectBody(limit: Int) async throws -> Data {
        if let declared = headers[.contentLength].flatMap(Int.init), declared > limit {
            throw Problem.tooLarge(limit: limit)
        }
        do {
            var buffer = try await collectBody(upTo: limit)
            return buffer.readData(length: buffer.readableBytes) ?? Data()
        } catch is NIOTooManyBytesError {
            throw Problem.tooLarge(limit: limit)
        }
    }
}

public enum JSONInput {
    /// Decodes `T` from `data` with the hub's JSON dialect; a decoding error becomes a 422/400 naming the field.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        do {
            return try HubJSON.decoder().decode(type, from: data)
        } catch let error as DecodingError {
            throw problem(for: error)
        }
    }

    static func problem(for error: DecodingError) -> Problem {
        func path(_ codingPath: [any CodingKey]) -> String {
            codingPath.reduce("") { result, key in
                if let i = key.intValue { return "\(result)[\(i)]" }
                let name = snakeCase(key.stringValue)
                return result.isEmpty ? name : "\(result).\(name)"
            }
        }
        switch error {
        case .keyNotFound(let key, let context):
            return .invalid(path(context.codingPath + [key]), "必须填写此字段")
        case .typeMismatch(let type, let context):
            return .invalid(path(context.codingPath), "类型不对，应为\(describe(type))")
        case .valueNotFound(let type, let context):
            return .invalid(path(context.codingPath), "不能为 null，应为\(describe(type))")
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            return .badRequest("", "请求体不是有效的 JSON（UTF-8）：请检查引号、逗号和括号")
        case .dataCorrupted(let context):
            return .invalid(path(context.codingPath), context.debugDescription)
        @unknown default:
            return .badRequest("", "请求体无法解析")
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "文字"
        case is Int.Type, is Double.Type: "数字"
        case is Bool.Type: "true/false"
        default: String(describing: type).hasPrefix("Array") ? "列表" : "对象"
        }
    }

    private static func snakeCase(_ key: String) -> String {
        key.reduce(into: "") { out, c in
            if c.isUppercase { out += "_" + c.lowercased() } else { out.append(c) }
        }
    }
}

extension Response {
    /// A JSON response in the hub's dialect.
    public static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response {
        var headers = headers
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try HubJSON.encoder().encode(value))))
    }
}
