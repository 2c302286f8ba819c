import Foundation
import MinqingCore
import Testing

@Suite("Early-warning rules and related-case links (pure)")
struct WarningEvaluatorTests {
    static let start = Date(iso: "2026-11-22T09:30:00+08:00")
    static let villageRule = WarningRule(name: "同村同类诉求集中", kind: .similarInVillage(minCases: 3, within: 24 * 3600, minScore: 0.2), notify: ["leaders"])
    static let categoryRule = WarningRule(name: "全镇水利问题集中", kind: .categoryInTownship(category: "water", minCases: 3, within: 24 * 3600), notify: ["leaders"])
    static let groupRule = WarningRule(name: "群体性诉求苗头", kind: .groupComplaint(words: ["联名"], minPhones: 2, within: 72 * 3600, minScore: 0.2), notify: ["leaders"])

    func fp(_ n: Int, _ text: String, hours: Double, village: String? = "qingshan", category: String? = "water",
            phone: String? = nil, group: Bool = false) -> CaseFingerprint {
        CaseFingerprint(caseID: CaseID("MQ-20261122-\(String(format: "%04d", n))")!, registeredAt: Self.start.addingTimeInterval(hours * 3600),
                        village: village, category: category, phone: phone, phones: phone.map { [$0] } ?? [], hasGroupWords: group,
                        signature: MinHashSignature(text: text))
    }

    @Test("three similar cases from one village within 24 h raise one warning; two do not")
    func villageClusterRaisesOnce() {
        let w = Complaints.waterCut
        let a = fp(1, w[0], hours: 0), b = fp(2, w[1], hours: 2), c = fp(3, w[2], hours: 5)
        #expect(WarningEvaluator.evaluate(new: b, neighbours: [a], active: [], rules: [Self.villageRule]).isEmpty)
        let decisions = WarningEvaluator.evaluate(new: c, neighbours: [a, b], active: [], rules: [Self.villageRule])
        #expect(decisions == [.raise(rule: Self.villageRule.name, scope: "qingshan", members: [a.caseID, b.caseID, c.caseID])])
    }

    @Test("a fourth similar case grows the existing warning instead of raising another")
    func grownClusterUpdates() {
        let w = Complaints.waterCut
        let a = fp(1, w[0], hours: 0), b = fp(2, w[1], hours: 2), c = fp(3, w[2], hours: 5), d = fp(4, w[3], hours: 8)
        let active = ActiveWarning(id: "w1", rule: Self.villageRule.name, scope: "qingshan", members: [a.caseID, b.caseID, c.caseID], lastCaseAt: c.registeredAt)
        #expect(WarningEvaluator.evaluate(new: d, neighbours: [a, b, c], active: [active], rules: [Self.villageRule])
            == [.grow(warningID: "w1", rule: Self.villageRule.name, added: d.caseID)])
    }

    @Test("cases outside the window, from another village or about another matter do not count")
    func windowVillageAndMatter() {
        let w = Complaints.waterCut
        let old = fp(1, w[0], hours: -30), elsewhere = fp(2, w[1], hours: 1, village: "hexi")
        let unrelated = fp(3, Complaints.unrelated[0], hours: 2), new = fp(4, w[2], hours: 3)
        #expect(WarningEvaluator.evaluate(new: new, neighbours: [old, elsewhere, unrelated], active: [], rules: [Self.villageRule]).isEmpty)
        // A warning whose newest case is older than the window does not grow: a new cluster starts.
        let stale = ActiveWarning(id: "w0", rule: Self.villageRule.name, scope: "qingshan", members: [old.caseID], lastCaseAt: old.registeredAt)
        let near = [fp(5, w[0], hours: 1), fp(6, w[1], hours: 2)]
        guard case .raise? = WarningEvaluator.evaluate(new: new, neighbours: near + [old], active: [stale], rules: [Self.villageRule]).first else {
            Issue.record("expected a new warning"); return
        }
    }

    @Test("N cases of one category in the township within T raise a warning whatever their text")
    func categoryInTownship() {
        let cases = [fp(1, Complaints.waterCut[0], hours: 0, village: "hexi"), fp(2, "灌溉渠堵塞", hours: 1, village: "longquan")]
        let new = fp(3, "防汛物资不足", hours: 2, village: "qingshan")
        #expect(WarningEvaluator.evaluate(new: new, neighbours: cases, active: [], rules: [Self.categoryRule])
            == [.raise(rule: Self.categoryRule.name, scope: "water", members: cases.map(\.caseID) + [new.caseID])])
        let roads = fp(4, "路灯不亮", hours: 2, category: "roads")
        #expect(WarningEvaluator.evaluate(new: roads, neighbours: cases, active: [], rules: [Self.categoryRule]).isEmpty)
    }

    @Test("a group-complaint word counts only with similar cases from several phones")
    func groupComplaint() {
        let text = "反映青山村三组停水问题：从昨天早上开始没有来水，生活用水困难，我们多户村民联名希望尽快恢复供水。"
        let alone = fp(1, text, hours: 0, phone: "13800000001", group: true)
        #expect(WarningEvaluator.evaluate(new: alone, neighbours: [], active: [], rules: [Self.groupRule]).isEmpty)
        let samePhone = fp(2, Complaints.waterCut[2], hours: -1, phone: "13800000001")
        #expect(WarningEvaluator.evaluate(new: alone, neighbours: [samePhone], active: [], rules: [Self.groupRule]).isEmpty)
        let other = fp(3, Complaints.waterCut[2], hours: -1, phone: "13900000002")
        #expect(WarningEvaluator.evaluate(new: alone, neighbours: [other], active: [], rules: [Self.groupRule]).count == 1)
        let noWords = fp(4, text, hours: 2, phone: "13700000003")
        #expect(WarningEvaluator.evaluate(new: noWords, neighbours: [other], active: [], rules: [Self.groupRule]).isEmpty)
    }

    @Test("related links: ID number before phone before text; masked numbers and old cases are not linked")
    func relatedLinks() {
        var new = fp(10, Complaints.waterCut[0], hours: 0, phone: "13800000001")
        new.idNumber = "11010519491231002X"
        var sameID = fp(1, Complaints.unrelated[0], hours: -3)
        sameID.idNumber = "11010519491231002X"
        let samePhone = fp(2, Complaints.unrelated[1], hours: -2, phone: "13800000001")
        let similar = fp(3, Complaints.waterCut[1], hours: -1)
        let unrelated = fp(4, Complaints.unrelated[2], hours: -1)
        let tooOld = fp(5, Complaints.waterCut[0], hours: -24 * 31)
        let links = RelatedCases.links(for: new, among: [unrelated, similar, samePhone, sameID, tooOld], settings: RelatedSettings())
        #expect(links.map(\.reason) == [.sameIDNumber, .samePhone, .similarText])
        #expect(links.map(\.caseID) == [sameID.caseID, samePhone.caseID, similar.caseID])
        #expect(links.allSatisfy { (0...1).contains($0.score) })
        #expect(RelatedCases.links(for: new, among: [similar], settings: RelatedSettings(maxLinks: 0)).isEmpty)
    }
}
