import ArgumentParser
import Foundation
import MinqingApp

/// `minqing reload --data DIR`: makes the `minqing serve` of that data directory re-read its configuration. serve
/// writes its process id to `DATA/minqing.pid`; this sends that process SIGHUP (what `kill -HUP` does) and waits
/// for the outcome the hub writes to `DATA/config-reload.json`, then prints it: the new configuration's hash, or
/// each error with file and line (the running configuration then stays). Exits 1 when the reload was refused.
struct Reload: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "让运行中的 minqing serve 重新加载配置目录（先完整检查；有误则保留原配置并列出错误）。")

    static let pidFileName = "minqing.pid"

    @Option(name: .long, help: "数据目录（与 minqing serve 的 --data 相同）") var data: String = "./data"
    @Option(name: .long, help: "最多等待几秒") var timeout: Int = 30

    func run() async throws {
        let dir = URL(fileURLWithPath: data)
        let pidFile = dir.appendingPathComponent(Self.pidFileName)
        guard let text = try? String(contentsOf: pidFile, encoding: .utf8), let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)),
              pid > 1 else {
            printError("找不到运行中的服务：\(pidFile.path) 不存在或无法读取。请确认 minqing serve 正在运行，且 --data 与它相同")
            throw ExitCode(1)
        }
        guard kill(pid, 0) == 0 else {
            printError("进程 \(pid)（见 \(pidFile.path)）已不在运行：请先启动 minqing serve --data \(data)")
            throw ExitCode(1)
        }
        let status = dir.appendingPathComponent(HubReloader.statusFileName)
        let before = try? Data(contentsOf: status)
        guard kill(pid, SIGHUP) == 0 else {
            printError("无法向进程 \(pid) 发送 SIGHUP（\(String(cString: strerror(errno)))）：请用运行服务的同一用户执行")
            throw ExitCode(1)
        }
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .seconds(timeout))
        while clock.now < deadline {
            if let after = try? Data(contentsOf: status), after != before,
               let object = try? JSONSerialization.jsonObject(with: after) as? [String: Any] {
                if object["ok"] as? Bool == true {
                    print("已重新加载配置，指纹 \(String((object["hash"] as? String ?? "").prefix(12)))")
                    return
                }
                printError("配置有误，未重新加载，服务仍在使用原配置：")
                for error in object["errors"] as? [String] ?? [] { printError("  " + error) }
                throw ExitCode(1)
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        printError("已发送 SIGHUP，但 \(timeout) 秒内没有看到结果（\(status.path)）：请查看服务日志")
        throw ExitCode(1)
    }
}
