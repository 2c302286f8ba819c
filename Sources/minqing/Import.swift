import ArgumentParser
import Foundation
import HotlineAdapter
import MinqingConfig
import MinqingCore
import MinqingStore

struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "导入历史数据（重复导入不会重复登记）。", subcommands: [ImportCDR.self, Letters.self])
}

struct ImportCDR: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cdr",
        abstract: "导入话单：Asterisk 的 Master.csv，或按配置 hotline.cloud_exports 映射的云呼叫中心导出文件。")

    @OptionGroup var hub: HubOptions
    @Option(help: "文件格式：asterisk（默认），或 hotline.cloud_exports 中配置的名称（如 aliyun）")
    var format: String = "asterisk"
    @Argument(help: "话单文件路径") var file: String

    func run() async throws {
        let config = try hub.loadConfig()
        guard let settings = config.hotline else {
            printError("配置中没有 hotline 一节：请先在 minqing.yaml 中配置群众工作热线（值班人员等），再导入话单。")
            throw ExitCode(1)
        }
        let importFormat: CallFileImport.Format
        if format == "asterisk" {
            importFormat = .asterisk(settings.asterisk.map(AsteriskCDRFormat.init(settings:)) ?? AsteriskCDRFormat(timeZone: config.office.timeZone))
        } else if let cloud = settings.cloudExports.first(where: { $0.name == format }) {
            importFormat = .cloud(cloud)
        } else {
            let names = (["asterisk"] + settings.cloudExports.map(\.name)).joined(separator: "、")
            printError("不认识的格式「\(format)」：可用 \(names)（云呼叫中心格式在 hotline.cloud_exports 中配置）。")
            throw ExitCode(1)
        }
        guard let data = FileManager.default.contents(atPath: file) else {
            printError("无法读取文件 \(file)：请检查路径和读取权限。")
            throw ExitCode(1)
        }
        let store = try await hub.openStore(config)
        let intake = IntakeService(store: store)
        let hotline = HotlineIntake(settings: settings, intake: intake, store: store, timeZone: config.office.timeZone)
        let source = (format == "asterisk" ? "asterisk-import:" : "cloud-import:\(format):") + file
        let importer = CallFileImport(taker: CallRowTaker(hotline: hotline, source: source), format: importFormat)
        let bar = ProgressBar(unit: .bytes)
        let summary: CallImportSummary
        do {
            summary = try await importer.run(data) { done, total in bar.show(done: done, total: total) }
        } catch let error as CallFileError {
            bar.finish()
            printError("无法导入 \(file)：\(error.reason)")
            throw ExitCode(1)
        }
        bar.finish()
        print("""
            导入完成：共 \(summary.rows) 行，通话 \(summary.calls) 条；新立案件 \(summary.casesOpened) 件，\
            回拨案件 \(summary.callbacksOpened) 件，并入已有回拨 \(summary.folded) 次，自动办结回拨 \(summary.callbacksClosed) 件。
            """)
        if summary.rejected > 0 {
            print("有 \(summary.rejected) 行无法导入，已逐行记录（行号、列、字段、原因）：请用 GET /api/v1/hotline/rejected?source=\(source) 查看并更正后重新导入。")
        }
    }
}
