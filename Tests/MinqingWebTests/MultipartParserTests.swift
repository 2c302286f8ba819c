import Foundation
import Testing
import MinqingHTTP
import WebFormAdapter

@Suite("Multipart parser: incremental and bounded")
struct MultipartParserTests {
    /// The parts a browser sends for the public form (text fields and one photo).
    static func browserBody(boundary: String) -> Data {
        var m = Data()
        for (name, value) in [("form_token", "1764552600.abc.sig"), ("subject", "宅基地边界纠纷"), ("text", "邻居在我家地基上砌墙，\r\n请镇里派人核实。")] {
            m += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        m += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"photos\"; filename=\"现场.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n".utf8)
        m += jpegWithGPS + Data("\r\n--\(boundary)--\r\n".utf8)
        return m
    }

    static func parse(_ body: Data, boundary: String) throws -> FormBody {
        try FormBody.parse(body, contentType: "multipart/form-data; boundary=\(boundary)")
    }

    @Test("fields and files come out the same whether the body arrives whole or one byte at a time")
    func chunking() throws {
        let boundary = "----WebKitFormBoundary7MA4YWxkTrZu0gW"
        let body = Self.browserBody(boundary: boundary)
        let whole = try Self.parse(body, boundary: boundary)
        #expect(whole.raw("form_token") == "1764552600.abc.sig")
        #expect(whole["text"] == "邻居在我家地基上砌墙，\r\n请镇里派人核实。")
        #expect(whole.files.map(\.filename) == ["现场.jpg"] && whole.files.first?.data == jpegWithGPS)

        var parser = try MultipartParser(boundary: boundary)
        var events: [MultipartParser.Event] = []
        for byte in body { events += try parser.feed([byte]) }
        try parser.finish()
        let contents = events.compactMap { if case .content(let c) = $0 { c } else { nil } }
        let begins = events.filter { if case .partBegin = $0 { true } else { false } }
        let ends = events.filter { $0 == .partEnd }
        #expect(begins.count == 4 && ends.count == 4)
        #expect(Data(contents.joined()).count == Data("1764552600.abc.sig宅基地边界纠纷邻居在我家地基上砌墙，\r\n请镇里派人核实。".utf8).count + jpegWithGPS.count)
    }

    @Test("a 19 MB body of 358k tiny parts is refused at the 65th part, after reading only its first chunk")
    func manyParts() throws {
        let part = Data("--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n".utf8)
        var body = Data(capacity: 19 << 20)
        for _ in 0..<358_000 { body += part }
        body += Data("--b--\r\n".utf8)
        var parser = try MultipartParser(boundary: "b")
        var fed = 0
        var refused: FormBodyError?
        for start in stride(from: 0, to: body.count, by: 64 << 10) {
            let chunk = body[start..<min(start + (64 << 10), body.count)]
            fed += chunk.count
            do { _ = try parser.feed(chunk) } catch { refused = error; break }
        }
        #expect(refused == .tooManyParts(limit: 64))
        #expect(fed == 64 << 10, "refused within the first 64 KB of \(body.count) bytes")
    }

    @Test("a boundary over 70 characters or with characters RFC 2046 does not allow is refused before reading")
    func boundaries() throws {
        #expect(throws: FormBodyError.badBoundary) { try MultipartParser(boundary: String(repeating: "B", count: 71)) }
        #expect(throws: FormBodyError.badBoundary) { try MultipartParser(boundary: "") }
        #expect(throws: FormBodyError.badBoundary) { try MultipartParser(boundary: "a\r\nb") }
        let seventy = String(repeating: "B", count: 70)
        let form = try Self.parse(Self.browserBody(boundary: seventy), boundary: seventy)
        #expect(form["subject"] == "宅基地边界纠纷")
        #expect(throws: FormBodyError.missingBoundary) { try FormBody.parse(Data(), contentType: "multipart/form-data") }
    }

    @Test("a part header that never ends is refused once it passes 4 KB")
    func headerLimit() throws {
        var parser = try MultipartParser(boundary: "b")
        _ = try parser.feed(Array("--b\r\nContent-Disposition: form-data; name=\"".utf8))
        #expect(throws: FormBodyError.partHeaderTooLarge(limit: 4096)) {
            for _ in 0..<100 { _ = try parser.feed([UInt8](repeating: 0x6E, count: 1024)) }
        }
    }

    @Test("a text field over 64 KB is refused, naming the field; files are bounded only by the body limit")
    func fieldLimit() throws {
        let big = String(repeating: "很", count: 30_000)  // 90 KB of UTF-8
        let body = Data("--b\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\n\(big)\r\n--b--\r\n".utf8)
        #expect(throws: FormBodyError.fieldTooLarge(name: "text", limit: 64 << 10)) {
            try FormBody.parse(body, contentType: "multipart/form-data; boundary=b")
        }
        let file = Data("--b\r\nContent-Disposition: form-data; name=\"photos\"; filename=\"a.jpg\"\r\n\r\n\(big)\r\n--b--\r\n".utf8)
        #expect(try FormBody.parse(file, contentType: "multipart/form-data; boundary=b").files.first?.size == big.utf8.count)
    }

    @Test("a body cut off before its closing delimiter is incomplete")
    func truncated() throws {
        let body = Self.browserBody(boundary: "b")
        #expect(throws: FormBodyError.incomplete) {
            try FormBody.parse(body.prefix(body.count - 10), contentType: "multipart/form-data; boundary=b")
        }
        #expect(throws: FormBodyError.incomplete) {
            try FormBody.parse(Data("--b\r\nno blank line".utf8), contentType: "multipart/form-data; boundary=b")
        }
    }
}
