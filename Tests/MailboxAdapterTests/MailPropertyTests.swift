import Foundation
import MinqingCore
import MinqingTesting
import Testing
@testable import MailboxAdapter

/// Properties of the header decoders and the MIME walker over generated hostile inputs (seeded, reproducible).
@Suite("Mail parsing properties")
struct MailPropertyTests {
    @Test("encoded-words, address lists and dates decode any bytes without a trap; warnings stay capped")
    func headerDecoders() {
        var gen = HostileInputs(seed: 0x4D41_494C)
        let charsets = ["UTF-8", "GBK", "gb2312", "big5", "utf-16", "x-unknown", "", "ISO-8859-1", "\u{0}", "UTF-7"]
        for i in 0..<3_000 {
            var raw = gen.bytes(maxLength: 60)
            if gen.chance(60) {
                // An encoded-word with a hostile charset, encoding and payload, glued into the bytes.
                let payload = gen.chance(50) ? Data(gen.bytes(maxLength: 30)).base64EncodedString() : gen.text(maxLength: 8)
                let word = "=?\(gen.pick(charsets))?\(gen.pick(["B", "Q", "b", "x", ""]))?\(payload)?="
                raw.insert(contentsOf: Array(word.utf8), at: gen.int(0...raw.count))
            }
            var log = WarningLog()
            let text = EncodedWords.decode(raw[...], context: "Subject", rawCharset: gen.chance(30) ? gen.pick(charsets) : nil, log: &log)
            #expect(!text.hasPrefix(" ") && !text.hasSuffix(" "), "case \(i): trimmed")
            _ = AddressList.parse(raw[...], context: "From", log: &log)
            _ = AddressList.displayText(raw[...], context: "From", log: &log)
            _ = MailDate.parse(String(decoding: raw, as: UTF8.self), log: &log)
            _ = MailDate.parse("\(gen.int(-9...40)) \(gen.pick(["Mar", "Feb", "xyz"])) \(gen.numberText()) \(gen.numberText()):\(gen.numberText()) \(gen.pick(["+0800", "-9999", "+99:99", "CST", ""]))", log: &log)
            #expect(log.messages.count <= WarningLog.cap + 1, "case \(i)")
        }
    }

    @Test("generated MIME trees (deep, wide, hostile headers, NUL and bidi controls) parse within the limits")
    func mimeTrees() {
        var gen = HostileInputs(seed: 0x4D49_4D45)
        let limits = MailParser.Limits()
        for i in 0..<150 {
            var bytes = Array("From: \(gen.text(maxLength: 4)) <a@b.cn>\r\nSubject: \(gen.text(maxLength: 6))\r\nDate: \(gen.timeText())\r\n".utf8)
            bytes += Self.entity(&gen, depth: gen.int(0...(gen.chance(10) ? 120 : 6)))
            let mail = MailParser(limits: limits).parse(Data(bytes))
            #expect(mail.warnings.count <= WarningLog.cap + 1, "case \(i)")
            #expect(mail.attachments.count <= limits.maxParts, "case \(i)")
            for a in mail.attachments { #expect(a.tooLarge == (a.data == nil) && a.sha256.count == 64, "case \(i)") }
            #expect(mail.text.utf8.count <= bytes.count * 4 + 64, "case \(i): text is bounded by the input")
        }
    }

    @Test("ten thousand tiny parts are capped at the part limit with a warning, quickly")
    func manyParts() {
        var body = "Content-Type: multipart/mixed; boundary=b\r\n\r\n"
        for n in 0..<10_000 { body += "--b\r\nContent-Type: text/plain; name=\"\(n).txt\"\r\n\r\n\(n)\r\n" }
        body += "--b--\r\n"
        let started = ContinuousClock.now
        let mail = MailParser().parse(Data(body.utf8))
        #expect(ContinuousClock.now - started < .seconds(10))
        #expect(mail.attachments.count < MailParser.Limits().maxParts)
        #expect(mail.warnings.contains { $0.contains("MIME parts") })
    }

    @Test("the paper-letter CSV reader turns hostile rows into letters or row errors; never a trap")
    func letterCSV() throws {
        var gen = HostileInputs(seed: 0x4C45_5454)
        let dir = FileManager.default.temporaryDirectory
        for i in 0..<300 {
            var text = "登记号,收信日期,姓名,电话,村（社区）,类别,标题,内容\n"
            for _ in 0..<gen.int(0...6) {
                var line = gen.csvLine(columns: 8)
                if gen.chance(50) {
                    var cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                    if cells.count > 1 { cells[1] = gen.pick(["2026年11月22日", "2026/11/22", "2026-9223372036854775807-1", "1e300", gen.timeText()]) }
                    line = cells.joined(separator: ",")
                }
                text += line + "\n"
            }
            do {
                let result = try LetterCSVImport().read(text: text, baseDirectory: dir)
                #expect(result.rows.count <= result.total, "case \(i)")
                for row in result.rows { #expect(row.letter.receivedAt.map { $0 >= Checked.earliestTime && $0 < Checked.latestTime } ?? true, "case \(i)") }
            } catch {
                #expect(!error.description.isEmpty, "case \(i)")
            }
        }
    }

    /// One MIME entity (header and body) with children down to `depth`.
    static func entity(_ gen: inout HostileInputs, depth: Int) -> [UInt8] {
        let boundary = gen.pick(["b", "=_\(gen.int(0...999))", "", "--", String(repeating: "x", count: gen.int(1...90)), "\u{0}"])
        if depth > 0, gen.chance(70) {
            var out = Array("Content-Type: multipart/\(gen.pick(["mixed", "alternative", "related", "digest"])); boundary=\"\(boundary)\"\r\n\r\n".utf8)
            for _ in 0..<gen.int(0...(depth > 3 ? 2 : 5)) {
                out += Array("--\(boundary)\r\n".utf8)
                out += entity(&gen, depth: depth - 1)
                out += Array("\r\n".utf8)
            }
            if gen.chance(80) { out += Array("--\(boundary)--\r\n".utf8) }
            return out
        }
        let type = gen.pick(["text/plain", "text/html", "application/octet-stream", "message/rfc822", "image/png", "text/plain; name=\"正文.txt\""])
        let charset = gen.pick(["utf-8", "gbk", "big5", "utf-16", "bogus", "\u{202E}"])
        let encoding = gen.pick(["base64", "quoted-printable", "8bit", "x-uue", ""])
        var out = Array("Content-Type: \(type); charset=\(charset)\r\nContent-Transfer-Encoding: \(encoding)\r\n".utf8)
        if gen.chance(30) { out += Array("Content-Disposition: \(gen.pick(["attachment", "inline"])); filename*=UTF-8''\(gen.text(maxLength: 3))\r\n".utf8) }
        if gen.chance(20) { out += gen.bytes(maxLength: 20) + [0x0D, 0x0A] }
        out += [0x0D, 0x0A]
        out += encoding == "base64" && gen.chance(60) ? Array(Data(gen.bytes(maxLength: 80)).base64EncodedString().utf8) : gen.bytes(maxLength: 80)
        return out
    }
}
