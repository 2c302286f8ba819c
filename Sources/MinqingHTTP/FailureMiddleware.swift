import Foundation
import Hummingbird

/// The last word on an error no route turned into an answer (the ledger unreachable, a statement timed out, a
/// pool shut down): `503 Service Unavailable` with `Retry-After`, saying in Chinese that nothing was taken and to try
/// again — never Hummingbird's empty `500`. A message refused this way was not acknowledged, so its sender (or a
/// load balancer) may send it again, to this instance or another; intake is idempotent on `(channel, source_ref)`.
///
/// Errors that already are answers (`HTTPResponseError`: a `Problem`, a 404 …) pass through unchanged. Console and
/// public pages (a browser asking for HTML) get a page, everything else an RFC 9457 problem.
public struct FailureMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Seconds a client should wait before trying again.
    public static var retryAfter: Int { 5 }

    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as any HTTPResponseError {
            throw error
        } catch {
            context.logger.error("request failed, answered 503", metadata: [
                "http.method": "\(request.method)", "http.path": "\(request.uri.path)", "error": "\(String(describing: error))"])
            return try Self.answer(for: request, context: context)
        }
    }

    static func answer(for request: Request, context: Context) throws -> Response {
        let headers: HTTPFields = [.retryAfter: "\(retryAfter)", .cacheControl: "no-store"]
        let wantsPage = request.headers[.accept]?.contains("text/html") == true && !request.uri.path.hasPrefix("/api/")
        guard wantsPage else {
            return try Problem(
                .serviceUnavailable, kind: "unavailable", title: "服务暂不可用",
                detail: "民情通暂时无法读写台账，本次请求未被处理（提交的消息未被接收）。请 \(retryAfter) 秒后重试；如持续出现，请联系管理员查看日志。",
                headers: headers
            ).response(from: request, context: context)
        }
        var fields = headers
        fields[.contentType] = "text/html; charset=utf-8"
        let page = """
            <!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>系统繁忙</title>
            <h1>系统繁忙，请稍后重试</h1>
            <p>民情通暂时无法读写台账，本次操作未完成（提交的内容未被保存）。请 \(retryAfter) 秒后刷新页面重试；如持续出现，请联系管理员。</p>
            """
        return Response(status: .serviceUnavailable, headers: fields, body: .init(byteBuffer: ByteBuffer(string: page)))
    }
}
