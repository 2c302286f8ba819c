import ArgumentParser
import Foundation
import HotlineAdapter
import Hummingbird
import JSONIntakeAdapter
import Logging
import MailboxAdapter
import Metrics
import MinqingApp
import MinqingConfig
import MinqingCore
import MinqingCurl
import MinqingDispatch
import MinqingRouting
import MinqingStore
import MinqingWeb
import WebFormAdapter
import Prometheus
import ServiceLifecycle

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "启动民情通服务（Ctrl-C 或 SIGTERM 平稳退出）。")

    @OptionGroup var hub: HubOptions
    @Option(help: "监听地址（默认取配置，通常 127.0.0.1）") var host: String?
    @Option(help: "监听端口（默认取配置，通常 8080；0 表示任选空闲端口）") var port: Int?
    @Flag(help: "演示模式：台账为空时载入配置目录 demo/messages.json 中的示例来信") var demo = false

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .info
            return handler
        }
        let logger = Logger(label: "minqing")
        let config = try hub.loadConfig()
        let registry = PrometheusCollectorRegistry()
        let metrics = PrometheusMetricsFactory(registry: registry)
        MetricsSystem.bootstrap(metrics)
        let client = try CurlClient()
        let notifications = try hub.notificationSetup(config, client: client)
        for name in notifications.unconfigured {
            logger.notice("通知目标「\(name)」未设置地址（环境变量为空），暂不发送")
        }
        if let warning = config.routing?.calendarWarning(today: Date(), timeZone: config.office.timeZone) {
            logger.warning("\(warning)")
        }
        // // A year without a calendar file is also a metric (docs/domain/holidays.md#missing-years): 1 per missing year, this one and the next.
        if let calendar = config.routing?.calendar {
            let year = CivilDay(Date(), in: config.office.timeZone).year
            for y in [year, year + 1] {
                Gauge(label: "minqing_calendar_year_missing", dimensions: [("year", String(y))], factory: metrics)
                    .record(calendar.hasData(forYear: y) ? 0 : 1)
            }
        }
        let outboxSignal = ChangeSignal(), caseSignal = ChangeSignal()
        let store = try hub.openStore(config, outboxSignal: outboxSignal, caseSignal: caseSignal)
        let dispatcher = Dispatcher(
            store: store, targets: notifications.targets, composer: notifications.composer, clock: SystemClock(),
            signal: outboxSignal, logger: Logger(label: "minqing.dispatch"), metrics: metrics)
        let intake = IntakeService(store: store, logger: logger, metrics: metrics)
        if demo { try await DemoSeed.loadIfEmpty(config: config, store: store, intake: intake, logger: logger) }
        let pollers = MailboxWiring.pollers(config, curl: client, intake: intake, store: store, logger: logger, metrics: metrics)

        let hotline = config.hotline.map {
            HotlineIntake(settings: $0, intake: intake, store: store, timeZone: config.office.timeZone, logger: logger)
        }
        var services: [any Service] = [dispatcher] + pollers.map { $0 as any Service }
        if let scheduler = SchedulerSetup.scheduler(for: config, store: store, clock: SystemClock(), signal: caseSignal) {
            services.append(scheduler)
        }
        if let hotline, let asterisk = config.hotline?.asterisk, let file = asterisk.follow {
            services.append(CDRFollower(
                path: file, format: AsteriskCDRFormat(settings: asterisk), hotline: hotline, ledger: store,
                pollInterval: asterisk.pollInterval, logger: logger))
            logger.info("following asterisk cdr file", metadata: ["file": "\(file)"])
        }
        // Form tokens are signed with a key kept in the store: a form shown before a restart is still accepted.
        let form = config.webform
        var webForm = WebFormSettings(
            maxPhotos: min(config.intake.maxAttachments, form.maxPhotos),
            maxPhotoBytes: min(config.intake.maxAttachmentBytes, form.maxPhotoBytes),
            minimumFillTime: TimeInterval(form.minFillSeconds), perAddressLimit: form.perAddressPerHour,
            perPhoneLimit: form.perPhonePerHour, tokenKey: try await FormTokenKey.load(from: store),
            trustedProxies: config.trustedProxies)
        webForm.bodyLimit = config.server.bodyLimits.form
        // Uploads are spooled under the data directory while a form is read; a crash's leftovers go at start-up.
        let spool = try FormSpool(directory: URL(fileURLWithPath: hub.data).appendingPathComponent("uploads"))
        spool.sweep()
        webForm.spool = spool
        let users = try StaffUsers(file: URL(fileURLWithPath: hub.data).appendingPathComponent("users.json"),
                                   directory: config.directory)
        let deps = WebDependencies(
            config: config, store: store, intake: intake, registry: registry,
            readinessChecks: MailboxWiring.readiness(pollers), hotline: hotline, webForm: webForm, users: users)
        let host = self.host ?? config.server.host
        let app = try HubRouter.application(deps, host: host, port: port ?? config.server.port, logger: logger) { port in
            let line = "民情通已启动：http://\(host):\(port)  （台账：\(config.storage.sqliteURL(dataDirectory: URL(fileURLWithPath: hub.data)).path)）\n"
            FileHandle.standardOutput.write(Data(line.utf8))
        }
        let group = ServiceGroup(services: [app] + services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        try await group.run()
        await client.shutdown(.finishInFlight)
        print("民情通已停止。")
    }
}
