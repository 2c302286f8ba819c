import ArgumentParser
import Foundation
import MinqingConfig
import MinqingCore

struct Routes: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "routes", abstract: "派单规则（routing.yaml）。", subcommands: [RoutesTest.self])
}

/// `minqing routes test --config DIR key=value…`: files a sample case with the server's own code
/// (`HubConfig.caseFactory`, the same one intake uses) and prints the decision and its reasons.
struct RoutesTest: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "用样例试派单：打印三定结果和理由（与登记新案件使用同一段代码）。",
        discussion: """
            样例写成 键=值：channel=hotline|mailbox|webform|visit、category=类别、village=村（社区）、subject=标题、\
            body=内容、concerns=被反映对象（逗号分隔）、at=登记时间（如 2026-11-22T09:30，默认现在）。
            例：minqing routes test --config Config/example category=土地 village=龙泉村 body="宅基地界址纠纷"
            """)

    @Option(name: .long, help: "配置目录（含 routing.yaml）")
    var config: String = "Config/example"

    @Flag(name: .long, help: "以 JSON 输出")
    var json = false

    @Argument(help: "样例，键=值")
    var sample: [String] = []

    static let keys = ["channel", "category", "village", "subject", "body", "concerns", "at"]

    func run() throws {
        let hub = try HubOptions.parse(["--config", config]).loadConfig(needsSecrets: false)
        guard hub.routing != nil else {
            printError("配置目录 \(config) 中没有 routing.yaml：请先编写派单规则（可参考 Config/example/routing.yaml）")
            throw ExitCode(1)
        }
        var values: [String: String] = [:]
        for pair in sample {
            guard let eq = pair.firstIndex(of: "="), Self.keys.contains(String(pair[..<eq])) else {
                printError("无法识别「\(pair)」：样例应写成 键=值，可用的键：\(Self.keys.joined(separator: "、"))")
                throw ExitCode(2)
            }
            values[String(pair[..<eq])] = String(pair[pair.index(after: eq)...])
        }
        var channel = Channel.webform
        if let text = values["channel"] {
            guard let c = Channel(rawValue: text) else {
                printError("渠道「\(text)」不存在，可选：\(Channel.allCases.map(\.rawValue).joined(separator: "、"))")
                throw ExitCode(2)
            }
            channel = c
        }
        var now = Date()
        if let text = values["at"] {
            guard let d = HubTime.parse(text, defaultTimeZone: hub.office.timeZone) else {
                printError("时间「\(text)」无法识别，请写成 2026-11-22T09:30")
                throw ExitCode(2)
            }
            now = d
        }
        var message = InboundMessage(
            channel: channel, sourceRef: "routes-test", village: values["village"], category: values["category"],
            subject: values["subject"], body: values["body"] ?? values["subject"] ?? "（样例）")
        message.concerns = (values["concerns"] ?? "").split(whereSeparator: { ",，、".contains($0) }).map(String.init)
        let id = CaseID(prefix: hub.office.caseIDPrefix, day: CaseID.day(of: now, in: hub.office.timeZone), sequence: 1)
        let (record, _) = hub.caseFactory.makeCase(from: message, id: id, registeredAt: now, attachments: [])
        let outcome = record.routing ?? RoutingOutcome()
        if json {
            let data = try HubJSON.encoder(timeZone: hub.office.timeZone).encode(outcome)
            print(String(decoding: data, as: UTF8.self))
        } else {
            print(Self.text(outcome, record: record, config: hub))
        }
    }

    static func text(_ o: RoutingOutcome, record: CaseRecord, config: HubConfig) -> String {
        func person(_ id: String?) -> String {
            guard let id else { return "（未能指派，请干事人工交办）" }
            return "\(config.directory.person(id)?.name ?? id)（\(id)）"
        }
        var lines = ["派单结果："]
        lines.append("  紧急程度：\(o.priority.displayName)")
        lines.append("  严重程度：\(o.severity.displayName)")
        lines.append("  责任领导：\(person(o.leader))")
        lines.append("  承办人员：\(person(o.staff))")
        lines.append("  办理期限：\(o.deadline.map { HubTime.iso($0, in: config.office.timeZone) } ?? "（无）")")
        if !o.notify.isEmpty { lines.append("  通知：\(o.notify.joined(separator: "、"))") }
        if !record.concerns.isEmpty { lines.append("  回避：\(record.concerns.map { person($0) }.joined(separator: "、"))") }
        if let e = o.escalation { lines.append("  督办升级：\(e)") }
        lines.append("理由：")
        for (i, r) in o.reasons.enumerated() { lines.append("  \(i + 1). \(r)") }
        for w in o.warnings { lines.append("注意：\(w)") }
        return lines.joined(separator: "\n")
    }
}
