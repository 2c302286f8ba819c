import Foundation
import Testing
@testable import MailboxAdapter

/// The parser never crashes or hangs: it returns a best effort plus warnings.
struct RobustnessTests {
    /// Parses and checks invariants that must hold for any input.
    @discardableResult
    private func parseChecked(_ data: Data, limits: MailParser.Limits = .init()) -> ParsedMail {
        let mail = MailParser(limits: limits).parse(data)
        #expect((try? JSONSerialization.jsonObject(with: mail.operatorJSON())) != nil)
        #expect(mail.warnings.count <= WarningLog.cap + 1)
        for attachment in mail.attachments {
            #expect(attachment.sha256.count == 64)
            #expect(attachment.tooLarge == (attachment.data == nil))
        }
        return mail
    }

    @Test("every prefix of a multipart fixture parses (truncated transfers)")
    func truncatedMultipart() throws {
        let data = try Fixtures.data("05-outlook-qp-related-inline-image.eml")
        for length in stride(from: 0, through: data.count, by: 37) {
            parseChecked(data.prefix(length))
        }
        let cut = parseChecked(data.prefix(data.count / 2))
        #expect(cut.warnings.contains("multipart/related: closing boundary missing (truncated message?)"))
    }

    @Test("a multipart without boundary parameter has its boundary guessed")
    func guessedBoundary() {
        let mail = parseChecked(TestBytes.mail(
            "Content-Type: multipart/mixed", "", "--zz", "Content-Type: text/plain; charset=utf-8", "", "正文",
            "--zz--"))
        #expect(mail.text == "正文")
        #expect(mail.warnings == ["multipart/mixed has no boundary parameter; boundary guessed from the body"])
    }

    @Test("a boundary that never appears leaves the body readable as text")
    func boundaryNeverAppears() {
        let mail = parseChecked(TestBytes.mail(
            "Content-Type: multipart/alternative; boundary=\"nowhere\"", "", "只有正文，没有分隔线。"))
        #expect(mail.text == "只有正文，没有分隔线。")
        #expect(mail.warnings == ["multipart/alternative: boundary never appears; body read as text"])
        #expect(parseChecked(TestBytes.mail("Content-Type: multipart/mixed", "", "无分隔")).text == "无分隔")
    }

    @Test("empty input, headers without body, garbage header lines")
    func degenerateInputs() {
        #expect(parseChecked(Data()).subject == "")
        #expect(parseChecked(Data("Subject: x".utf8)).subject == "x")
        let garbage = parseChecked(TestBytes.mail("Subject: ok", "this is not a header", "正文"))
        #expect(garbage.subject == "ok")
        #expect(garbage.text == "this is not a header\r\n正文".replacingOccurrences(of: "\r\n", with: "\n"))
        #expect(garbage.warnings == ["header section ended by a line that is not a header field"])
        parseChecked(Data(" continuation first\r\n:\r\n: \r\n\r\n".utf8))
        parseChecked(Data("Content-Type: text\r\nContent-Type: /\r\n\r\nx".utf8))
    }

    @Test("MIME nesting 200 levels deep is capped with a warning")
    func deepNesting() {
        var lines: [String] = []
        for level in 0..<200 {
            lines += ["Content-Type: multipart/mixed; boundary=\"b\(level)\"", "", "--b\(level)"]
        }
        lines += ["Content-Type: text/plain", "", "最深处"]
        for level in (0..<200).reversed() { lines += ["--b\(level)--"] }
        var raw = "Subject: deep\r\n" + lines.joined(separator: "\r\n")
        raw += "\r\n"
        let mail = parseChecked(Data(raw.utf8))
        #expect(mail.subject == "deep")
        #expect(mail.text == "")
        #expect(mail.warnings == ["MIME nesting deeper than 20 levels; inner parts ignored"])
        let shallow = parseChecked(Data(raw.utf8), limits: .init(maxNestingDepth: 500))
        #expect(shallow.text == "最深处")
    }

    @Test("the number of MIME parts is capped")
    func manyParts() {
        var raw = "Content-Type: multipart/mixed; boundary=p\r\n\r\n"
        for index in 0..<3000 { raw += "--p\r\nContent-Type: application/x-part\r\n\r\n\(index)\r\n" }
        raw += "--p--\r\n"
        let mail = parseChecked(Data(raw.utf8), limits: .init(maxParts: 100))
        #expect(mail.attachments.count == 99)
        #expect(mail.warnings == ["more than 100 MIME parts; the rest is ignored"])
    }

