import ArgumentParser
import Foundation
import Logging
import MinqingApp
import MinqingCore
import MinqingWeb

/// `minqing users add|passwd|disable|enable|list`: console accounts in the ledger's store. A running hub reads
/// accounts from the store on every login and page, so a change here takes effect at once (a disabled account's
/// sessions end at once). Every change is audited with the operating-system user who ran the command.
struct Users: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users", abstract: "管理工作台账登录账号（保存在台账数据库中，运行中的服务立即生效）。",
        subcommands: [Add.self, Passwd.self, Disable.self, Enable.self, List.self])

    /// The password from stdin (first line), so it stays out of the shell history and `ps`.
    static func readPassword() throws -> String {
        guard let line = readLine(strippingNewline: true), !line.isEmpty else {
            printError("请从标准输入提供密码，例如：printf '%s\\n' \"$PASSWORD\" | minqing users add wang-li")
            throw ExitCode(2)
        }
        return line
    }

    /// Who the audit trail names for a change made here.
    static var actor: String { "命令行:" + (ProcessInfo.processInfo.environment["USER"] ?? "root") }

    static func open(_ hub: HubOptions) async throws -> StaffUsers {
        let config = try hub.loadConfig(needsSecrets: false)
        let store = try await hub.openStore(config)
        do {
            return try await HubAssembly.consoleAccounts(
                config, store: store, environment: HubEnvironment(dataDirectory: URL(fileURLWithPath: hub.data)))
        } catch {
            printError("\(error)")
            throw ExitCode(1)
        }
    }

    /// Runs `body`, printing a refusal (in Chinese, saying what to do) and exiting 1 instead of a stack of errors.
    static func refusing(_ body: () async throws -> Void) async throws {
        do { try await body() } catch let e as StaffUsers.Failure {
            printError(e.description)
            throw ExitCode(1)
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "添加账号；密码从标准输入读取（不提供则生成一个并显示一次）。")
        @OptionGroup var hub: HubOptions
        @Argument(help: "账号：名录中的人员 id（如 wang-li），或新的本地账号（须指定 --role）") var id: String
        @Option(name: .long, help: "额外角色：admin、county_viewer、clerk、staff、leader、principal_leader（可重复）") var role: [String] = []
        @Option(name: .long, help: "显示名称（名录外的账号）") var name: String?
        @Flag(name: .long, help: "生成密码，不从标准输入读取（首次登录须修改）") var generate = false
        @Flag(name: .long, help: "首次登录时须修改密码") var mustChange = false

        func run() async throws {
            let roles = try role.map { text -> StaffRole in
                guard let r = StaffRole(rawValue: text) else {
                    printError("未知角色「\(text)」（可选：\(StaffRole.allCases.map(\.rawValue).joined(separator: ", "))）")
                    throw ExitCode(2)
                }
                return r
            }
            let users = try await Users.open(hub)
            let password = generate ? nil : try Users.readPassword()
            try await Users.refusing {
                let chosen = try await users.add(id: id, password: password, roles: roles, name: name, by: Users.actor,
                                                 mustChange: generate || mustChange)
                print("已添加账号 \(id)")
                if generate { print("初始密码（只显示这一次，首次登录须修改）：\(chosen)") }
            }
        }
    }

    struct Passwd: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "重设账号密码；新密码从标准输入读取（--generate 则生成）。该账号已登录的会话随即结束。")
        @OptionGroup var hub: HubOptions
        @Argument var id: String
        @Flag(name: .long, help: "生成密码（只显示一次，下次登录须修改）") var generate = false
        @Flag(name: .long, help: "下次登录时须修改密码") var mustChange = false

        func run() async throws {
            let users = try await Users.open(hub)
            try await Users.refusing {
                if generate {
                    let password = try await users.resetPassword(id: id, by: Users.actor)
                    print("已重置账号 \(id) 的密码（只显示这一次，下次登录须修改）：\(password)")
                } else {
                    try await users.setPassword(id: id, password: try Users.readPassword(), by: Users.actor, mustChange: mustChange)
                    print("已更新账号 \(id) 的密码")
                }
            }
        }
    }

    static func setDisabled(_ hub: HubOptions, _ id: String, _ disabled: Bool) async throws {
        let users = try await open(hub)
        try await refusing { try await users.setDisabled(id: id, disabled, by: actor) }
        print(disabled ? "已停用账号 \(id)" : "已启用账号 \(id)")
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "停用账号：不能再登录，已登录的会话立即结束。")
        @OptionGroup var hub: HubOptions
        @Argument var id: String
        func run() async throws { try await Users.setDisabled(hub, id, true) }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "重新启用已停用的账号。")
        @OptionGroup var hub: HubOptions
        @Argument var id: String
        func run() async throws { try await Users.setDisabled(hub, id, false) }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "列出账号：账号、姓名、角色、状态、最近登录。")
        @OptionGroup var hub: HubOptions

        func run() async throws {
            let users = try await Users.open(hub)
            for a in try await users.accounts() {
                let state = a.stored.disabled ? "已停用" : a.stored.mustChangePassword ? "待改密码" : "正常"
                let last = a.stored.lastLogin.map { HubTime.minutes($0) } ?? "从未登录"
                print([a.stored.id, a.user.name, a.user.roles.map(\.rawValue).sorted().joined(separator: ","), state, last].joined(separator: "\t"))
            }
        }
    }
}
