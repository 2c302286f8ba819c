import Foundation
import MinqingCore
import MinqingRouting

/// Who is who: the office, county offices, people and their roles, villages with their 包村 cadres, categories,
/// markets (`directory.yaml`).
public struct Directory: Sendable {
    public enum Role: String, Sendable, CaseIterable, Hashable {
        case clerk, staff, leader
        /// 党政一把手
        case principalLeader = "principal_leader"
        case countyLiaison = "county_liaison"
    }

    public struct Office: Sendable, Hashable {
        public var code: String
        public var name: String
        public var level: CaseLevel
    }

    public struct Person: Sendable, Hashable {
        public var id: String
        public var name: String
        /// Other names people write for this person (孙书记, a former name); matched like the name.
        public var aliases: [String] = []
        public var title: String?
        public var office: String
        public var roles: [Role]
        public var phone: String?
        public var email: String?
        public var wecomID: String?
        public var dingtalkID: String?
    }

    public struct Village: Sendable, Hashable {
        public var code: String
        public var name: String
        public var aliases: [String]
        /// 包村干部 (person id).
        public var cadre: String
        /// 包村领导 (person id).
        public var leader: String
    }

    public struct Category: Sendable, Hashable {
        public var code: String
        public var name: String
        public var aliases: [String]
    }

    public struct Market: Sendable, Hashable {
        public var code: String
        public var name: String
        /// The market-day rule as the county table writes it (e.g. 农历逢三、六、九).
        public var rule: String
        public var place: String
        /// Codes of the villages the market serves.
        public var villages: [String]
    }

    public var office: Office
    public var offices: [Office]
    public var people: [Person]
    public var villages: [Village]
    public var categories: [Category]
    public var markets: [Market]

    public func person(_ id: String) -> Person? { people.first { $0.id == id } }
    public func village(_ code: String) -> Village? { villages.first { $0.code == code } }
    public func category(_ code: String) -> Category? { categories.first { $0.code == code } }

    /// Who is who, for conflict of interest: each person with their unit — a county office they work in, the
    /// villages they are 包村 for. The hub's own office is not a unit here: a complaint about the township as a
    /// whole still has to be registered and escalated by its clerks (docs/conflict-of-interest.md).
    public var peopleIndex: PeopleIndex {
        let units = offices.map { PeopleIndex.Unit(code: $0.code, name: $0.name) }
            + villages.map { PeopleIndex.Unit(code: $0.code, name: $0.name, aliases: $0.aliases) }
        return PeopleIndex(people: people.map { p in
            let served = villages.filter { $0.cadre == p.id || $0.leader == p.id }.map { PeopleIndex.Unit.key($0.code) }
            let office = p.office == self.office.code ? [] : [PeopleIndex.Unit.key(p.office)]
            return .init(id: p.id, name: p.name, aliases: p.aliases, phone: p.phone, email: p.email, units: office + served)
        }, units: units)
    }

    public var vocabulary: IntakeVocabulary {
        var v = IntakeVocabulary()
        for village in villages { v.addVillage(code: village.code, aliases: [village.name] + village.aliases) }
        for c in categories { v.addCategory(code: c.code, aliases: [c.name] + c.aliases) }
        return v
    }
}

extension Directory {
    static func read(_ root: ConfigNode) -> Directory? {
        guard let m = root.mapping else { return nil }
        let office = m.required("office").flatMap { readOffice($0, defaultLevel: .township) }
        let offices = (m.optional("offices")?.items ?? []).compactMap { readOffice($0, defaultLevel: .county) }
        let peopleNodes = m.required("people")?.items ?? []
        let people = peopleNodes.compactMap(readPerson)
        let villageNodes = m.required("villages")?.items ?? []
        let villages = villageNodes.compactMap(readVillage)
        let categories = (m.required("categories")?.items ?? []).compactMap(readCategory)
        let marketNodes = m.optional("markets")?.items ?? []
        let markets = marketNodes.compactMap(readMarket)
        m.finish()
        guard let office else { return nil }
        let directory = Directory(office: office, offices: offices, people: people, villages: villages,
                                  categories: categories, markets: markets)
        directory.checkReferences(peopleNodes: peopleNodes, villageNodes: villageNodes, marketNodes: marketNodes)
        return directory
    }

