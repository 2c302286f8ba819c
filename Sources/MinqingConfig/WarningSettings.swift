import Foundation
import MinqingCore

extension WarningSettings {
    public static let file = "warnings.yaml"

    static func read(_ root: ConfigNode, directory: Directory?, targets: [String]) -> WarningSettings? {
        guard let m = root.mapping else { return nil }
        var settings = WarningSettings()
        if let r = m.optional("related")?.mapping {
            if let node = r.optional("window"), let v = node.duration {
                if v >= 3600 { settings.related.window = v } else { node.report("比较窗口至少 1h，如 30d") }
            }
            if let v = r.optional("min_score").flatMap(score) { settings.related.minScore = v }
            if let node = r.optional("max_links"), let v = node.int {
                if (1...100).contains(v) { settings.related.maxLinks = v } else { node.report("应在 1–100 之间") }
            }
            r.finish()
        }
        if let node = m.optional("update_interval"), let v = node.duration {
            if v <= 7 * 86_400 { settings.updateInterval = v } else { node.report("更新间隔最长 7d（如 1h、30m；0 表示每有新案件加入立即发送）") }
        }
        let defaultNotify = m.optional("notify").map { targetList($0, targets) } ?? []
        var names: Set<String> = []
        for item in m.optional("rules")?.items ?? [] {
            guard let rule = readRule(item, directory: directory, targets: targets, defaultNotify: defaultNotify) else { continue }
            if !names.insert(rule.name).inserted {
                item.report("规则名称「\(rule.name)」重复：每条预警规则须有自己的名称")
                continue
            }
            settings.rules.append(rule)
        }
        m.finish()
        return settings
    }

    /// A similarity threshold: a number from 0.05 to 1.
    private static func score(_ node: ConfigNode) -> Double? {
        guard let t = node.text else { return nil }
        do { return try Checked.double(t, field: "", in: 0.05...1) } catch {
            node.report("「\(Checked.excerptForMessage(t))」不是相似度：应为 0.05 到 1 之间的小数，如 0.3")
            return nil
        }
    }

    private static func targetList(_ node: ConfigNode, _ targets: [String]) -> [String] {
        let items = node.node.sequence != nil ? node.items : [node]
        return items.compactMap { n in
            guard let name = n.string else { return nil }
            guard targets.contains(name) else {
                n.report("未定义的通知目标「\(name)」（minqing.yaml 的 targets 中已定义：\(targets.joined(separator: ", "))）")
                return nil
            }
            return name
        }
    }

    static let kinds = ["similar_in_village", "category_in_township", "group_complaint"]

    private static func readRule(_ n: ConfigNode, directory: Directory?, targets: [String], defaultNotify: [String]) -> WarningRule? {
        guard let m = n.mapping else { return nil }
        let name = m.required("name", hint: "规则名称，显示在预警中，如 同村同类诉求集中")?.string
        let notify = m.optional("notify").map { targetList($0, targets) } ?? defaultNotify
        let present = kinds.filter(m.has)
        var kind: WarningRule.Kind?
        if present.count != 1 {
            n.report(present.isEmpty
                ? "请写一种规则：\(kinds.joined(separator: "、"))"
                : "一条规则只能写一种：\(present.joined(separator: "、")) 请分成几条规则")
        }
        if let node = m.optional("similar_in_village")?.mapping {
            let minCases = minimum(node, "min_cases", 2, hint: "如 3")
            let within = window(node)
            let minScore = node.optional("min_score").flatMap(score) ?? 0.2
            node.finish()
            if let minCases, let within { kind = .similarInVillage(minCases: minCases, within: within, minScore: minScore) }
        }
        if let node = m.optional("category_in_township")?.mapping {
            let category = node.required("category", hint: "directory.yaml 中的类别代码或名称，如 water")?.string.flatMap { text -> String? in
                guard let directory else { return text }
                if directory.category(text) != nil { return text }
                if let code = directory.vocabulary.category(text) { return code }
                node.optional("category")?.report("未定义的类别「\(text)」（可用：\(directory.categories.map(\.code).joined(separator: ", "))）")
                return nil
            }
            let minCases = minimum(node, "min_cases", 2, hint: "如 5")
            let within = window(node)
            node.finish()
            if let category, let minCases, let within { kind = .categoryInTownship(category: category, minCases: minCases, within: within) }
        }
        if let node = m.optional("group_complaint")?.mapping {
            let wordsNode = node.required("words", hint: "如 [集体, 联名, 上访]")
            let words = wordsNode?.strings ?? []
            if wordsNode != nil, words.isEmpty { wordsNode?.report("至少写一个词，如 [集体, 联名, 上访]") }
            let minPhones = minimum(node, "min_phones", 2, hint: "如 2")
            let within = window(node)
            let minScore = node.optional("min_score").flatMap(score) ?? 0.2
            node.finish()
            if !words.isEmpty, let minPhones, let within {
                kind = .groupComplaint(words: words, minPhones: minPhones, within: within, minScore: minScore)
            }
        }
        if notify.isEmpty, !m.has("notify") {
            n.report("请写 notify：预警发给哪些通知目标（可在文件顶层写默认的 notify）")
        }
        m.finish()
        guard let name, let kind, present.count == 1 else { return nil }
        return WarningRule(name: name, kind: kind, notify: notify)
    }

    private static func minimum(_ m: ConfigMapping, _ key: String, _ least: Int, hint: String) -> Int? {
        guard let node = m.required(key, hint: hint), let v = node.int else { return nil }
        guard (least...10_000).contains(v) else { node.report("应在 \(least)–10000 之间"); return nil }
        return v
    }

    private static func window(_ m: ConfigMapping) -> TimeInterval? {
        guard let node = m.required("within", hint: "时间窗口，如 24h、3d"), let v = node.duration else { return nil }
        guard (600...(90 * 86_400)).contains(v) else { node.report("时间窗口应在 10m–90d 之间，如 24h"); return nil }
        return v
    }
}
