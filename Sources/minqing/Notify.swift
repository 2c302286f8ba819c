import ArgumentParser
import Foundation
import MinqingApp
import MinqingConfig
import MinqingCore
import MinqingCurl
import MinqingDispatch

struct Notify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notify", abstract: "通知工具。", subcommands: [Test.self])

    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "向一个通知目标发送测试消息（相当于机器人页面上的「测试」按钮），显示对方的答复。")
        @OptionGroup var hub: HubOptions
        @Option(help: "通知目标名称（minqing.yaml 中 targets 的 name）") var target: String
        @Option(help: "邮件目标的收件地址（默认发给群工办干事）；短信目标的手机号") var to: [String] = []

        func run() async throws {
            let options = hub
            let hubConfig = try options.loadConfig()
            guard let settings = hubConfig.targets.first(where: { $0.name == target }) else {
                printError("没有名为「\(target)」的通知目标（已配置：\(hubConfig.targets.map(\.name).joined(separator: ", "))）")
                throw ExitCode(1)
            }
            guard settings.isConfigured else {
                printError("通知目标「\(target)」没有地址：请设置它在 minqing.yaml 中引用的环境变量后再试")
                throw ExitCode(1)
            }
            let client = try CurlClient()
            let outcome = await send(hubConfig, options: options, client: client)
            await client.shutdown()
            switch outcome {
            case .success(.delivered(let receipt)):
                print("发送成功（\(receipt.latency.formatted())）：\(receipt.excerpt)")
            case .success(.failed(let failure)):
                printError("发送失败：\(failure.description)\(failure.excerpt.map { "\n对方答复：\($0)" } ?? "")")
                throw ExitCode(1)
            case .failure(let error):
                throw error
            }
        }

        private func send(_ hubConfig: HubConfig, options: HubOptions, client: CurlClient) async -> Result<DeliveryOutcome, any Error> {
            let setup: NotificationSetup
            do {
                setup = try options.notificationSetup(hubConfig, client: client)
            } catch {
                return .failure(error)
            }
            guard let lane = setup.targets.first(where: { $0.target.name == target }) else { return .failure(ExitCode(1)) }
            var recipients = to.map { Contact(id: $0, name: $0, email: $0, mobile: PhoneNumber.kind(of: $0) == .mobile ? $0 : nil) }
            if recipients.isEmpty, lane.settings.audience.addressesPeople {
                recipients = hubConfig.directory.people.filter { $0.roles.contains(.clerk) }.compactMap { p in
                    p.email.map { Contact(id: p.id, name: p.name, email: $0) }
                }
            }
            let delivery = setup.composer.testDelivery(recipients: recipients, audience: lane.settings.audience, at: Date())
            return .success(await lane.target.deliver(delivery))
        }
    }
}
