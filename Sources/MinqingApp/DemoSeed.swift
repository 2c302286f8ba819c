import Foundation
import JSONIntakeAdapter
import Logging
import MinqingConfig
import MinqingCore
import MinqingStore

/// Loads the example messages of `demo/messages.json` into an empty ledger, so a newcomer has cases to look at.
public enum DemoSeed {
    public static func loadIfEmpty(config: HubConfig, store: any CaseLedger, intake: any MessageIntake, logger: Logger) async throws {
        guard try await store.searchCases(CaseQuery()).total == 0 else { return }
        let url = config.directoryURL.appendingPathComponent("demo/messages.json")
        let messages = try messages(from: url, config: config)
        for m in messages { _ = try await intake.submit(m) }
        logger.info("loaded demo messages", metadata: ["count": "\(messages.count)", "file": "\(url.path)"])
    }

    /// The demo file's messages, parsed by the same code as `POST /api/v1/messages`.
    public static func messages(from url: URL, config: HubConfig) throws -> [InboundMessage] {
        let data = try Data(contentsOf: url)
        guard let items = try JSONSerialization.jsonObject(with: data) as? [Any] else {
            throw ValidationErrorText("\(url.path) 应为 JSON 数组")
        }
        let limits = IntakeLimits(maxAttachments: config.intake.maxAttachments, maxAttachmentBytes: config.intake.maxAttachmentBytes)
        return try items.enumerated().map { i, item in
            do {
                return try JSONIntakeRoutes.parse(try JSONSerialization.data(withJSONObject: item), limits: limits,
                                                  timeZone: config.office.timeZone)
            } catch {
                throw ValidationErrorText("\(url.path) 第 \(i + 1) 条：\(error)")
            }
        }
    }
}

public struct ValidationErrorText: Error, CustomStringConvertible {
    public let description: String
    public init(_ text: String) { description = text }
}
