import Foundation
import MinqingCore
import Testing

@Suite("Literal text matching (routing keywords, directory names)")
struct LiteralTextTests {
    @Test("a word is found anywhere in Chinese text, at the start, the end and after a false start")
    func findsWordsAnywhere() {
        let text = "村口垃圾堆积多日无人清运，垃圾车不来"
        #expect(text.containsLiteral("村口"))
        #expect(text.containsLiteral("不来"))
        #expect(text.containsLiteral("垃圾车"))  // the first 垃圾 is followed by 堆, the second by 车
        #expect(!text.containsLiteral("垃圾站"))
        #expect(!text.containsLiteral("路灯"))
    }

    @Test("an empty word occurs everywhere; a word longer than the text nowhere; substrings and bridged strings work")
    func edges() {
        #expect("".containsLiteral(""))
        #expect("赵".containsLiteral(""))
        #expect(!"赵".containsLiteral("赵红梅"))
        #expect(!"".containsLiteral("赵"))
        let sub = "反映刘建国不作为"[...].dropFirst(2)
        #expect(sub.containsLiteral("刘建国"))
        #expect(!sub.containsLiteral("反映"))
        #expect("ABC火灾abc".containsLiteral("火灾a"))
        #expect(!"ABC".containsLiteral("abc"))  // byte for byte: no case folding
    }
}

@Suite("Trimming field text")
struct TrimmingTests {
    @Test("the fast trim answers exactly as Foundation's, for text with and without edges to trim", arguments: [
        "", " ", "\u{3000}", "\n\t ", "村口道路塌陷", " 村口道路塌陷", "村口道路塌陷\n", "\u{3000}赵红梅\u{3000}", "a b",
        "\r\n青山村\r\n", "👨‍👩‍👧 家", "e\u{301}", " \u{301}x",
    ])
    func sameAsFoundation(_ text: String) {
        for set in [CharacterSet.whitespaces, .whitespacesAndNewlines] {
            #expect(text.trimmingEdges(set) == text.trimmingCharacters(in: set), "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
        }
        #expect(text.nonEmpty == (text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : text.trimmingCharacters(in: .whitespacesAndNewlines)))
    }
}
