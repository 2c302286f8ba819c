import ArgumentParser
import Foundation
import MinqingWeb

/// `minqing users add|passwd|list`: console accounts in `DATA/users.json` (bcrypt hashes).
struct Users: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users", abstract: "管理工作台账登录账号。", subcommands: [Add.self, Passwd.self, List.self])

    /// The password from stdin (first line), so it stays out of the shell history and `ps`.
    static func readPassword() throws -> String {
        guard let line = readLine(strippingNewline: true), !line.isEmpty else {
            printError("请从标准输入提供密码，例如：printf '%s\\n' \"$PASSWORD\" | minqing users add wang-li")
            throw ExitCode(2)
        }
        return line
    }

    static func open(_ hub: HubOptions) throws -> StaffUsers {
        let config = try hub.loadConfig()
        return try StaffUsers(file: URL(fileURLWithPath: hub.data).appendingPathComponent("users.json"), directory: config.directory)
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "添加账号（或重设其密码和角色）；密码从标准输入读取。")
        @OptionGroup var hub: HubOptions
        @Argument(help: "账号：名录中的人员 id（如 wang-li），或新的管理员账号") var id: String
        @Option(name: .long, help: "额外角色：admin、county_viewer、clerk、staff、leader（可重复）") var role: [String] = []
        @Option(name: .long, help: "显示名称（名录外的账号）") var name: String?

        func run() async throws {
            let roles = try role.map { text -> StaffRole in
                guard let r = StaffRole(rawValue: text) else {
                    printError("未知角色「\(text)」（可选：\(StaffRole.allCases.map(\.rawValue).joined(separator: ", "))）")
                    throw ExitCode(2)
                }
                return r
            }
            let users = try Users.open(hub)
            do { try await users.add(id: id, password: try Users.readPassword(), roles: roles, name: name) } catch let e as StaffUsers.Failure {
                printError(e.description)
                throw ExitCode(1)
            }
            print("已保存账号 \(id)")
        }
    }

    struct Passwd: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "重设账号密码；新密码从标准输入读取。")
        @OptionGroup var hub: HubOptions
        @Argument var id: String

        func run() async throws {
            let users = try Users.open(hub)
            do { try await users.setPassword(id: id, password: try Users.readPassword()) } catch let e as StaffUsers.Failure {
                printError(e.description)
                throw ExitCode(1)
            }
            print("已更新账号 \(id) 的密码")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "列出账号及角色。")
        @OptionGroup var hub: HubOptions

        func run() async throws {
            let users = try Users.open(hub)
            for id in await users.ids {
                guard let user = await users.user(id: id) else { continue }
                print("\(id)\t\(user.name)\t\(user.roles.map(\.rawValue).sorted().joined(separator: ","))")
            }
        }
    }
}
