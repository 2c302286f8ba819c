import Foundation
import Hummingbird
import MinqingCore

/// An RFC 9457 problem (`application/problem+json`): what went wrong, which field, and what to do.
///
/// Every error the API returns is one of these, so clients parse one shape.
public struct Problem: HTTPResponseError, Sendable, CustomStringConvertible {
    public struct FieldError: Sendable, Codable, Hashable {
        public var field: String
        public var reason: String
        public init(field: String, reason: String) {
            self.field = field
            self.reason = reason
        }
    }

    public var status: HTTPResponse.Status
    /// A short, stable slug (`validation`, `unauthorized`, `too-large` …), published as `type`.
    public var kind: String
    public var title: String
    public var detail: String
    public var errors: [FieldError]
    public var headers: HTTPFields

    public init(_ status: HTTPResponse.Status, kind: String, title: String, detail: String,
                errors: [FieldError] = [], headers: HTTPFields = [:]) {
        self.status = status
        self.kind = kind
        self.title = title
        self.detail = detail
        self.errors = errors
        self.headers = headers
    }

    public var description: String { "\(status.code) \(title): \(detail)" }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = ProblemBody(type: "https://minqing.example/problems/\(kind)", title: title, status: status.code,
                        detail: detail, instance: request.uri.path, errors: errors.isEmpty ? nil : errors)
        var headers = self.headers
        headers[.contentType] = "application/problem+json; charset=utf-8"
        let data = try HubJSON.encoder().encode(body)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

extension Problem {
    /// The same problem with another `detail`.
    public func with(detail: String) -> Problem {
        var p = self
        p.detail = detail
        return p
    }

    /// 422: one field is wrong.
    public static func invalid(_ field: String, _ reason: String) -> Problem {
        Problem(.unprocessableContent, kind: "validation", title: "请求内容有误",
                detail: "字段 \(field)：\(reason)", errors: [FieldError(field: field, reason: reason)])
    }

    /// 400: a query parameter or the JSON itself is malformed.
    public static func badRequest(_ field: String, _ reason: String) -> Problem {
        Problem(.badRequest, kind: "bad-request", title: "请求格式有误",
                detail: field.isEmpty ? reason : "\(field)：\(reason)",
                errors: field.isEmpty ? [] : [FieldError(field: field, reason: reason)])
    }

    /// 422 for a field of a body that `Checked` refused.
    public static func invalid(_ error: MinqingCore.FieldError) -> Problem { invalid(error.field, error.reason) }

    /// 400 for a query parameter that `Checked` refused.
    public static func badRequest(_ error: MinqingCore.FieldError) -> Problem { badRequest(error.field, error.reason) }

    public static func tooLarge(limit: Int) -> Problem {
        Problem(.contentTooLarge, kind: "too-large", title: "请求太大",
                detail: "请求体超过上限 \(sizeText(limit))（\(limit) 字节）。请压缩或减少附件后重试；大文件请分多次提交。")
    }

    /// `20 MB`, `64 KB`, `512 字节`: a limit as people read it.
    static func sizeText(_ bytes: Int) -> String {
        if bytes >= 1 << 20 { return "\(bytes >> 20) MB" }
        if bytes >= 1 << 10 { return "\(bytes >> 10) KB" }
        return "\(bytes) 字节"
    }

    /// 405: the path exists but not with this method; `Allow` lists those it has.
    public static func methodNotAllowed(_ allowed: [String]) -> Problem {
        Problem(.methodNotAllowed, kind: "method-not-allowed", title: "不支持此请求方法",
                detail: "此地址只接受 \(allowed.joined(separator: "、")) 请求，请按接口文档（openapi.yaml）使用。",
                headers: [.allow: allowed.joined(separator: ", ")])
    }

    public static func notFound(_ detail: String) -> Problem {
        Problem(.notFound, kind: "not-found", title: "找不到", detail: detail)
    }

    public static func conflict(_ detail: String) -> Problem {
        Problem(.conflict, kind: "conflict", title: "当前状态不允许此操作", detail: detail)
    }

    public static let unauthorized = Problem(
        .unauthorized, kind: "unauthorized", title: "未授权",
        detail: "缺少或错误的访问令牌：请在请求头加上 Authorization: Bearer <令牌>（每个对接系统的令牌由管理员在 minqing.yaml 的 api.tokens 中配置，演示环境为 MINQING_API_TOKEN）。",
        headers: [.wwwAuthenticate: "Bearer realm=\"minqing\""])

    /// A request whose signature is missing or wrong (401), saying what to fix.
    public static func badSignature(_ detail: String) -> Problem {
        Problem(.unauthorized, kind: "bad-signature", title: "签名无效", detail: detail)
    }

    public static func unavailable(_ detail: String) -> Problem {
        Problem(.serviceUnavailable, kind: "unavailable", title: "服务暂不可用", detail: detail)
    }
}

extension TransitionError {
    /// The HTTP form of a refused action: 409 for a state conflict, 422 for a bad field.
    public var problem: Problem {
        switch code {
        case .illegal, .staleVersion:
            Problem.conflict(description)
        case .invalidField(let field, let reason):
            Problem.invalid(field, reason)
        case .conflictOfInterest:
            Problem(.unprocessableContent, kind: "conflict-of-interest", title: "须回避", detail: description,
                    errors: [.init(field: "fields.staff", reason: description)])
        }
    }
}

/// A `FieldError` that reaches the router unconverted is a 400 naming the field, never a 500.
extension MinqingCore.FieldError: HTTPResponseError {
    public var status: HTTPResponse.Status { .badRequest }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        try Problem.badRequest(self).response(from: request, context: context)
    }
}

private struct ProblemBody: Encodable {
    let type: String, title: String, status: Int, detail: String, instance: String
    let errors: [Problem.FieldError]?
}
