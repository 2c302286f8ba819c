import Foundation
import Testing
@testable import MailboxAdapter

struct QuotedPrintableTests {
    private func decode(_ text: String, q: Bool = false) -> QuotedPrintableDecoder.Result {
        QuotedPrintableDecoder.decode(text.utf8Bytes[...], qEncoding: q)
    }

    private func string(_ result: QuotedPrintableDecoder.Result) -> String {
        String(decoding: result.bytes, as: UTF8.self)
    }

    @Test("soft line breaks vanish with CRLF, bare LF, trailing blanks after '=', and at the very end")
    func softLineBreaks() {
        #expect(string(decode("abc=\r\ndef")) == "abcdef")
        #expect(string(decode("abc=\ndef")) == "abcdef")
        #expect(string(decode("abc= \t\r\ndef")) == "abcdef")
        #expect(string(decode("abc=")) == "abc")
    }

    @Test("a UTF-8 character split by a soft line break is reassembled")
    func characterAcrossSoftBreak() {
        #expect(string(decode("=E4=B8=\r\n=AD=E6=96=87")) == "中文")
    }

    @Test("hex escapes in either case; malformed escapes kept literally and counted")
    func escapes() {
        #expect(string(decode("=e4=b8=ad")) == "中")
        let result = decode("100=ZZ% =4")
        #expect(string(result) == "100=ZZ% =4")
        #expect(result.malformedEscapes == 2)
    }

    @Test("trailing blanks of a line are transport padding and dropped; encoded blanks stay")
    func trailingBlanks() {
        #expect(string(decode("abc  \r\ndef\t\nx=20\r\n")) == "abc\r\ndef\nx \r\n")
    }

    @Test("Q encoding turns underscores into spaces")
    func qEncoding() {
        #expect(string(decode("a_b=5F", q: true)) == "a b_")
    }
}

struct Base64Tests {
    private func decode(_ text: String) -> Base64Decoder.Result {
        Base64Decoder.decode(text.utf8Bytes[...])
    }

    @Test("line breaks and blanks inside base64 are skipped")
    func whitespace() {
        let result = decode("5Lit\r\n 5pa\tH\n")
        #expect(String(decoding: result.bytes, as: UTF8.self) == "中文")
        #expect(result.invalidCharacters == 0)
    }

    @Test("missing padding is tolerated and reported as an unpadded end")
    func missingPadding() {
        #expect(decode("YWJjZA").bytes == Array("abcd".utf8))
        #expect(decode("YWJjZA").unpaddedEnd)
        #expect(decode("YWJjZA==").bytes == Array("abcd".utf8))
        #expect(!decode("YWJjZA==").unpaddedEnd)
    }

    @Test("concatenated padded chunks decode as a whole")
    func concatenatedChunks() {
        #expect(decode("YQ==Yg==YWJj").bytes == Array("abc".utf8).prefix(1) + Array("b".utf8) + Array("abc".utf8))
    }

    @Test("invalid characters are skipped and counted; a lone final character is reported")
    func invalidInput() {
        let result = decode("YW*Jj!ZA==")
        #expect(result.bytes == Array("abcd".utf8))
        #expect(result.invalidCharacters == 2)
        let lone = decode("YWJjZ")
        #expect(lone.bytes == Array("abc".utf8))
        #expect(lone.truncated)
    }

    @Test("a body with bad base64 yields the decodable text and a warning")
    func badBodyThroughParser() {
        let body = "中文内容".utf8Bytes.base64
        let raw = TestBytes.mail(
            "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: base64", "",
            String(body.prefix(8)) + "!!##" + String(body.dropFirst(8)))
        let mail = MailParser().parse(raw)
        #expect(mail.text == "中文内容")
        #expect(mail.warnings == ["text/plain: 4 invalid base64 characters skipped"])
    }

    @Test("an unknown transfer encoding keeps the bytes and warns")
    func unknownTransferEncoding() {
        let mail = MailParser().parse(TestBytes.mail(
            "Content-Type: text/plain", "Content-Transfer-Encoding: x-uuencode", "", "begin 644 a"))
        #expect(mail.text == "begin 644 a")
        #expect(mail.warnings == ["text/plain: unsupported transfer encoding x-uuencode; kept as-is"])
    }
}
