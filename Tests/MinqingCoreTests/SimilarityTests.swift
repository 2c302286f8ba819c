import Foundation
import MinqingCore
import Testing

/// Realistic complaints (fixtures): the same water cut in 青山村 written by four villagers, and unrelated matters.
enum Complaints {
    static let waterCut = [
        "青山村三组从昨天早上开始停水，到现在还没有来水，家里老人孩子没水喝，请尽快恢复供水。",
        "我是青山村三组村民，我们组从昨天早上停水到现在，一直没来水，请尽快恢复供水。",
        "反映青山村三组停水问题：从昨天早上开始没有来水，生活用水困难，希望尽快恢复供水。",
        "青山村三组停水一天多了，从昨天早上到现在没来水，老人孩子没水喝，麻烦尽快恢复供水。",
    ]
    static let unrelated = [
        "龙泉村村口的路灯不亮好几天了，晚上一片漆黑，出行很不安全，请派人维修。",
        "石桥村一家工厂晚上机器噪音很大，吵得村民睡不着觉，噪音扰民请有关部门管一管。",
        "桃源村垃圾清运不及时，垃圾桶满了好几天没人拉走，气味很大，影响环境卫生。",
        "河西村王某拖欠我们十几个人的工资已经三个月，多次讨要无果，请帮忙追讨。",
        "新街社区商铺占道经营，人行道被堵死，老人小孩只能走机动车道，很危险。",
    ]
    static var all: [String] { waterCut + unrelated }
    /// The first water-cut report as a Hong Kong or Taiwan relative would write it.
    static let waterCutTraditional = "青山村三組從昨天早上開始停水，到現在還沒有來水，家裡老人孩子沒水喝，請盡快恢復供水。"
}

@Suite("Text similarity (MinHash over character bigrams)")
struct SimilarityTests {
    func score(_ a: String, _ b: String) -> Double {
        MinHashSignature(text: a).similarity(to: MinHashSignature(text: b))
    }

    @Test("a text is more similar to itself than to any other text", arguments: Complaints.all)
    func selfIsMostSimilar(_ text: String) {
        #expect(score(text, text) == 1)
        for other in Complaints.all where other != text { #expect(score(text, other) < 1, "\(other)") }
    }

    @Test("the score is symmetric and lies in 0…1")
    func symmetricAndBounded() {
        for a in Complaints.all {
            for b in Complaints.all {
                let s = score(a, b)
                #expect(s >= 0 && s <= 1)
                #expect(s == score(b, a))
            }
        }
    }

    @Test("traditional and simplified versions of one complaint score as the same text")
    func traditionalFoldsToSimplified() {
        #expect(ScriptFolding.simplified("繁體中文，請盡快恢復供水") == "繁体中文，请尽快恢复供水")
        #expect(score(Complaints.waterCutTraditional, Complaints.waterCut[0]) >= 0.95)
    }

    @Test("full-width letters and digits, punctuation, spaces and phone numbers do not change the score")
    func normalisation() {
        let plain = "青山村3组停水，ABC小区也停水，请联系13812345678"
        let noisy = "青山村３组 停水！！ＡＢＣ小区也停水……请联系 139 8765 4321"
        #expect(score(plain, noisy) >= 0.95)
        #expect(SimilarityText.normalised("Ａ１ ２！") == Array("a12".unicodeScalars))
    }

    @Test("reports of the same water cut are similar; unrelated complaints score low")
    func sameMatterVersusUnrelated() {
        for (i, a) in Complaints.waterCut.enumerated() {
            for b in Complaints.waterCut[(i + 1)...] { #expect(score(a, b) >= 0.25, "\(a) ~ \(b)") }
            for u in Complaints.unrelated { #expect(score(a, u) < 0.1, "\(a) ≁ \(u)") }
        }
        for (i, a) in Complaints.unrelated.enumerated() {
            for b in Complaints.unrelated[(i + 1)...] { #expect(score(a, b) < 0.1, "\(a) ≁ \(b)") }
        }
    }

    @Test("signatures are deterministic: the same text gives the same values in every process, and bytes round-trip")
    func deterministic() {
        let s = MinHashSignature(text: Complaints.waterCut[0])
        #expect(s.values.count == MinHashSignature.slots)
        #expect(MinHashSignature(bytes: s.bytes) == s)
        // Pinned: changing seeds or hashing would silently break every stored signature.
        #expect(Array(s.values.prefix(4)) == SimilarityTests.pinned)
    }
    static let pinned: [UInt16] = [2022, 1942, 1381, 902]

    @Test("an empty or punctuation-only text has no signature and resembles nothing")
    func emptyText() {
        let empty = MinHashSignature(text: "。，！ ？")
        #expect(empty.isEmpty)
        #expect(empty.similarity(to: empty) == 0)
        #expect(LSHBands.keys(empty).isEmpty)
        #expect(MinHashSignature(bytes: [1, 2, 3]).isEmpty)
    }

    @Test("identical texts share every LSH band; the same water cut shares at least one; unrelated texts rarely any")
    func lshBands() {
        let keys = Complaints.all.map { Set(LSHBands.keys(MinHashSignature(text: $0))) }
        #expect(keys[0].count == LSHBands.bands)
        #expect(Set(LSHBands.keys(MinHashSignature(text: Complaints.waterCut[0]))) == keys[0])
        for i in 1..<Complaints.waterCut.count { #expect(!keys[0].isDisjoint(with: keys[i]), "water cut \(i)") }
        var shared = 0
        for i in Complaints.waterCut.count..<keys.count where !keys[0].isDisjoint(with: keys[i]) { shared += 1 }
        #expect(shared <= 1)
    }

    @Test("a very long text costs bounded work: only the first 2,000 characters count")
    func longTextIsBounded() {
        let long = String(repeating: "停水", count: 100_000) + "路灯不亮"
        #expect(SimilarityText.normalised(long).count == SimilarityText.maxScalars)
        #expect(!MinHashSignature(text: long).isEmpty)
    }
}

@Suite("Case fingerprints")
struct CaseFingerprintTests {
    @Test("masked or malformed phones and invalid ID numbers are not identities")
    func maskedFormsAreNotCompared() {
        #expect(CaseFingerprint.wholePhone("138****1234") == nil)
        #expect(CaseFingerprint.wholePhone("12345") == nil)
        #expect(CaseFingerprint.wholePhone("+86 138-1234-5678") == "13812345678")
        #expect(CaseFingerprint.wholeID("110105********002X") == nil)
        #expect(CaseFingerprint.wholeID("11010519491231002x") == "11010519491231002X")
    }

    @Test("a 联名 letter brings the phones written in it, full-width digits included")
    func phonesInText() {
        var r = CaseRecord(id: CaseID("MQ-20261122-0001")!, channel: .mailbox, sourceRef: "m1", receivedAt: .now, registeredAt: .now,
                           complainant: Complainant(phone: "13800000001"), subject: "联名信",
                           body: "联名人：张三 13800000002，李四 １３８０００００００３，王五 13800000001")
        r.village = "qingshan"
        let fp = CaseFingerprint(record: r, signature: MinHashSignature(text: r.body), groupWords: ["联名", "集體"])
        #expect(fp.phones == ["13800000001", "13800000002", "13800000003"])
        #expect(fp.hasGroupWords)
        let other = CaseFingerprint(record: r, signature: fp.signature, groupWords: ["上访"])
        #expect(!other.hasGroupWords)
    }
}
