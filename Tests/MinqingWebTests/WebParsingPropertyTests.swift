import Foundation
import Hummingbird
import HummingbirdTesting
import MinqingCore
import MinqingTesting
import Testing
import MinqingHTTP
import WebFormAdapter

/// Properties of the form parser and the JSON intake over generated hostile inputs
/// (seeded, reproducible). The intake runs through the hub's real router on a real SQLite file.
@Suite("Web parsing properties")
struct WebParsingPropertyTests {
    @Test("url-encoded and multipart form bodies parse or are refused with a Chinese reason; never a trap")
    func formBodies() {
        var gen = HostileInputs(seed: 0x464F_524D)
        for i in 0..<2_000 {
            let boundary = gen.pick(["b", "----WebKitFormBoundary7MA4YWxkTrZu0gW", "\u{202E}x", String(repeating: "z", count: gen.int(1...200))])
            var body: [UInt8]
            let type: String
            if gen.chance(40) {
                type = "application/x-www-form-urlencoded"
                body = Array((0..<gen.int(0...20)).map { _ in "\(gen.text(maxLength: 3))=\(gen.text(maxLength: 5))" }.joined(separator: "&").utf8)
                if gen.chance(30) { body += gen.bytes(maxLength: 30) }
            } else {
                type = "multipart/form-data; boundary=\(gen.chance(90) ? boundary : "")"
                body = []
                for _ in 0..<gen.int(0...(gen.chance(5) ? 2_000 : 8)) {
                    body += Array("--\(boundary)\(gen.pick(["\r\n", "", "--", "\n"]))".utf8)
                    body += Array("Content-Disposition: form-data; name=\"\(gen.text(maxLength: 2))\"\(gen.chance(30) ? "; filename=\"\(gen.text(maxLength: 3))\"" : "")\r\n".utf8)
                    if gen.chance(20) { body += gen.bytes(maxLength: 20) }
                    body += Array("\r\n\(gen.chance(90) ? "\r\n" : "")".utf8)
                    body += gen.chance(50) ? Array(gen.text(maxLength: 6).utf8) : gen.bytes(maxLength: 40)
                    body += Array("\r\n".utf8)
                }
                if gen.chance(70) { body += Array("--\(boundary)--\r\n".utf8) }
            }
            do {
                let form = try FormBody.parse(Data(body), contentType: type)
                #expect(form.fields.count + form.files.count <= body.count, "case \(i)")
            } catch {
                // Typed throws: every refusal is a FormBodyError with a message for the citizen.
                #expect(!error.description.isEmpty, "case \(i)")
            }
        }
    }

    @Test("generated hostile JSON to POST /api/v1/messages answers 2xx, 400 or 422 with problem+json — never 5xx")
    func jsonIntake() async throws {
        let hub = try TestHub()
        var gen = HostileInputs(seed: 0x4A53_4F4E)
        var bodies: [String] = []
        for i in 0..<150 {
            if gen.chance(50) {
                var fields = [
                    "\"channel\": \(HostileInputs.quoted(gen.pick(["webform", "hotline", "mailbox", "x", ""])))",
                    "\"source_ref\": \(HostileInputs.quoted("s-\(i)-\(gen.text(maxLength: 3))"))",
                    "\"body\": \(HostileInputs.quoted(gen.text(maxLength: 10)))",
                ]
                fields.append("\"received_at\": \(gen.chance(50) ? HostileInputs.quoted(gen.timeText()) : gen.json(depth: 1))")
                if gen.chance(40) { fields.append("\"complainant\": \(gen.json(depth: 3))") }
                if gen.chance(30) { fields.append("\"attachments\": \(gen.json(depth: 3))") }
                bodies.append("{" + fields.shuffled(using: &gen.random).joined(separator: ",") + "}")
            } else {
                bodies.append(gen.chance(10) ? String(repeating: "[", count: 5_000) : gen.json(depth: gen.int(0...8)))
            }
        }
        let all = bodies
        try await hub.test { client in
            for (i, body) in all.enumerated() {
                let r = try await client.execute(uri: "/api/v1/messages", method: .post, headers: auth, body: ByteBuffer(string: body))
                #expect([200, 201, 400, 413, 422].contains(r.status.code), "case \(i): \(r.status.code) for \(body.prefix(200))")
                if r.status.code >= 400 {
                    #expect(r.headers[.contentType]?.hasPrefix("application/problem+json") == true, "case \(i)")
                }
            }
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
        }
    }
}
