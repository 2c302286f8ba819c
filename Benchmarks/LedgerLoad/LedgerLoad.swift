// Fills a hub's ledger with N realistic cases for the ledger-size benchmark (Benchmarks/ledger-size.sh): through the
// store's real ingest path (`CaseLedger.ingest`, the one intake uses) in large batches, the office's villages and
// categories varied, Chinese text from a few hundred phrases, registration spread over `--days` days before
// `--end`. A small share is accepted or assigned afterwards, so status filters have something to select.
//
// Usage: minqing-ledger-load --config Config/example --data DIR --count 100000 [--batch 500] [--days 90] [--routing]
// (PostgreSQL when MINQING_DATABASE_URL is set, as for `minqing serve`). No notifications are planned and no
// early warnings computed, and cases are routed only with --routing: the ledger, not the outbox or the routing, is
// what is measured. Prints a cursor half-way down the list.
import Foundation
import MinqingApp
import MinqingConfig
import MinqingCore
import MinqingStore

struct Options {
    var config = "Config/example"
    var data = ""
    var count = 10_000
    /// Cases per intake batch; nil: 500, or fewer for a small ledger so that registration times spread over at
    /// least 200 batches.
    var batch: Int?
    var days = 90
    var routing = false
    var end = Date()

    init(_ args: [String]) {
        var i = 1
        func value() -> String {
            i += 1
            guard i < args.count else { FileHandle.standardError.write(Data("\(args[i - 1]) 缺少取值\n".utf8)); exit(2) }
            return args[i]
        }
        while i < args.count {
            switch args[i] {
            case "--config": config = value()
            case "--data": data = value()
            case "--count": count = Int(value()) ?? count
            case "--batch": batch = Int(value()).map { max(1, $0) }
            case "--days": days = max(1, Int(value()) ?? days)
            case "--routing": routing = true
            default:
                FileHandle.standardError.write(Data("未知参数 \(args[i])（可用：--config --data --count --batch --days --routing）\n".utf8))
                exit(2)
            }
            i += 1
        }
        if data.isEmpty { FileHandle.standardError.write(Data("需要 --data 目录\n".utf8)); exit(2) }
    }
}

/// A deterministic generator (the same ledger for the same count).
struct Rand {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func int(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    mutating func pick<T>(_ xs: [T]) -> T { xs[int(xs.count)] }
}

/// Subjects and body phrases by category; "路灯" never occurs (the benchmark's search that matches nothing).
let topics: [(category: String, subjects: [String], phrases: [String])] = [
    ("environment", ["垃圾清运", "垃圾焚烧污染", "噪音扰民", "河道污染", "养殖场臭味"],
     ["村口垃圾堆积多日无人清运，气味难闻", "有人在田边焚烧垃圾，浓烟很大", "工地晚上十点以后还在施工", "河道里漂满了生活垃圾",
      "养猪场的污水直接排到水沟里", "垃圾桶满了没人清理", "夏天蚊蝇很多，影响村民生活"]),
    ("subsistence", ["低保申请", "五保供养", "临时救助"],
     ["家里老人常年卧病，申请低保两个月没有答复", "低保名单公示里有人条件不符", "孤寡老人无人照顾，请求五保供养",
      "遭遇火灾后生活困难，申请临时救助"]),
    ("land", ["宅基地纠纷", "土地承包", "山林权属"],
     ["邻居建房占用我家宅基地，村里调解未果", "土地承包合同到期后村里不肯续签", "山林界址不清，两家人经常发生争执",
      "宅基地纠纷拖了一年多还没有处理"]),
    ("wages", ["拖欠工资", "劳动纠纷"],
     ["老板拖欠农民工工资三个月", "工地受伤后包工头不给赔偿", "合同到期公司不发最后一个月工资"]),
    ("roads", ["道路损坏", "桥梁安全", "公交停运"],
     ["通往镇上的水泥路塌了一段，雨天无法通行", "村里的小桥护栏断了，孩子上学很危险", "客运班车停了，老人进城看病不方便",
      "大货车把村道压坏了"]),
    ("water", ["饮水安全", "灌溉用水", "防汛隐患"],
     ["自来水发黄有异味", "水渠堵塞，稻田灌不上水", "山塘大坝有渗水，担心汛期垮坝", "停水三天了没人通知"]),
    ("public-order", ["邻里纠纷", "治安问题"],
     ["邻居家的狗经常咬人", "晚上有人在村里偷电动车", "两家因为排水沟的事情吵架打架"]),
    ("demolition", ["拆迁补偿", "征地补偿"],
     ["征地补偿款迟迟没有到位", "拆迁评估价格明显偏低", "安置房交房时间一拖再拖"]),
]
let villageNames = ["青山村", "河西村", "柳塘村", "石门村", "枫林村", "大坪村", "龙泉村", "新街社区", "茶园村"]
let surnames = ["张", "王", "李", "刘", "陈", "杨", "黄", "赵", "周", "吴"]
let given = ["秀英", "建国", "桂兰", "志强", "丽", "伟", "红梅", "海涛", "敏", "军"]
let channels: [Channel] = [.webform, .webform, .webform, .hotline, .hotline, .mailbox, .visit]

func message(_ i: Int, _ r: inout Rand) -> InboundMessage {
    let topic = r.pick(topics)
    let village = r.pick(villageNames)
    var body = "\(village)\(r.int(12) + 1)组村民反映：\(r.pick(topic.phrases))。"
    if r.int(2) == 0 { body += "\(r.pick(topic.phrases))，" + "已经\(r.int(20) + 2)天了。" }
    body += r.pick(["请尽快处理。", "希望政府重视。", "多次反映没有结果，请领导过问。", "谢谢！"])
    return InboundMessage(
        channel: r.pick(channels), sourceRef: "load-\(i)",
        complainant: Complainant(name: r.pick(surnames) + r.pick(given), phone: "13\(r.int(10))\(String(format: "%08d", r.int(100_000_000)))"),
        village: village, category: topic.category, subject: r.pick(topic.subjects), body: body,
        raw: Data("{\"source_ref\":\"load-\(i)\"}".utf8), rawContentType: "application/json")
}

@main
struct LedgerLoad {
    /// A configuration or store error is printed as the hub prints it, with exit status 1 (a thrown error at the
    /// top level would end in a crash report).
    static func main() async {
        do {
            try await load(Options(CommandLine.arguments))
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            exit(1)
        }
    }

