import ArgumentParser
import Foundation
import MinqingConfig
import MinqingRouting
import MinqingStore
import MinqingWeb

/// `minqing calendar --from DATE --to DATE [--json]`: each date with whether offices work, from the same
/// calendar files deadlines are counted on (`routing.yaml`'s `calendars:`).
struct CalendarCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calendar", abstract: "工作日历与值班日历订阅地址。",
        subcommands: [CalendarDays.self, RotateFeed.self, FeedURL.self], defaultSubcommand: CalendarDays.self)
}

/// `minqing calendar rotate-feed <person> --data DIR`: a new secret address for the person's duty calendar feed;
/// the old address stops working at once. Prints the new address.
struct RotateFeed: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate-feed", abstract: "为某人生成新的值班日历订阅地址（旧地址立即失效），并打印新地址。")
    @OptionGroup var hub: HubOptions
    @Argument(help: "名录中的人员 id（如 liu-jianguo）") var person: String

    func run() async throws {
        let (feeds, _) = try await FeedURL.open(hub, person: person)
        print(try await feeds.rotate(person: person, at: Date()))
    }
}

/// `minqing calendar feed-url <person> --data DIR`: the person's current feed address.
struct FeedURL: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feed-url", abstract: "打印某人当前的值班日历订阅地址（尚无则提示用 rotate-feed 生成）。")
    @OptionGroup var hub: HubOptions
    @Argument(help: "名录中的人员 id（如 liu-jianguo）") var person: String

    static func open(_ hub: HubOptions, person: String) async throws -> (CalendarFeeds, any HubStore) {
        let config = try hub.loadConfig()
        guard config.directory.person(person) != nil else {
            printError("人员「\(person)」不在名录中：请使用 directory.yaml 中的人员 id（如 \(config.directory.people.prefix(3).map(\.id).joined(separator: "、"))）")
            throw ExitCode(2)
        }
        let store = try await hub.openStore(config)
        return (CalendarFeeds(store: store, publicURL: config.server.publicURL), store)
    }

    func run() async throws {
        let (feeds, _) = try await Self.open(hub, person: person)
        guard let url = try await feeds.url(person: person) else {
            printError("「\(person)」还没有日历订阅地址：请运行 minqing calendar rotate-feed \(person) --data \(hub.data) 生成")
            throw ExitCode(1)
        }
        print(url)
    }
}

struct CalendarDays: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "days", abstract: "列出日期是否上班（节假日与调休，与计算办理期限使用同一份节假日安排）。")

    @Option(name: .long, help: "配置目录（含 routing.yaml）") var config: String = "Config/example"
    @Option(name: .long, help: "开始日期，如 2026-09-28") var from: String
    @Option(name: .long, help: "结束日期（含），如 2026-10-11") var to: String
    @Flag(name: .long, help: "以 JSON 输出") var json = false

    func run() throws {
        let hub = try HubOptions.parse(["--config", config]).loadConfig(needsSecrets: false)
        guard let calendar = hub.routing?.calendar ?? hub.hotline?.calendar else {
            printError("配置目录 \(config) 中没有 routing.yaml（也没有热线的节假日配置）：请先配置 calendars")
            throw ExitCode(1)
        }
        let (start, end) = try DateRange.parse(from: from, to: to)
        let days = calendar.days(from: start, to: end)
        let missing = Set(days.filter { !$0.hasCalendarData }.map(\.day.year)).sorted()
        if !missing.isEmpty {
            printError("注意：\(missing.map { "\($0)年" }.joined(separator: "、"))的节假日安排未配置，这些日期仅按双休日推算，可能不准确；请在节假日目录中添加 cn-\(missing[0]).yaml")
        }
        if json {
            let rows: [[String: Any]] = days.map { d in
                var row: [String: Any] = ["date": "\(d.day)", "workday": d.isWorkday, "weekday": d.weekday.chineseName,
                                          "calendar_data": d.hasCalendarData]
                row["holiday"] = d.holidayName ?? NSNull()
                row["make_up_workday"] = d.isMakeUpWorkday
                return row
            }
            let data = try JSONSerialization.data(withJSONObject: rows, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            print(String(decoding: data, as: UTF8.self))
        } else {
            for d in days {
                var note = d.isWorkday ? "上班" : "休息"
                if let h = d.holidayName { note += "（\(h)）" }
                if d.isMakeUpWorkday { note += "（调休上班\(d.makeUpNote.map { "：\($0)" } ?? "")）" }
                if !d.hasCalendarData { note += "（未配置节假日）" }
                print("\(d.day) \(d.weekday.chineseName) \(note)")
            }
        }
    }
}

/// `minqing markets days --rule "农历逢三六九" --from DATE --to DATE [--json]`.
struct Markets: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "markets", abstract: "集市（赶集日）。", subcommands: [MarketDays.self])
}

struct MarketDays: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "days", abstract: "按集日规则列出赶集日（如「农历逢三、六、九」「公历逢1、4、7」「单日」「星期五」「赶子午」）。")

    @Option(name: .long, help: "集日规则，写法同县里的集市表") var rule: String
    @Option(name: .long, help: "开始日期，如 2025-07-01") var from: String
    @Option(name: .long, help: "结束日期（含）") var to: String
    @Flag(name: .long, help: "以 JSON 输出") var json = false

    func run() throws {
        let parsed: MarketRule
        do { parsed = try MarketRule(phrase: rule) } catch {
            printError(error.description)
            throw ExitCode(2)
        }
        let (start, end) = try DateRange.parse(from: from, to: to)
        let days = MarketCalendar.days(parsed, from: start, to: end)
        if json {
            let rows: [[String: Any]] = days.map { d in
                ["date": "\(d)", "lunar": d.lunar.description, "weekday": d.weekday.chineseName, "ganzhi": d.sexagenary.description]
            }
            let data = try JSONSerialization.data(
                withJSONObject: ["rule": parsed.phrase, "days": rows], options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print("\(parsed.phrase)：\(start) 至 \(end) 共 \(days.count) 个集日")
            for d in days { print("\(d) \(d.weekday.chineseName) 农历\(d.lunar.monthAndDayName)") }
        }
    }
}

enum DateRange {
    /// Parses `--from` and `--to` (YYYY-MM-DD), at most ten years apart.
    static func parse(from: String, to: String) throws -> (CivilDay, CivilDay) {
        guard let start = CivilDay(iso8601: from) else { throw ValidationError("开始日期「\(from)」应写成 2026-10-01") }
        guard let end = CivilDay(iso8601: to) else { throw ValidationError("结束日期「\(to)」应写成 2026-10-31") }
        guard start <= end else { throw ValidationError("结束日期 \(end) 早于开始日期 \(start)，请对调") }
        guard start.days(to: end) <= 3660 else { throw ValidationError("日期范围太大（最多十年），请缩小 --from/--to") }
        return (start, end)
    }
}
