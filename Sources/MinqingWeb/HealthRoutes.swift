import Foundation
import Hummingbird
import MinqingCore
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
                // A failed reload does not make the hub unready (the running configuration stays) but is said here too.
                let reload = (deps.configHolder?.status.failure).map { ["配置：" + $0.summary] } ?? []
                throw Problem.unavailable(details ? (failures + reload).joined(separator: "；")
                    : "有 \(failures.count) 个组件未就绪；详情请在本机访问 /readyz，或使用有 metrics 权限的令牌")
            }
            guard details else { return try Response.json(["status": "ready"]) }
            // The store, this instance and the jobs it leads; the configuration's hash and last reload (a failed
            // reload's errors: the running configuration stays, so the hub is still ready).
            let extra = deps.readinessDetails()
            let config = deps.configHolder.map(\.status).map { status in
                ConfigDetails(
                    hash: status.hash, loadedAt: HubTime.iso(status.loadedAt),
                    lastReloadFailedAt: status.failure.map { HubTime.iso($0.at) }, errors: status.failure?.errors)
            }
            return try Response.json(Ready(store: extra["store"], instance: extra["instance"], leader: extra["leader"], config: config))
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

/// `/readyz` with details: the running configuration and, after a failed reload, its errors.
struct Ready: Encodable {
    var status = "ready"
    var store: String?
    var instance: String?
    var leader: String?
    var config: ConfigDetails?
}

struct ConfigDetails: Encodable {
    var hash: String
    var loadedAt: String
    var lastReloadFailedAt: String?
    var errors: [String]?

    enum CodingKeys: String, CodingKey {
        case hash, errors
        case loadedAt = "loaded_at"
        case lastReloadFailedAt = "last_reload_failed_at"
    }
}
