/// The twelve earthly branches 地支, 子 = 0 … 亥 = 11.
///
/// Markets that meet on 干支 days come in pairs six apart (赶子午, 赶丑未, 赶寅申, 赶卯酉, 赶辰戌, 赶巳亥): each
/// market is held every sixth day.
public enum EarthlyBranch: Int, CaseIterable, Hashable, Comparable, Sendable {
    case zi, chou, yin, mao, chen, si, wu, wei, shen, you, xu, hai

    /// 子 丑 寅 卯 辰 巳 午 未 申 酉 戌 亥.
    public var character: Character {
        Array("子丑寅卯辰巳午未申酉戌亥")[rawValue]
    }

    public init?(character: Character) {
        guard let index = Array("子丑寅卯辰巳午未申酉戌亥").firstIndex(of: character) else { return nil }
        self.init(rawValue: index)
    }

    /// The branch six places away (子 ↔ 午, 辰 ↔ 戌, …): the partner in a 干支 market pair.
    public var opposite: EarthlyBranch {
        EarthlyBranch(rawValue: (rawValue + 6) % 12)!
    }

    public static func < (lhs: EarthlyBranch, rhs: EarthlyBranch) -> Bool { lhs.rawValue < rhs.rawValue }
}
