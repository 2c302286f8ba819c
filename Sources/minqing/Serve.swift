import ArgumentParser
import Foundation
import Logging
import Metrics
import MinqingApp
import Prometheus
#if os(Linux)
import CMalloc
#endif

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "启动民情通服务（Ctrl-C 或 SIGTERM 平稳退出）。")

    @OptionGroup var hub: HubOptions
    @Option(help: "监听地址（默认取配置，通常 127.0.0.1）") var host: String?
    @Option(help: "监听端口（默认取配置，通常 8080；0 表示任选空闲端口）") var port: Int?
    @Flag(help: "演示模式：台账为空时载入配置目录 demo/messages.json 中的示例来信") var demo = false

    func run() async throws {
        Self.limitMallocArenas()
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .info
            return handler
        }
        let config = try hub.loadConfig()
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let built: Hub
        do {
            built = try await HubAssembly.build(config: config, environment: HubEnvironment(
                dataDirectory: URL(fileURLWithPath: hub.data), registry: registry, logger: Logger(label: "minqing"), demo: demo,
                configDirectory: URL(fileURLWithPath: hub.config)))
        } catch let error as HubAssemblyError {
            printError(error.description)
            throw ExitCode(1)
        }
        let host = self.host ?? config.server.host
        let ledger = config.storage.sqliteURL(dataDirectory: URL(fileURLWithPath: hub.data)).path
        // `minqing reload` finds this process here and sends it SIGHUP (docs/config-reload.md).
        let pidFile = URL(fileURLWithPath: hub.data).appendingPathComponent(Reload.pidFileName)
        try? Data("\(getpid())\n".utf8).write(to: pidFile, options: .atomic)
        defer { try? FileManager.default.removeItem(at: pidFile) }
        try await built.run(host: host, port: port ?? config.server.port) { port in
            FileHandle.standardOutput.write(Data("民情通已启动：http://\(host):\(port)  （台账：\(ledger)）\n".utf8))
        }
        print("民情通已停止。")
    }
}

extension Serve {
    /// glibc's malloc gives threads that contend for it arenas of their own, up to eight per core, and memory freed in
    /// one arena is not reused by another: under sustained load the hub held ≈ 35 MB more at 80,000 cases than with
    /// four arenas, at the same throughput (BENCHMARKS.md, "RSS with four malloc arenas"). Four arenas for the serving
    /// process; an operator's `MALLOC_ARENA_MAX` wins. Linux (glibc) only: other systems' allocators have no such knob.
    static func limitMallocArenas() {
        #if os(Linux)
        guard ProcessInfo.processInfo.environment["MALLOC_ARENA_MAX"] == nil else { return }
        _ = mallopt(M_ARENA_MAX, 4)
        #endif
    }
}
