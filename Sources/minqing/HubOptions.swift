import ArgumentParser
import Foundation
import MinqingApp
import MinqingConfig
import MinqingCurl
import MinqingCore
import MinqingStore

/// `--config DIR --data DIR`, shared by every command that touches the store.
struct HubOptions: ParsableArguments {
    @Option(name: .long, help: "配置目录（含 minqing.yaml、directory.yaml）")
    var config: String = "Config/example"

    @Option(name: .long, help: "数据目录（台账数据库等）")
    var data: String = "./data"

    /// Loads the configuration or exits 1 with every problem listed. Commands that reach no external system pass
    /// `needsSecrets: false`, so they run without the secrets `serve` needs.
    func loadConfig(needsSecrets: Bool = true) throws -> HubConfig {
        do {
            return try ConfigLoader.load(from: URL(fileURLWithPath: config), needsSecrets: needsSecrets)
        } catch {
            printError(error.description)
            throw ExitCode(1)
        }
    }

    /// Opens the ledger with every planner of the hub (`HubPlanners`), so whatever a command writes notifies
    /// the way `serve` would.
    func openStore(
        _ config: HubConfig, outboxSignal: ChangeSignal = ChangeSignal(), caseSignal: ChangeSignal = ChangeSignal()
    ) throws -> SQLiteCaseStore {
        let planner = HubPlanners.planner(for: config)
        let dataURL = URL(fileURLWithPath: data)
        try FileManager.default.createDirectory(at: dataURL, withIntermediateDirectories: true)
        var settings = LedgerSettings(
            caseIDPrefix: config.office.caseIDPrefix, timeZone: config.office.timeZone,
            factory: config.caseFactory, planner: planner, policy: config.casePolicy, outboxSignal: outboxSignal,
            caseSignal: caseSignal)
        settings.warnings = config.warnings
        do {
            return try SQLiteCaseStore(path: config.storage.sqliteURL(dataDirectory: dataURL).path, settings: settings)
        } catch {
            printError("无法打开台账数据库 \(config.storage.sqliteURL(dataDirectory: dataURL).path)：\(error)\n请检查 --data 目录是否存在、是否有写权限。")
            throw ExitCode(1)
        }
    }
}

extension HubOptions {
    /// The configured notification targets, or exit 1 saying what is wrong (a missing template, a bad secret).
    func notificationSetup(_ config: HubConfig, client: CurlClient) throws -> NotificationSetup {
        do {
            return try NotificationSetup(config: config, client: client)
        } catch {
            printError("通知配置有误：\(error)")
            throw ExitCode(1)
        }
    }
}

func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
