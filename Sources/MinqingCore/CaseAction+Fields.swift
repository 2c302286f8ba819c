import Foundation

/// A field value of an action as it arrives from the API or the CLI: text, or a list of texts.
public enum ActionField: Sendable, Hashable, Codable {
    case text(String)
    case list([String])

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let s = try? c.decode(String.self) { self = .text(s); return }
        if let l = try? c.decode([String].self) { self = .list(l); return }
        if let n = try? c.decode(Double.self) { self = .text(n.rounded() == n ? String(Int(n)) : String(n)); return }
        if let b = try? c.decode(Bool.self) { self = .text(String(b)); return }
        throw DecodingError.dataCorruptedError(in: c, debugDescription: "应为文字或文字列表")
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .text(let s): try c.encode(s)
        case .list(let l): try c.encode(l)
        }
    }
}

extension CaseAction.Kind {
    /// The fields each action takes; `required` must be present.
    public var fields: (required: [String], optional: [String]) {
        switch self {
        case .accept: ([], ["note"])
        case .reject: (["reason"], [])
        case .refer: (["to", "reason"], [])
        case .assign: (["leader", "staff", "deadline"], [])
        case .reassign: (["leader", "staff", "deadline", "reason"], [])
        case .start: ([], [])
        case .extend: (["until", "reason", "approver"], [])
        case .note: (["text"], [])
        case .classify: ([], ["village", "category", "priority", "severity", "level", "concerns", "no_messages"])
        case .escalate: (["to", "reason"], [])
        case .acknowledge: (["by"], ["note"])
        case .returnToTownship: (["reason"], [])
        case .reply: (["outcome", "text"], [])
        case .followUp: (["satisfaction"], ["note"])
        case .close: ([], ["note"])
        case .reopen: (["reason"], [])
        case .merge: (["into"], ["reason"])
        }
    }
}

extension CaseAction {
    /// Builds an action from loosely typed fields (API body, CLI `key=value`), naming the field at fault.
    ///
    /// Field names in errors are prefixed with `fieldPrefix` (e.g. `fields.deadline`). Unknown fields are errors,
    /// so a typo never silently drops a value. Times without an offset are read in `timeZone`.
    public init(
        kind: Kind, fields: [String: ActionField], fieldPrefix: String = "fields.", timeZone: TimeZone = HubTime.shanghai
    ) throws(TransitionError) {
        let spec = kind.fields
        let known = Set(spec.required + spec.optional)
        if let unknown = fields.keys.sorted().first(where: { !known.contains($0) }) {
            let hint = known.isEmpty ? "该操作不需要任何字段" : "可用字段：\(known.sorted().joined(separator: ", "))"
            throw .invalid(fieldPrefix + unknown, "「\(kind.displayName)」不认识这个字段（\(hint)）")
        }
        for name in spec.required where fields[name] == nil {
            throw .invalid(fieldPrefix + name, "「\(kind.displayName)」必须填写此字段")
        }
        let f = FieldReader(fields: fields, prefix: fieldPrefix, timeZone: timeZone)
        switch kind {
        case .accept: self = .accept(note: try f.optionalText("note"))
        case .reject: self = .reject(reason: try f.text("reason"))
        case .refer: self = .refer(to: try f.text("to"), reason: try f.text("reason"))
        case .assign: self = .assign(try f.assignment())
        case .reassign: self = .reassign(try f.assignment(), reason: try f.text("reason"))
        case .start: self = .start
        case .extend:
            self = .extend(until: try f.date("until"), reason: try f.text("reason"), approver: try f.text("approver"))
        case .note: self = .note(text: try f.text("text"))
        case .classify:
            self = .classify(Classification(
                village: try f.optionalText("village"), category: try f.optionalText("category"),
                priority: try f.optionalEnum("priority"), severity: try f.optionalEnum("severity"),
                level: try f.optionalEnum("level"), concerns: try f.optionalList("concerns"),
                citizenOptOut: try f.optionalBool("no_messages")))
        case .escalate: self = .escalate(to: try f.text("to"), reason: try f.text("reason"))
        case .acknowledge: self = .acknowledge(by: try f.text("by"), note: try f.optionalText("note"))
        case .returnToTownship: self = .returnToTownship(reason: try f.text("reason"))
        case .reply: self = .reply(outcome: try f.enumValue("outcome"), text: try f.text("text"))
        case .followUp: self = .followUp(satisfaction: try f.enumValue("satisfaction"), note: try f.optionalText("note"))
        case .close: self = .close(note: try f.optionalText("note"))
        case .reopen: self = .reopen(reason: try f.text("reason"))
        case .merge:
            let text = try f.text("into")
            guard let id = CaseID(text) else {
                throw .invalid(fieldPrefix + "into", "「\(text)」不是案件编号，应为 MQ-20261122-0042 这样的形式")
            }
            self = .merge(into: id, reason: try f.optionalText("reason"))
        }
    }
}

private struct FieldReader {
    let fields: [String: ActionField]
    let prefix: String
    let timeZone: TimeZone

    func optionalText(_ name: String) throws(TransitionError) -> String? {
        switch fields[name] {
        case nil: return nil
        case .text(let s): return s
        case .list: throw .invalid(prefix + name, "应为一段文字，而不是列表")
        }
    }

    func text(_ name: String) throws(TransitionError) -> String {
        guard let s = try optionalText(name) else { throw .invalid(prefix + name, "必须填写此字段") }
        return s
    }

    func optionalList(_ name: String) throws(TransitionError) -> [String]? {
        switch fields[name] {
        case nil: return nil
        case .list(let l): return l
        case .text(let s): return s.split(whereSeparator: { "、,，;；".contains($0) }).map(String.init)
        }
    }

    /// `true` / `false` (also 是 / 否, 1 / 0).
    func optionalBool(_ name: String) throws(TransitionError) -> Bool? {
        guard let s = try optionalText(name)?.trimmingCharacters(in: .whitespaces).lowercased() else { return nil }
        switch s {
        case "true", "1", "是", "yes", "on": return true
        case "false", "0", "否", "no", "off": return false
        default: throw .invalid(prefix + name, "「\(s)」不是可选值（可选：true、false）")
        }
    }

    func date(_ name: String) throws(TransitionError) -> Date {
        let s = try text(name)
        do { return try Checked.time(s, field: prefix + name, defaultTimeZone: timeZone) } catch {
            throw .invalid(prefix + name, "\(error.reason)，如 2026-12-01T17:30:00+08:00 或 2026-12-01 17:30")
        }
    }

    func optionalEnum<E: RawRepresentable & CaseIterable>(_ name: String) throws(TransitionError) -> E?
    where E.RawValue == String {
        guard let s = try optionalText(name) else { return nil }
        guard let value = E(rawValue: s.trimmingCharacters(in: .whitespaces)) else {
            let allowed = E.allCases.map(\.rawValue).joined(separator: ", ")
            throw .invalid(prefix + name, "「\(s)」不是可选值（可选：\(allowed)）")
        }
        return value
    }

    func enumValue<E: RawRepresentable & CaseIterable>(_ name: String) throws(TransitionError) -> E
    where E.RawValue == String {
        guard let v: E = try optionalEnum(name) else { throw .invalid(prefix + name, "必须填写此字段") }
        return v
    }

    func assignment() throws(TransitionError) -> Assignment {
        Assignment(leader: try text("leader"), staff: try text("staff"), deadline: try date("deadline"))
    }
}
