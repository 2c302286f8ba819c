import Foundation
import Hummingbird
import MinqingHTTP
import NIOCore

/// `/healthz` (the process answers; public), `/readyz` (the store and every registered component can serve),
/// `/metrics` (Prometheus text format). What is wrong and the metrics tell an outsider about the office's systems
/// (mail server names, queue sizes), so the details of `/readyz` and `/metrics` are served only to this machine
/// (loopback, after trusted proxies) or to a token with the `metrics` scope; anyone else gets `/readyz`'s status.
struct HealthRoutes: Sendable {
    let deps: WebDependencies

    /// Whether the caller may see monitoring details; throws 401 for a token that matches no credential.
    func mayMonitor(_ request: Request, context: some RequestContext) throws -> (allowed: Bool, principal: APIPrincipal?) {
        if ClientAddress.origin(request, context: context, trustedProxies: deps.trustedProxies).isLoopback { return (true, nil) }
        let principal = try deps.credentials.principal(of: request)
        return (principal?.has(.metrics) == true, principal)
    }

    func register<Context: RequestContext>(on routes: RouteTable<Context>) {
        routes.on(.get, "/healthz") { _, _ in try Response.json(["status": "ok"]) }
        routes.on(.get, "/readyz") { request, context in
            let details = (try? mayMonitor(request, context: context).allowed) ?? false
            var failures: [String] = []
            let checks = [ReadinessCheck(name: "store") { try await deps.store.checkReady() }] + deps.readinessChecks
            for check in checks {
                do { try await check.check() } catch { failures.append("\(check.name)：\(error)") }
            }
            guard failures.isEmpty else {
                throw Problem.unavailable(details ? failures.joined(separator: "；")
                    : "有 \(failures.count) 个组件未就绪；详情请在本机访问 /readyz，或使用有 metrics 权限的令牌")
            }
            var ready = ["status": "ready"]
            if details { ready.merge(deps.readinessDetails()) { current, _ in current } }
            return try Response.json(ready)
        }
        routes.on(.get, "/metrics") { request, context in
            let (allowed, principal) = try mayMonitor(request, context: context)
            guard allowed else {
                guard let principal else {
                    throw Problem.unauthorized.with(detail:
                        "运行指标只对本机开放：请在本机访问，或在请求头加上 Authorization: Bearer <令牌>（须有 metrics 权限，在 minqing.yaml 的 api.tokens 中配置）")
                }
                throw Problem.missingScope([.metrics], token: principal.name)
            }
            var buffer: [UInt8] = []
            deps.registry.emit(into: &buffer)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: buffer)))
        }
    }
}
