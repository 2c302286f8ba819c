import ArgumentParser
import Foundation
import MinqingConfig
import MinqingCore
import MinqingStore

struct Cases: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cases", abstract: "查看台账中的案件。", subcommands: [List.self, Show.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "列出案件（最新在前）。")
        @OptionGroup var hub: HubOptions
        @Option(help: "状态，如 received、assigned") var status: String?
        @Option(help: "村（社区）代码或名称") var village: String?
        @Option(help: "标题、内容、编号或电话中的文字") var q: String?
        @Option(help: "最多列出几件") var limit: Int = 50
        @Option(help: "从此位置之后继续列出（上一次输出末尾的“下一页”位置）") var cursor: String?
        @Flag(help: "输出 JSON") var json = false

        func run() async throws {
            let config = try hub.loadConfig()
            let store = try await hub.openStore(config)
            var query = CaseQuery()
            if let status {
                guard let s = CaseStatus(rawValue: status) else {
                    throw ValidationError("「\(status)」不是案件状态（可选：\(CaseStatus.allCases.map(\.rawValue).joined(separator: ", "))）")
                }
                query.statuses = [s]
            }
            query.village = village.map { config.vocabulary.village($0) ?? $0 }
            query.text = q
            query.limit = limit
            if let cursor {
                guard let position = CaseCursor(encoded: cursor) else {
                    throw ValidationError("「\(cursor)」不是翻页位置：请原样使用上一次输出末尾“下一页：--cursor …”中的值")
                }
                query.cursor = position
            }
            let page = try await store.searchCases(query)
            if json {
                print(String(decoding: try HubJSON.encoder(pretty: true).encode(page.items), as: UTF8.self))
                if let next = page.nextCursor { printError("下一页：--cursor \(next.encoded)") }
                return
            }
            let total = page.totalCapped ? "\(page.total)+" : "\(page.total)"
            print("共 \(total) 件\(page.totalCapped || page.total > page.items.count ? "，显示\(cursor == nil ? "最新" : "") \(page.items.count) 件" : "")")
            for r in page.items {
                let village = r.village.flatMap { config.directory.village($0)?.name } ?? r.village ?? "—"
                let deadline = r.deadline.map { "期限 " + HubTime.iso($0, in: config.office.timeZone).prefix(16).replacingOccurrences(of: "T", with: " ") } ?? ""
                print("\(r.id)  \(r.status.displayName)  \(r.channel.displayName)  \(village)  \(r.subject)  \(deadline)")
            }
            if let next = page.nextCursor { print("下一页：--cursor \(next.encoded)") }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "显示一件案件的全部内容和办理记录。")
        @OptionGroup var hub: HubOptions
        @Argument(help: "案件编号，如 MQ-20261122-0001") var id: String

        func run() async throws {
            guard let caseID = CaseID(id) else { throw ValidationError("「\(id)」不是案件编号，应为 MQ-20261122-0042 这样的形式") }
            let config = try hub.loadConfig()
            let store = try await hub.openStore(config)
            guard let r = try await store.fetchCase(caseID) else {
                printError("案件 \(caseID) 不存在，请核对编号")
                throw ExitCode(1)
            }
            let tz = config.office.timeZone
            func t(_ d: Date) -> String { String(HubTime.iso(d, in: tz).prefix(19)).replacingOccurrences(of: "T", with: " ") }
            print("\(r.id)  【\(r.status.displayName)】 \(r.subject)")
            print("渠道：\(r.channel.displayName)（\(r.sourceRef)）  收到：\(t(r.receivedAt))  登记：\(t(r.registeredAt))")
            print("来信人：\(r.complainant.name ?? "匿名")  电话：\(r.complainant.phone ?? "—")  身份证：\(r.complainant.idNumber ?? "—")")
            print("村（社区）：\(r.village.flatMap { config.directory.village($0)?.name } ?? r.village ?? "—")  类别：\(r.category.flatMap { config.directory.category($0)?.name } ?? r.category ?? "—")")
            print("紧急程度：\(r.priority.displayName)  严重程度：\(r.severity.displayName)  层级：\(r.level.displayName)")
            if r.leader != nil || r.staff != nil {
                print("三定：领导 \(r.leader ?? "—")  承办 \(r.staff ?? "—")  期限 \(r.deadline.map(t) ?? "—")")
            }
            if !r.flags.isEmpty { print("待核实：" + r.flags.map(\.displayName).joined(separator: "；")) }
            print("\n\(r.body)\n")
            if let reply = r.replyText { print("答复（\(r.outcome?.displayName ?? "")）：\(reply)\n") }
            print("办理记录：")
            for e in try await store.auditTrail(of: caseID) {
                let change = e.from.map { "\($0.displayName) → \(e.to.displayName)" } ?? e.to.displayName
                let details = e.details.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
                print("  \(t(e.at))  \(e.actor)  \(e.action)  \(change)\(e.reason.map { "  理由：\($0)" } ?? "")  \(details)")
            }
        }
    }
}
