import Foundation
import Hummingbird
import MinqingHTTP
import NIOCore

/// `/healthz` (the process answers), `/readyz` (the store and every registered component can serve),
/// `/metrics` (Prometheus text format).
struct HealthRoutes: Sendable {
    let deps: WebDependencies

    func register<Context: RequestContext>(on routes: RouteTable<Context>) {
        routes.on(.get, "/healthz") { _, _ in try Response.json(["status": "ok"]) }
        routes.on(.get, "/readyz") { _, _ in
            var failures: [String] = []
            let checks = [ReadinessCheck(name: "store") { try await deps.store.checkReady() }] + deps.readinessChecks
            for check in checks {
                do { try await check.check() } catch { failures.append("\(check.name)：\(error)") }
            }
            guard failures.isEmpty else { throw Problem.unavailable(failures.joined(separator: "；")) }
            return try Response.json(["status": "ready"])
        }
        routes.on(.get, "/metrics") { _, _ in
            var buffer: [UInt8] = []
            deps.registry.emit(into: &buffer)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: buffer)))
        }
    }
}