    /// Every id a record names must exist: `undefined person "x" used in villages[2].cadre`.
    private func checkReferences(peopleNodes: [ConfigNode], villageNodes: [ConfigNode], marketNodes: [ConfigNode]) {
        let officeCodes = Set([office.code] + offices.map(\.code))
        let personIDs = Set(people.map(\.id))
        let villageCodes = Set(villages.map(\.code))
        duplicates(people.map(\.id), nodes: peopleNodes, what: "人员 id")
        duplicates(villages.map(\.code), nodes: villageNodes, what: "村（社区）代码")
        for node in peopleNodes {
            guard let m = node.node.mapping else { continue }
            for (k, v) in m where k.scalar?.string == "office" {
                let code = v.scalar?.string ?? ""
                if !officeCodes.contains(code) {
                    node.child("office", v).report("未定义的单位「\(code)」（可用：\(officeCodes.sorted().joined(separator: ", "))）")
                }
            }
        }
        for node in villageNodes {
            guard let m = node.node.mapping else { continue }
            for (k, v) in m where ["cadre", "leader"].contains(k.scalar?.string ?? "") {
                let id = v.scalar?.string ?? ""
                if !personIDs.contains(id) {
                    node.child(k.scalar!.string, v).report("未定义的人员「\(id)」：请先在 people 中登记此人")
                }
            }
        }
        for node in marketNodes {
            guard let m = node.node.mapping else { continue }
            for (k, v) in m where k.scalar?.string == "villages" {
                for (i, item) in (v.sequence.map(Array.init) ?? []).enumerated() {
                    let code = item.scalar?.string ?? ""
                    if !villageCodes.contains(code) {
                        ConfigNode(file: node.file, path: "\(node.path).villages[\(i)]", node: item, diagnostics: node.diagnostics)
                            .report("未定义的村（社区）「\(code)」")
                    }
                }
            }
        }
    }

    private func duplicates(_ keys: [String], nodes: [ConfigNode], what: String) {
        var seen: Set<String> = []
        for (key, node) in zip(keys, nodes) where !seen.insert(key).inserted {
            node.report("\(what)「\(key)」重复")
        }
    }

    private static func readOffice(_ n: ConfigNode, defaultLevel: CaseLevel) -> Office? {
        guard let m = n.mapping else { return nil }
        let code = m.required("code")?.string
        let name = m.required("name")?.string
        let level = m.optional("level")?.oneOf(CaseLevel.self) ?? defaultLevel
        m.finish()
        guard let code, let name else { return nil }
        return Office(code: code, name: name, level: level)
    }

    private static func readPerson(_ n: ConfigNode) -> Person? {
        guard let m = n.mapping else { return nil }
        let id = m.required("id")?.string
        let name = m.required("name")?.string
        let aliases = m.optional("aliases")?.strings ?? []
        let title = m.optional("title")?.string
        let office = m.required("office")?.string
        let roleNodes = m.required("roles")?.items ?? []
        let roles = roleNodes.compactMap { $0.oneOf(Role.self) }
        let phoneNode = m.optional("phone")
        let phone = phoneNode?.string
        if let phone, PhoneNumber.kind(of: phone) == nil { phoneNode?.report("「\(phone)」不是有效的手机或座机号码") }
        let emailNode = m.optional("email")
        let email = emailNode?.string
        if let email, !email.contains("@") { emailNode?.report("「\(email)」不是电子邮件地址") }
        let wecom = m.optional("wecom_id")?.string
        let dingtalk = m.optional("dingtalk_id")?.string
        m.finish()
        guard let id, let name, let office else { return nil }
        return Person(id: id, name: name, aliases: aliases, title: title, office: office, roles: roles, phone: phone,
                      email: email, wecomID: wecom, dingtalkID: dingtalk)
    }

    private static func readVillage(_ n: ConfigNode) -> Village? {
        guard let m = n.mapping else { return nil }
        let code = m.required("code")?.string
        let name = m.required("name")?.string
        let aliases = m.optional("aliases")?.strings ?? []
        let cadre = m.required("cadre", hint: "包村干部的人员 id")?.string
        let leader = m.required("leader", hint: "包村领导的人员 id")?.string
        m.finish()
        guard let code, let name, let cadre, let leader else { return nil }
        return Village(code: code, name: name, aliases: aliases, cadre: cadre, leader: leader)
    }

    private static func readCategory(_ n: ConfigNode) -> Category? {
        guard let m = n.mapping else { return nil }
        let code = m.required("code")?.string
        let name = m.required("name")?.string
        let aliases = m.optional("aliases")?.strings ?? []
        m.finish()
        guard let code, let name else { return nil }
        return Category(code: code, name: name, aliases: aliases)
    }

    private static func readMarket(_ n: ConfigNode) -> Market? {
        guard let m = n.mapping else { return nil }
        let code = m.required("code")?.string
        let name = m.required("name")?.string
        let ruleNode = m.required("rule", hint: "如 农历逢三、六、九")
        let rule = ruleNode?.string
        if let rule {
            do { _ = try MarketRule(phrase: rule) } catch { ruleNode?.report(error.description) }
        }
        let place = m.required("place")?.string
        let villages = m.optional("villages")?.strings ?? []
        m.finish()
        guard let code, let name, let rule, let place else { return nil }
        return Market(code: code, name: name, rule: rule, place: place, villages: villages)
    }
}
