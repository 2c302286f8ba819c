import ArgumentParser
import Foundation
import MinqingApp
import MinqingConfig
import MinqingCurl

struct CheckConfig: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config", abstract: "检查配置目录（与 serve 使用同一段代码）；有错误时逐条列出并以状态 1 退出。")

    @Argument(help: "配置目录")
    var directory: String

    func run() async throws {
        do {
            // The same validation every reload of a running hub runs (SIGHUP, minqing reload, the console's button).
            let checked = try ConfigCheck.validate(URL(fileURLWithPath: directory), needsSecrets: false)
            let config = checked.config, templates = checked.templates
            // Every target whose address is set is built as serve and a reload build it (a webhook secret that is
            // not whsec_…, an SMS target without its keys …); nothing is sent.
            let client = try CurlClient()
            let built = Result { try NotificationSetup(config: config, client: client) }
            await client.shutdown()
            if case .failure(let error) = built {
                let problems = (error as? NotificationSetupError)?.problems ?? ["\(error)"]
                throw ConfigCheck.Failed(errors: problems.map { "通知配置有误：\($0)" })
            }
            let d = config.directory
            for name in config.unsetVariables {
                printError("注意：环境变量 \(name) 未设置：配置本身无误，但 minqing serve 启动前须 export \(name)=…")
            }
            if let warning = config.routing?.calendarWarning(today: Date(), timeZone: config.office.timeZone) {
                printError("注意：\(warning)")
            }
            print("配置无误：\(config.office.name)，\(d.people.count) 人，\(d.villages.count) 个村（社区），\(d.categories.count) 个类别，\(d.markets.count) 个集市，\(templates.names.count) 个通知模板。配置指纹 \(checked.hash.prefix(12))。")
            for t in config.api.tokens {
                let scopes = t.scopes.sorted().map(\.rawValue).joined(separator: ", ")
                print("  接口令牌 \(t.name)（记为「\(t.identity)」）：\(scopes)")
            }
            for t in config.targets {
                let state = t.isConfigured ? "已配置" : "未设置地址（引用的环境变量为空），不会发送"
                print("  通知目标 \(t.name)（\(t.kind.rawValue)\(t.isPrivate || t.kind.seesPersonalData ? "，可见完整个人信息" : "")）：\(state)")
            }
        } catch {
            printError("\(error)")
            throw ExitCode(1)
        }
    }
}
