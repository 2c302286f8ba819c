import ArgumentParser
import Foundation
import MinqingConfig

struct CheckConfig: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config", abstract: "检查配置目录（与 serve 使用同一段代码）；有错误时逐条列出并以状态 1 退出。")

    @Argument(help: "配置目录")
    var directory: String

    func run() throws {
        do {
            let config = try ConfigLoader.load(from: URL(fileURLWithPath: directory))
            let d = config.directory
            if let warning = config.routing?.calendarWarning(today: Date(), timeZone: config.office.timeZone) {
                printError("注意：\(warning)")
            }
            print("配置无误：\(config.office.name)，\(d.people.count) 人，\(d.villages.count) 个村（社区），\(d.categories.count) 个类别，\(d.markets.count) 个集市。")
        } catch {
            printError(error.description)
            throw ExitCode(1)
        }
    }
}
