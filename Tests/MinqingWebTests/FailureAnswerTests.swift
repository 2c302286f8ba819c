import Foundation
import Hummingbird
import HummingbirdTesting
import MinqingHTTP
import Testing

/// What a client sees when the ledger fails under a request (FailureMiddleware): a 503 that says nothing was taken
/// and when to try again — never Hummingbird's empty 500.
@Suite struct FailureAnswerTests {
    struct StatementTimeout: Error, CustomStringConvertible {
        var description: String { "canceling statement due to statement timeout" }
    }

    static func app() -> some ApplicationProtocol {
        let router = Router()
        router.add(middleware: FailureMiddleware())
        router.post("/api/v1/messages") { _, _ -> Response in throw StatementTimeout() }
        router.get("/console") { _, _ -> Response in throw StatementTimeout() }
        router.get("/api/v1/cases/{id}") { _, _ -> Response in throw Problem.notFound("没有编号为「MQ-1」的案件") }
        return Application(router: router)
    }

    @Test("a store failure under intake answers 503 with Retry-After and a Chinese problem saying the message was not taken")
    func intakeFailureIs503() async throws {
        try await Self.app().test(.router) { client in
            let r = try await client.execute(uri: "/api/v1/messages", method: .post, headers: [.accept: "text/html"], body: ByteBuffer(string: "{}"))
            #expect(r.status == .serviceUnavailable)
            #expect(r.headers[.retryAfter] == "5")
            #expect(r.headers[.contentType]?.hasPrefix("application/problem+json") == true, "an API path gets a problem even when a browser asks")
            let body = try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [String: Any]
            #expect(body?["status"] as? Int == 503)
            #expect((body?["detail"] as? String)?.contains("未被接收") == true)
            #expect((body?["detail"] as? String)?.contains("statement") == false, "the database's own words stay in the log")
        }
    }

    @Test("a console page whose store failed is a Chinese page asking to retry")
    func pageFailureIsAPage() async throws {
        try await Self.app().test(.router) { client in
            let r = try await client.execute(uri: "/console", method: .get, headers: [.accept: "text/html,application/xhtml+xml"])
            #expect(r.status == .serviceUnavailable)
            #expect(r.headers[.contentType] == "text/html; charset=utf-8")
            #expect(String(buffer: r.body).contains("系统繁忙，请稍后重试"))
        }
    }

    @Test("an error that already is an answer passes through unchanged")
    func answersPassThrough() async throws {
        try await Self.app().test(.router) { client in
            let r = try await client.execute(uri: "/api/v1/cases/MQ-1", method: .get)
            #expect(r.status == .notFound)
            #expect(String(buffer: r.body).contains("没有编号为「MQ-1」的案件"))
        }
    }
}