    @Test("a 10 MB message (1 MB Chinese text, 9 MB attachment) parses completely")
    func tenMegabytes() throws {
        let raw = Self.tenMegabyteMail()
        #expect(raw.count > 10_000_000)
        let mail = parseChecked(raw)
        #expect(mail.text.count == 43 * 10_000 - 1)  // 43 characters a line, the last line break trimmed
        #expect(mail.attachments.map(\.size) == [9 * 1024 * 1024])
        #expect(mail.warnings.isEmpty)
    }

    @Test("a 10 MB single-line header and a 10 MB body without line breaks do not hang")
    func pathologicalLines() {
        let longSubject = "Subject: " + String(repeating: "=?UTF-8?B?5Lit?= ", count: 200_000) + "\r\n\r\nx"
        #expect(parseChecked(Data(longSubject.utf8)).subject.count == 200_000)
        let noBreaks = "Content-Type: multipart/mixed; boundary=q\r\n\r\n" + String(repeating: "a", count: 10_000_000)
        #expect(parseChecked(Data(noBreaks.utf8)).warnings == ["multipart/mixed: boundary never appears; body read as text"])
    }

    @Test("random byte garbage from a seeded generator never crashes")
    func randomGarbage() {
        var generator = SeededGenerator(seed: 0x4D51_5448)
        for _ in 0..<300 {
            let count = Int.random(in: 0...4096, using: &generator)
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            parseChecked(Data(bytes))
        }
    }

    @Test("2,000 random mutations of the fixtures never crash")
    func mutatedFixtures() throws {
        let fixtures = try Fixtures.emlNames().map { [UInt8](try Fixtures.data($0)) }
        var generator = SeededGenerator(seed: 20_240_305)
        let tokens: [[UInt8]] = ["\r\n", "\n", "--", "=?", "?=", "=?GBK?B?", "\"", ";", "=", "<", ">", ":", "\r\n\r\n",
                                 "Content-Type: multipart/mixed; boundary=", "base64", "*0*=", "%", "&#x", "<!--",
                                 "<script>"].map { Array($0.utf8) }
        for round in 0..<2000 {
            var bytes = fixtures[round % fixtures.count]
            for _ in 0..<Int.random(in: 1...8, using: &generator) {
                Self.mutate(&bytes, tokens: tokens, using: &generator)
            }
            parseChecked(Data(bytes))
        }
    }

    // MARK: Builders

    private static func mutate(_ bytes: inout [UInt8], tokens: [[UInt8]], using generator: inout SeededGenerator) {
        guard !bytes.isEmpty else {
            bytes = tokens.randomElement(using: &generator)!
            return
        }
        let position = Int.random(in: 0..<bytes.count, using: &generator)
        switch Int.random(in: 0..<6, using: &generator) {
        case 0:
            bytes[position] = UInt8.random(in: 0...255, using: &generator)
        case 1:
            let end = min(bytes.count, position + Int.random(in: 1...200, using: &generator))
            bytes.removeSubrange(position..<end)
        case 2:
            let end = min(bytes.count, position + Int.random(in: 1...300, using: &generator))
            bytes.insert(contentsOf: bytes[position..<end], at: Int.random(in: 0...bytes.count, using: &generator))
        case 3:
            bytes.insert(contentsOf: tokens.randomElement(using: &generator)!, at: position)
        case 4:
            bytes.removeSubrange(position...)
        default:
            bytes[position] ^= 1 << UInt8.random(in: 0...7, using: &generator)
        }
    }

    /// multipart/mixed: 1 MB of UTF-8 Chinese text in base64, then a 9 MiB attachment in base64.
    static func tenMegabyteMail() -> Data {
        let line = "石桥镇柳树湾村村民反映土地纠纷、低保、拆迁补偿、环境污染、拖欠工资和道路损坏等问题。\n"
        let text = String(repeating: line, count: 10_000)
        var attachment = [UInt8](repeating: 0, count: 9 * 1024 * 1024)
        var generator = SeededGenerator(seed: 9)
        for index in stride(from: 0, to: attachment.count, by: 8) {
            withUnsafeBytes(of: generator.next()) { word in
                for offset in 0..<min(8, attachment.count - index) { attachment[index + offset] = word[offset] }
            }
        }
        var raw = "From: a@x.cn\r\nSubject: big\r\nContent-Type: multipart/mixed; boundary=\"big\"\r\n\r\n"
        raw += "--big\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        raw += Data(text.utf8).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn,
                                                             .endLineWithLineFeed])
        raw += "\r\n--big\r\nContent-Type: application/octet-stream; name=big.bin\r\n"
        raw += "Content-Transfer-Encoding: base64\r\n\r\n"
        raw += Data(attachment).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn,
                                                                 .endLineWithLineFeed])
        raw += "\r\n--big--\r\n"
        return Data(raw.utf8)
    }
}
