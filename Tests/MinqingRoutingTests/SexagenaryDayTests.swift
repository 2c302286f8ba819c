import Testing
@testable import MinqingRouting

@Suite("干支 days")
struct SexagenaryDayTests {
    // Each value is known without this code: 2000-01-01 戊午 (the anchor given in the brief); 1949-10-01 甲子
    // (the founding of the PRC fell on a 甲子 day); 1900-01-01 甲戌 (epoch of the classic lunar tables);
    // 1970-01-01 辛巳 (those tables' "days + 25567 + 10" rule); 2024-02-10 甲辰 (春节 of 甲辰年 was itself a
    // 甲辰 day). The 2025–2027 values come from the lunar-python library (6tail), which computes 干支 on its own.
    @Test("known 干支 days", arguments: [
        ("2000-01-01", "戊午"), ("1949-10-01", "甲子"), ("1900-01-01", "甲戌"), ("1970-01-01", "辛巳"),
        ("2024-02-10", "甲辰"), ("1984-02-02", "丙寅"), ("2025-01-01", "庚午"), ("2025-07-25", "乙未"),
        ("2026-01-01", "乙亥"), ("2026-02-17", "壬戌"), ("2027-02-06", "丙辰"), ("2027-12-31", "甲申"),
    ])
    func knownDays(text: String, name: String) {
        #expect(day(text).sexagenary.description == name)
    }

    @Test("the cycle advances by one every day and repeats after sixty")
    func cycle() {
        let start = day("2000-01-01")
        for offset in 0..<120 {
            let today = start.adding(days: offset).sexagenary
            let tomorrow = start.adding(days: offset + 1).sexagenary
            #expect(tomorrow.index == (today.index + 1) % 60)
            #expect(today.stem.rawValue == today.index % 10)
            #expect(today.branch.rawValue == today.index % 12)
        }
        #expect(start.sexagenary == start.adding(days: 60).sexagenary)
        #expect(start.sexagenary != start.adding(days: 30).sexagenary)
    }

    @Test("all sixty names are distinct and run from 甲子 to 癸亥")
    func sixtyNames() {
        let names = (0..<60).map { SexagenaryDay(index: $0).description }
        #expect(Set(names).count == 60)
        #expect(names.first == "甲子")
        #expect(names[1] == "乙丑")
        #expect(names[10] == "甲戌")
        #expect(names.last == "癸亥")
    }

    @Test("branch pairs are six apart", arguments: [
        ("子", "午"), ("丑", "未"), ("寅", "申"), ("卯", "酉"), ("辰", "戌"), ("巳", "亥"),
    ])
    func opposites(first: Character, second: Character) throws {
        let branch = try #require(EarthlyBranch(character: first))
        #expect(branch.opposite.character == second)
        #expect(branch.opposite.opposite == branch)
    }
}
