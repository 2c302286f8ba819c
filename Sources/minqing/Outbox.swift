import ArgumentParser
import Foundation
import MinqingApp
import MinqingConfig
import MinqingCore
import MinqingStore

struct Outbox: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox", abstract: "查看和重发通知（发件箱）。", subcommands: [List.self, Replay.self, Targets.self, Enable.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "列出通知及其发送状态（最早在前）。")
        @OptionGroup var hub: HubOptions
        @Option(help: "只看某种状态：pending（待发）、retrying（重试中）、delivered（已送达）、dead（发送失败）")
        var state: String?
        @Option(help: "最多列出几条") var limit: Int = 200
        @Flag(help: "同时列出每次发送尝试") var attempts = false

        func run() async throws {
            let config = try hub.loadConfig()
            let store = try await hub.openStore(config)
            var filter: OutboxEntry.State?
            if let state {
                guard let s = OutboxEntry.State(rawValue: state) else {
                    throw ValidationError("「\(state)」不是通知状态（可选：\(OutboxEntry.State.allCases.map(\.rawValue).joined(separator: ", "))）")
                }
                filter = s
            }
            let entries = try await store.outboxEntries(state: filter, limit: limit)
            print("共 \(entries.count) 条")
            for e in entries {
                let when = HubTime.iso(e.nextAttemptAt, in: config.office.timeZone).prefix(19).replacingOccurrences(of: "T", with: " ")
                var line = "\(e.id)  \(e.caseID?.description ?? "（非案件通知）")  \(e.target)  \(e.event)  \(e.state.displayName)  已试 \(e.attempts) 次"
                if e.state == .retrying || e.state == .pending { line += "  下次 \(when)" }
                if let error = e.lastError, e.state != .delivered { line += "  原因：\(error)" }
                print(line)
                if attempts {
                    for a in try await store.deliveryAttempts(notificationID: e.id) {
                        let at = HubTime.iso(a.startedAt, in: config.office.timeZone).prefix(19).replacingOccurrences(of: "T", with: " ")
                        print("    第 \(a.number) 次  \(at)  \(a.result.rawValue)\(a.httpStatus.map { "  HTTP \($0)" } ?? "")\(a.latencyMilliseconds.map { "  \($0) ms" } ?? "")  \(a.detail ?? "")")
                    }
                }
            }
        }
    }

    struct Replay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "重发发送失败（dead）或重试中的通知：立即再发一次，同一编号，接收方可据此去重。")
        @OptionGroup var hub: HubOptions
        @Argument(help: "通知编号（outbox list 第一列）") var ids: [String]

        func run() async throws {
            let config = try hub.loadConfig()
            let store = try await hub.openStore(config)
            let changed = try await store.replayNotifications(ids, at: Date())
            for id in ids where !changed.contains(id) {
                let entry = try await store.outboxEntry(id: id)
                printError(entry == nil ? "通知 \(id) 不存在，请核对编号" : "通知 \(id) 状态为「\(entry!.state.displayName)」，无需重发")
            }
            print("已安排重发 \(changed.count) 条；服务运行时会立即发送。")
            if changed.count < ids.count { throw ExitCode(1) }
        }
    }

    struct Targets: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "列出配置中的通知目标及其状态：正常、暂停（对方限流）或已停用（对方答复地址失效、账户不存在）。")
        @OptionGroup var hub: HubOptions

        func run() async throws {
            let config = try hub.loadConfig()
            let store = try await hub.openStore(config)
            let states = Dictionary(try await store.targetStates().map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
            let now = Date()
            for t in config.targets {
                var line = "\(t.name)  \(t.kind.rawValue)  "
                let state = states[t.name]
                if !t.isConfigured {
                    line += "未配置（缺少地址或密钥，不发送）"
                } else if let state, state.isDisabled(forRevision: NotificationSetup.revision(of: t)) {
                    line += "已停用（\(Self.time(state.disabledAt!, config))起）：\(state.disabledReason ?? "")"
                    line += "；修正地址或密钥后执行 minqing reload，或确认对方已恢复后执行 minqing outbox enable \(t.name)"
                } else if let state, state.disabledAt != nil, state.enabledAt.map({ $0 < state.disabledAt! }) ?? true {
                    line += "将恢复（停用后地址或密钥已修改，服务启动或 reload 时自动恢复发送）"
                } else if let until = state?.pausedUntil, until > now {
                    line += "暂停至 \(Self.time(until, config))（对方限流，到时自动恢复）"
                } else {
                    line += "正常"
                }
                print(line)
            }
        }

        static func time(_ date: Date, _ config: HubConfig) -> String {
            HubTime.iso(date, in: config.office.timeZone).prefix(19).replacingOccurrences(of: "T", with: " ")
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "重新启用已停用的通知目标（对方已恢复、配置无需修改时）；修改了地址或密钥的目标在 reload 后自动恢复。")
        @OptionGroup var hub: HubOptions
        @Argument(help: "通知目标名称（outbox targets 第一列）") var name: String

        func run() async throws {
            let config = try hub.loadConfig()
            guard config.targets.contains(where: { $0.name == name }) else {
                throw ValidationError("配置中没有通知目标「\(name)」（现有：\(config.targets.map(\.name).joined(separator: "、"))）")
            }
            let store = try await hub.openStore(config)
            var state = try await store.targetStates().first { $0.name == name } ?? TargetState(name: name)
            guard state.disabledAt != nil, state.enabledAt.map({ $0 < state.disabledAt! }) ?? true else {
                print("通知目标「\(name)」未被停用，无需启用")
                return
            }
            state.enabledAt = Date()
            try await store.saveTargetState(state)
            print("已重新启用通知目标「\(name)」。服务正在运行时请执行 minqing reload（或重启）使其生效；")
            print("停用期间未发送的通知可用 minqing outbox list --state dead 查看，用 minqing outbox replay 重发。")
        }
    }
}

extension OutboxEntry.State {
    var displayName: String {
        switch self {
        case .pending: "待发送"
        case .retrying: "重试中"
        case .delivered: "已送达"
        case .dead: "发送失败"
        }
    }
}
