import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MinqingCore
import MinqingHTTP
import WebFormAdapter

/// A JPEG the form accepts: SOI, an APP1 Exif block holding a GPS marker, a JFIF APP0, then scan data.
let jpegWithGPS: Data = {
    var b: [UInt8] = [0xFF, 0xD8]
    let exif = Array("Exif".utf8) + [0, 0] + Array("GPSLatitude=28.1N".utf8)
    b += [0xFF, 0xE1, UInt8((exif.count + 2) >> 8), UInt8((exif.count + 2) & 0xFF)] + exif
    let jfif = Array("JFIF".utf8) + [0, 1, 1, 0, 0, 1, 0, 1, 0, 0]
    b += [0xFF, 0xE0, UInt8((jfif.count + 2) >> 8), UInt8((jfif.count + 2) & 0xFF)] + jfif
    b += [0xFF, 0xDA, 0x00, 0x08, 1, 1, 0, 0, 0x3F, 0] + [0x12, 0x34, 0x56] + [0xFF, 0xD9]
    return Data(b)
}()

/// A multipart/form-data body as a browser sends it.
struct Multipart {
    let boundary = "----minqing\(UUID().uuidString.prefix(8))"
    var body = Data()

    mutating func field(_ name: String, _ value: String) {
        body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
    }

    mutating func file(_ name: String, filename: String, type: String, _ data: Data) {
        body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"; filename=\"\(filename)\"\r\nContent-Type: \(type)\r\n\r\n".utf8)
        body += data + Data("\r\n".utf8)
    }

    var finished: (ByteBuffer, HTTPFields) {
        var b = body
        b += Data("--\(boundary)--\r\n".utf8)
        return (ByteBuffer(bytes: b), [.contentType: "multipart/form-data; boundary=\(boundary)"])
    }
}

func firstMatch(_ pattern: String, in text: String) -> String? {
    guard let regex = try? NSRegularExpression(pattern: pattern),
          let m = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)), m.numberOfRanges > 1,
          let r = Range(m.range(at: 1), in: text) else { return nil }
    return String(text[r])
}

func urlEncoded(_ pairs: [(String, String)]) -> ByteBuffer {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    return ByteBuffer(string: pairs.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }.joined(separator: "&"))
}

let formHeaders: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]

extension TestHub {
    /// Fetches the form, waits the minimum fill time on the manual clock, returns the token.
    func formToken(_ client: any TestClientProtocol) async throws -> String {
        let page = try await client.execute(uri: "/form", method: .get)
        let token = firstMatch(#"name="form_token" value="([^"]+)""#, in: String(buffer: page.body)) ?? ""
        clock.advance(by: 10)
        return token
    }

    static let citizen: [(String, String)] = [
        ("name", "张秀英"), ("phone", "13812345678"), ("village", "431028101201"), ("category", "land"),
        ("subject", "宅基地边界纠纷"), ("text", "邻居在我家地基上砌墙，请镇里派人核实。"), ("consent", "yes"),
    ]

    /// Submits the public form; `change` replaces or adds fields.
    func submitForm(_ client: any TestClientProtocol, token: String? = nil, change: [String: String] = [:],
                    photo: Data? = nil, ip: String = "10.0.0.1") async throws -> TestResponse {
        let formToken: String
        if let token { formToken = token } else { formToken = try await self.formToken(client) }
        var m = Multipart()
        m.field("form_token", formToken)
        var fields = Self.citizen.filter { change[$0.0] == nil }
        fields += change.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        for (k, v) in fields { m.field(k, v) }
        if let photo { m.file("photos", filename: "现场.jpg", type: "image/jpeg", photo) }
        var (body, headers) = m.finished
        headers[HTTPField.Name("X-Forwarded-For")!] = ip
        return try await client.execute(uri: "/form", method: .post, headers: headers, body: body)
    }
}

final class ValueBox<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: T?
    func set(_ v: T) { lock.lock(); stored = v; lock.unlock() }
    var value: T? { lock.lock(); defer { lock.unlock() }; return stored }
}

extension TestHub {
    /// Runs `body` against the router and returns what it returned.
    func value<T: Sendable>(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> T) async throws -> T {
        let box = ValueBox<T>()
        try await test { client in box.set(try await body(client)) }
        return box.value!
    }
}
