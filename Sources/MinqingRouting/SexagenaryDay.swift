/// The 干支 (sexagenary) name of a day, e.g. 戊午; the cycle of sixty days has run unbroken since antiquity.
///
/// Anchor: with `index` 0 = 甲子, `index = (JDN + 49) mod 60`, fixed by 2000-01-01 (JDN 2451545) being a 戊午
/// day (index 54). Cross-checked against anchors that do not depend on it: 1949-10-01 (JDN 2433191, founding of
/// the PRC) was a 甲子 day; 1900-01-01 (JDN 2415021) was 甲戌, the epoch of the classic lunar tables whose
/// `days since 1970 + 25567 + 10` also gives 辛巳 for 1970-01-01 (JDN 2440588, index 17); 2024-02-10 (甲辰年
/// 正月初一) was itself a 甲辰 day; and every day of 2025–2027 agrees with the lunar-python library (6tail),
/// which computes 干支 its own way. (A formula seen online with "1984-02-02 = 甲子" is wrong: that day was 丙寅.)
public struct SexagenaryDay: Hashable, Sendable, CustomStringConvertible {
    /// Position in the sixty-day cycle, 0 = 甲子 … 59 = 癸亥.
    public let index: Int

    public init(index: Int) {
        self.index = ((index % 60) + 60) % 60
    }

    /// The 干支 of a day.
    public init(_ day: CivilDay) {
        self.init(index: day.julianDayNumber + 49)
    }

    public var stem: HeavenlyStem { HeavenlyStem(rawValue: index % 10)! }
    public var branch: EarthlyBranch { EarthlyBranch(rawValue: index % 12)! }

    /// Two characters, e.g. 戊午.
    public var description: String { String([stem.character, branch.character]) }
}

extension CivilDay {
    /// The day's 干支.
    public var sexagenary: SexagenaryDay { SexagenaryDay(self) }
}
