import Foundation

/// A realistic Asterisk `cdr-csv/Master.csv` (16 fixed columns + uniqueid, userfield), generated from a seed:
/// answered / no answer / busy / failed calls from a few hundred numbers over working days, Chinese userfield notes
/// with quoted commas and `""` escapes, empty answer fields for unanswered calls, and a few broken rows.
public struct MasterCSVFixture: Sendable {
    public struct Call: Sendable, Hashable {
        public var line: Int
        public var uniqueID: String
        public var phone: String
        public var start: Date
        public var disposition: String
        public var notes: String?
        /// True for a row written broken on purpose (bad start time in column 10).
        public var broken: Bool
    }

    public var calls: [Call]
    public var lines: [String]

    /// The file's text for lines `range` (1-based, inclusive ends handled by the caller).
    public func text(_ range: Range<Int>) -> String { lines[range].map { $0 + "\n" }.joined() }

    static let notes = [
        "反映村道塌陷，雨天无法通行，请求尽快修复，已告知转村委",
        "咨询低保申请材料，已解答：户口本、身份证、收入证明",
        "投诉邻居养猪污染，气味大，\"\"希望尽快处理\"\"",
        "反映工地拖欠工资3个月，涉及工人12人，要求协调",
        "宅基地边界纠纷，双方争执，请派人现场核实",
        "路灯不亮,青山村五组,共3盏",
        "反映河道垃圾堆积，夏天有蚊虫",
        "询问新农合缴费时间，已告知",
    ]

    /// `count` lines from `phones` numbers, starting Monday 2026-11-16 08:30 Shanghai, every `brokenEvery`-th line broken.
    public static func generate(count: Int, phones: Int, seed: UInt64, brokenEvery: Int = 997,
                                start: Date = Date(iso: "2026-11-16T08:30:00+08:00")) -> MasterCSVFixture {
        var rng = SplitMix(seed: seed)
        var calls: [Call] = []
        var lines: [String] = []
        var t = start
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "Asia/Shanghai")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        for i in 1...count {
            t += Double(20 + rng.next() % 100)
            let phone = "13\(String(format: "%09d", 700_000 + Int(rng.next() % UInt64(phones)) * 37))"
            let roll = rng.next() % 100
            let disposition = roll < 55 ? "ANSWERED" : roll < 85 ? "NO ANSWER" : roll < 95 ? "BUSY" : "FAILED"
            let answered = disposition == "ANSWERED"
            let notes: String? = answered && rng.next() % 3 != 0 ? Self.notes[Int(rng.next() % UInt64(Self.notes.count))] : nil
            let ring = Int(rng.next() % 20)
            let talk = answered ? Int(30 + rng.next() % 400) : 0
            let broken = i % brokenEvery == 0
            let startText = broken ? "2026-13-45 99:00:00" : formatter.string(from: t)
            let answerText = answered ? formatter.string(from: t + Double(ring)) : ""
            let endText = formatter.string(from: t + Double(ring + talk))
            let agent = "80\(String(format: "%02d", Int(rng.next() % 4) + 1))"
            let uniqueID = "\(Int(t.timeIntervalSince1970)).\(i)"
            let name = ["张秀英", "李建华", "王德福", "赵春梅"][Int(rng.next() % 4)]
            let fields: [String] = [
                q(""), q(phone), q("88886666"), q("hotline-in"), q("\"\(name)\" <\(phone)>"),
                q("SIP/trunk-\(String(format: "%08x", i))"), q(answered ? "SIP/\(agent)-\(String(format: "%08x", i + 1))" : ""),
                q(answered ? "Dial" : "Queue"), q(answered ? "SIP/\(agent),30,tT" : "hotline,t,,,30"),
                q(startText), q(answerText), q(endText), "\(ring + talk)", "\(talk)", q(disposition), q("DOCUMENTATION"),
                q(uniqueID), q(notes.map { $0.replacingOccurrences(of: "\"\"", with: "\"") } ?? ""),
            ]
            lines.append(fields.joined(separator: ","))
            calls.append(Call(line: i, uniqueID: uniqueID, phone: phone, start: t, disposition: disposition,
                              notes: notes.map { $0.replacingOccurrences(of: "\"\"", with: "\"") }, broken: broken))
        }
        return MasterCSVFixture(calls: calls, lines: lines)
    }

    /// Asterisk's quoting: every string in double quotes, `"` doubled.
    static func q(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    /// What the hotline must make of the calls (an independent model of the rules, for tests): cases from
    /// answered calls with notes, call-back cases, folds and closes, with `window` seconds of folding.
    public func expected(window: TimeInterval = 24 * 3600) -> (notesCases: Int, callbacks: Int, folded: Int, closed: Int, stillOpen: Int) {
        var open: [String: [Date]] = [:]
        var notes = 0, callbacks = 0, folded = 0, closed = 0
        for c in calls where !c.broken {
            if c.disposition == "ANSWERED" {
                if c.notes != nil { notes += 1 }
                let settled = open[c.phone, default: []].filter { $0 <= c.start }
                closed += settled.count
                open[c.phone] = open[c.phone, default: []].filter { $0 > c.start }
            } else if let first = open[c.phone, default: []].filter({ c.start.timeIntervalSince($0) <= window && c.start >= $0 }).max() {
                _ = first
                folded += 1
            } else {
                callbacks += 1
                open[c.phone, default: []].append(c.start)
            }
        }
        return (notes, callbacks, folded, closed, open.values.reduce(0) { $0 + $1.count })
    }
}

/// A small deterministic generator (SplitMix64), so fixtures and generated inputs are the same on every machine.
public struct SplitMix: RandomNumberGenerator, Sendable {
    var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
