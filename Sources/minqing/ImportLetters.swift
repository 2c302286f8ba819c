import ArgumentParser
import Foundation
import MailboxAdapter
import MinqingCore
import MinqingStore

/// `minqing import letters FILE.csv`: registers a batch of typed paper letters.
extension Import {
    struct Letters: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "导入录入好的纸质来信（CSV，首行为表头：登记号,收信日期,姓名,电话,身份证号,村,类别,标题,内容,扫描件）。",
            discussion: "有问题的行逐条报告（行号、列号、原因），其余各行照常导入；同一登记号重复导入不会重复登记。")

        @OptionGroup var hub: HubOptions
        @Argument(help: "CSV 文件（UTF-8 或 GBK）") var file: String

        func run() async throws {
            let config = try hub.loadConfig()
            let importer = LetterCSVImport(timeZone: config.office.timeZone, maxScanBytes: config.intake.maxAttachmentBytes)
            let parsed: LetterCSVImport.Result
            do {
                parsed = try importer.read(URL(fileURLWithPath: file))
            } catch {
                printError("无法导入：\(error.description)")
                throw ExitCode(1)
            }
            let store = try await hub.openStore(config)
            let intake = IntakeService(store: store)
            let progress = ProgressBar(unit: .items)
            var created = 0
            var existing = 0
            var failed: [String] = []
            for row in parsed.rows {
                do {
                    let receipt = try await intake.submit(row.letter.message(raw: row.raw, rawContentType: "text/csv"))
                    if receipt.created { created += 1 } else { existing += 1 }
                } catch {
                    failed.append("第 \(row.line) 行：保存失败（\(error)）")
                }
                progress.show(done: Int64(created + existing + failed.count), total: Int64(parsed.rows.count))
            }
            progress.finish()
            for e in parsed.errors { printError(e.description) }
            for f in failed { printError(f) }
            let bad = Set(parsed.errors.map(\.line)).count + failed.count
            print("导入完成：共 \(parsed.total) 封，新登记 \(created) 封，已登记过 \(existing) 封，有问题 \(bad) 封。")
            if bad > 0 {
                print("请按上面列出的行号和原因修改 CSV 后重新导入；已导入的信不会重复登记。")
                throw ExitCode(2)
            }
        }
    }
}
