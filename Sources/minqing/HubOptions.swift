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

    /// Opens the ledger the way `serve` does (`HubAssembly.openStore`), or exits 1 saying what is wrong.
    func openStore(_ config: HubConfig) async throws -> any HubStore {
        do {
            return try await HubAssembly.openStore(config, dataDirectory: URL(fileURLWithPath: data))
        } catch {
            printError(error.description)
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