    static func load(_ options: Options) async throws {
        var config = try ConfigLoader.load(from: URL(fileURLWithPath: options.config), needsSecrets: false)
        config.warnings = nil
        // Without `--routing` cases are filed with the office's vocabulary but not routed: the routing tree's
        // market-day matching is most of in-process intake time (BENCHMARKS.md), and a ledger of a million cases
        // would take twenty minutes to fill. Leader and staff then come from the assignments below.
        if !options.routing { config.routing = nil }
        let store = try await HubAssembly.openStore(
            config, dataDirectory: URL(fileURLWithPath: options.data), planner: ClosurePlanner { _ in [] })
        let span = Double(options.days) * 86_400
        let start = options.end.addingTimeInterval(-span)
        var r = Rand(state: 2026)
        let clock = ContinuousClock()
        let began = clock.now
        var done = 0
        var ids: [CaseID] = []
        let batch = options.batch ?? max(1, min(500, options.count / 200))
        while done < options.count {
            let n = min(batch, options.count - done)
            let messages = (0..<n).map { message(done + $0, &r) }
            // Registration times rise evenly from `start` to `end`, one batch at a time.
            let at = start.addingTimeInterval(span * Double(done) / Double(options.count))
            for result in try await store.ingest(messages, at: at) {
                let receipt = try result.get()
                if ids.count < 1_000_000, receipt.created, r.int(50) == 0 { ids.append(receipt.caseID) }
            }
            done += n
            if done % 50_000 < batch {
                let seconds = Double((clock.now - began).components.seconds)
                FileHandle.standardError.write(Data("已写入 \(done) 件（\(Int(Double(done) / max(seconds, 1))) 件/秒）\n".utf8))
            }
        }
        let ingestSeconds = (clock.now - began) / .seconds(1)
        FileHandle.standardError.write(Data("intake: \(options.count) cases in \(String(format: "%.1f", ingestSeconds)) s (\(Int(Double(options.count) / ingestSeconds))/s)\n".utf8))
        // Some cases move on, so the status filters select a small share.
        for (k, id) in ids.enumerated() {
            let at = options.end
            _ = try await store.apply(.accept(note: nil), to: id, actor: "王丽", expectedVersion: nil, at: at)
            if k % 2 == 0 {
                _ = try await store.apply(
                    .assign(Assignment(leader: "sun-wei", staff: "chen-zhiqiang", deadline: at.addingTimeInterval(15 * 86_400))),
                    to: id, actor: "王丽", expectedVersion: nil, at: at)
            }
        }
        let seconds = (clock.now - began) / .seconds(1)
        var middle = CaseQuery()
        middle.registeredTo = start.addingTimeInterval(span / 2)
        middle.limit = 1
        let deep = try await store.searchCases(middle).items.first.map(CaseCursor.init(after:))?.encoded ?? ""
        print("loaded \(options.count) cases in \(String(format: "%.1f", seconds)) s (\(Int(Double(options.count) / seconds))/s); accepted \(ids.count)")
        print("deep_cursor=\(deep)")
    }
}
