/// The ten heavenly stems 天干, 甲 = 0 … 癸 = 9.
public enum HeavenlyStem: Int, CaseIterable, Hashable, Sendable {
    case jia, yi, bing, ding, wu, ji, geng, xin, ren, gui

    /// 甲 乙 丙 丁 戊 己 庚 辛 壬 癸.
    public var character: Character {
        Array("甲乙丙丁戊己庚辛壬癸")[rawValue]
    }

    public init?(character: Character) {
        guard let index = Array("甲乙丙丁戊己庚辛壬癸").firstIndex(of: character) else { return nil }
        self.init(rawValue: index)
    }
}
