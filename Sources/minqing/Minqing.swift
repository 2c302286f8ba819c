import ArgumentParser

@main
struct Minqing: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "minqing",
        abstract: "民情通：群众来信来电来访一本台账。",
        subcommands: [
            Serve.self, CheckConfig.self, Cases.self, Outbox.self, Notify.self, Mail.self, Import.self, Routes.self,
            CalendarCommand.self, Markets.self, Users.self, Store.self, Reload.self,
        ])
}
