import ArgumentParser
import Foundation
import MinqingConfig
import MinqingStore
import MinqingStorePostgres

/// `minqing store copy --from DATA_DIR --to postgres://…`: moves a township's SQLite ledger up to the PostgreSQL
/// database several instances will share (docs/postgres.md#moving-up).
struct Store: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store", abstract: "台账存储：从 SQLite 迁移到 PostgreSQL。", subcommands: [Copy.self])

    struct Copy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "把 --from 数据目录中的 SQLite 台账（案件、办理记录、来信原文、附件、发件箱、定时任务、游标、账号等）复制到一个空的 PostgreSQL 数据库，并逐表核对行数和校验值。",
            discussion: "复制前请先停止使用该数据目录的 minqing serve。目标库必须是空的（可用 createdb 新建）；不空则拒绝复制。全部在一个事务中写入，失败时目标库保持为空。")

        @Option(help: "SQLite 台账所在的数据目录（serve 的 --data）") var from: String
        @Option(help: "目标 PostgreSQL 地址，如 postgres://minqing:密码@127.0.0.1:5432/minqing?sslmode=disable") var to: String
        @Option(help: "配置目录（只读取其中 storage 的 SQLite 文件名）") var config: String = "Config/example"

        func run() async throws {
            let hubConfig = try HubOptions.parse(["--config", config, "--data", from]).loadConfig(needsSecrets: false)
            let path = hubConfig.storage.sqliteURL(dataDirectory: URL(fileURLWithPath: from)).path
            guard FileManager.default.fileExists(atPath: path) else {
                printError("在 \(from) 中没有找到 SQLite 台账 \(path)：请用 --from 指定 serve 的 --data 目录")
                throw ExitCode(1)
            }
            let settings: PostgresSettings
            do {
                settings = try PostgresSettings(url: to)
            } catch {
                printError("目标地址有误：\(error.description)")
                throw ExitCode(2)
            }
            let source = try SQLiteCaseStore(path: path)
            let target: PostgresCaseStore
            do {
                target = try await PostgresCaseStore.open(settings: settings, ledger: LedgerSettings())
            } catch {
                printError("无法连接 PostgreSQL \(settings.redactedURL)：\(String(describing: error))\n请检查地址、用户名、密码、sslmode，以及数据库是否已创建。")
                throw ExitCode(1)
            }
            print("从 \(path) 复制到 \(settings.redactedURL)")
            let bar = ProgressBar(unit: .items)
            let report: LedgerCopyReport
            do {
                report = try await target.copyLedger(from: source) { done, total in bar.show(done: Int64(done), total: Int64(total)) }
            } catch {
                bar.finish()
                await target.close()
                printError((error as? LedgerCopyError)?.description ?? "复制失败：\(String(reflecting: error))")
                throw ExitCode(1)
            }
            bar.finish()
            await target.close()
            print("已复制并核对 \(report.tables.count) 张表，共 \(report.tables.map(\.rows).reduce(0, +)) 行；每张表两边的行数与校验值一致：")
            for table in report.tables where table.rows > 0 {
                print("  \(table.name)：\(table.rows) 行，校验 \(table.checksum)")
            }
            let empty = report.tables.filter { $0.rows == 0 }.map(\.name)
            if !empty.isEmpty { print("  （空表：\(empty.joined(separator: "、"))）") }
            if !report.skipped.isEmpty { print("未复制（PostgreSQL 台账中没有对应的表，属 SQLite 内部用表）：\(report.skipped.joined(separator: "、"))") }
            print("下一步：在各实例的环境中设置 MINQING_DATABASE_URL 指向该库后启动 minqing serve。")
        }
    }
}
