/// A day of the week, numbered as in ISO 8601 (Monday = 1 … Sunday = 7).
public enum Weekday: Int, CaseIterable, Hashable, Comparable, Sendable {
    case monday = 1, tuesday, wednesday, thursday, friday, saturday, sunday

    /// Saturday or Sunday.
    public var isWeekend: Bool { self == .saturday || self == .sunday }

    /// The numeral used after 周/星期: 一 … 六, 日.
    public var chineseNumeral: String {
        ["一", "二", "三", "四", "五", "六", "日"][rawValue - 1]
    }

    /// 星期一 … 星期日.
    public var chineseName: String { "星期" + chineseNumeral }

    public static func < (lhs: Weekday, rhs: Weekday) -> Bool { lhs.rawValue < rhs.rawValue }
}
