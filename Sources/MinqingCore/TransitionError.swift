/// Why an action on a case was refused. The message is Chinese and says what to do instead.
public struct TransitionError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: Sendable, Hashable {
        /// The action is not allowed in the case's current state.
        case illegal(action: CaseAction.Kind, from: CaseStatus, allowedFrom: [CaseStatus])
        /// A field the action needs is missing or wrong.
        case invalidField(field: String, reason: String)
        /// The chosen person is someone the complaint is about.
        case conflictOfInterest(person: String)
        /// The case changed since the caller read it.
        case staleVersion(expected: Int, actual: Int)
    }

    public let code: Code

    public init(_ code: Code) { self.code = code }

    public static func invalid(_ field: String, _ reason: String) -> TransitionError {
        TransitionError(.invalidField(field: field, reason: reason))
    }

    /// The field at fault, when there is one.
    public var field: String? {
        switch code {
        case .invalidField(let field, _): field
        case .conflictOfInterest: "staff"
        default: nil
        }
    }

    public var description: String {
        switch code {
        case .illegal(let action, let from, let allowedFrom):
            let allowed = allowedFrom.map(\.displayName).joined(separator: "、")
            let hint = allowed.isEmpty ? "该状态下不能再做任何操作" : "只有「\(allowed)」状态的案件可以\(action.displayName)"
            return "不能对「\(from.displayName)」状态的案件执行「\(action.displayName)」（\(action.rawValue)）：\(hint)。"
        case .invalidField(let field, let reason):
            return "字段 \(field)：\(reason)"
        case .conflictOfInterest(let person):
            return "「\(person)」是本案反映的对象，按《信访工作条例》第三十条须回避，不能承办、处理或知悉此案：请另选人员（已交办给此人的，请先改派）。"
        case .staleVersion(let expected, let actual):
            return "案件已被他人修改（版本 \(actual)，你看到的是版本 \(expected)），请刷新后重试。"
        }
    }
}
