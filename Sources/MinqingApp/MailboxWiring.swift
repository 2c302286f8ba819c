import Foundation
import Logging
import MailboxAdapter
import Metrics
import MinqingConfig
import MinqingCore
import MinqingCurl
import MinqingStore
import MinqingWeb

/// Builds one poller per configured mailbox account (the composition root's only mailbox code).
public enum MailboxWiring {
    public static func endpoint(_ account: MailboxSettings.Account) -> MailEndpoint {
        let scheme = account.tls == .implicit ? "imaps" : "imap"
        return MailEndpoint(
            url: "\(scheme)://\(account.host):\(account.port)", startTLS: account.tls == .starttls,
            username: account.user, password: account.password.value, timeout: .seconds(120))
    }

    public static func pollerSettings(_ account: MailboxSettings.Account) -> MailboxPollerSettings {
        let disposition: MailboxPollerSettings.Disposition = switch account.disposition {
        case .move: .move(to: account.processedFolder)
        case .flag: .flag(account.flag)
        case .leave: .leave
        }
        return MailboxPollerSettings(
            name: account.name, folder: account.folder, interval: account.interval, disposition: disposition)
    }

    public static func pollers(
        _ config: HubConfig, curl: CurlClient, intake: any MessageIntake, store: any CaseLedger & ChannelCursors, logger: Logger,
        metrics: any MetricsFactory
    ) -> [MailboxPoller] {
        let mapper = MailIntakeMapper(parser: MailParser(limits: .init(maxAttachmentBytes: config.intake.maxAttachmentBytes)))
        return config.mailbox.accounts.map { account in
            MailboxPoller(
                settings: pollerSettings(account), imap: IMAPClient(curl: curl, account: endpoint(account)),
                intake: intake, store: store, mapper: mapper, logger: logger, metrics: metrics)
        }
    }

    /// `/readyz` fails while a mailbox's last poll failed, saying why and when it retries.
    public static func readiness(_ pollers: [MailboxPoller]) -> [ReadinessCheck] {
        pollers.map { poller in
            ReadinessCheck(name: "民情信箱 \(poller.settings.name)") {
                if let problem = await poller.health.problem { throw ReadinessProblem(description: problem) }
            }
        }
    }
}

public struct ReadinessProblem: Error, CustomStringConvertible {
    public let description: String
}
