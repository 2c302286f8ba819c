import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MinqingCore
import Testing
import MinqingHTTP
import WebFormAdapter
#if canImport(Glibc)
import Glibc
#endif

/// Sends `bytes` (a request head and maybe the start of its body) on a fresh loopback connection and returns the
/// status line the server answers with — while the rest of the declared body is still unsent. A server that read
/// the body before answering would never answer (the read times out after 60 s and this returns "").
func statusBeforeBody(port: Int, _ bytes: [UInt8]) async -> String {
    await withCheckedContinuation { continuation in
        Thread.detachNewThread {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(fd) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var timeout = timeval(tv_sec: 60, tv_usec: 0)  // generous: the suite shares 2 cores; a server reading the body never answers at all
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard connected == 0, bytes.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, 0) }) == bytes.count else {
                continuation.resume(returning: "")
                return
            }
            var buffer = [UInt8](repeating: 0, count: 4096)
            let n = recv(fd, &buffer, buffer.count, 0)
            let text = n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self) : ""
            continuation.resume(returning: String(text.prefix { $0 != "\r" }))
        }
    }
}

func head(_ method: String, _ path: String, _ headers: [String: String]) -> [UInt8] {
    Array(("\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers.map { "\($0): \($1)\r\n" }.joined() + "\r\n").utf8)
}

@Suite("Bounded work before trust")
struct BoundedBodyTests {
    @Test("a declared body over a route's limit is refused (413) before any of it is sent, on every upload route")
    func contentLengthFirst() async throws {
        let hub = try TestHub()
        try await hub.live { client in
            let port = try #require(client.port)
            let bearer = "Bearer \(token)"
            for (path, headers) in [
                ("/form", ["Content-Type": "multipart/form-data; boundary=b"]),
                ("/api/v1/messages", ["Authorization": bearer, "Content-Type": "application/json"]),
                ("/api/v1/letters", ["Authorization": bearer, "Content-Type": "application/json"]),
                ("/api/v1/hotline/calls", ["Authorization": bearer, "Content-Type": "application/json"]),
                ("/status", ["Content-Type": "application/x-www-form-urlencoded"]),
            ] {
                var h = headers
                h["Content-Length"] = "\(100 << 20)"
                let status = await statusBeforeBody(port: port, head("POST", path, h))
                #expect(status.hasPrefix("HTTP/1.1 413 "), "\(path): \(status)")
            }
        }
    }

    @Test("the hotline's own limit (1 MB) applies, not the intake's 20 MB, and the problem says the limit in Chinese")
    func hotlineLimit() async throws {
        let hub = try TestHub()
        try await hub.test { client in
            let big = ByteBuffer(bytes: [UInt8](repeating: 0x20, count: (1 << 20) + 1))
            let r = try await client.execute(uri: "/api/v1/hotline/calls", method: .post, headers: auth, body: big)
            #expect(r.status == .contentTooLarge)
            #expect(r.headers[.contentType]?.hasPrefix("application/problem+json") == true)
            #expect((try decode(r)["detail"] as? String)?.contains("1 MB（1048576 字节）") == true)
        }
    }

    @Test("without a bearer token an API upload is refused (401) before its body is read")
    func tokenFirst() async throws {
        let hub = try TestHub()
        try await hub.live { client in
            let port = try #require(client.port)
            for path in ["/api/v1/messages", "/api/v1/letters", "/api/v1/hotline/calls"] {
                let status = await statusBeforeBody(port: port, head("POST", path, [
                    "Content-Type": "application/json", "Content-Length": "\(10 << 20)",
                ]) + Array("{\"body\":\"".utf8))
                #expect(status.hasPrefix("HTTP/1.1 401 "), "\(path): \(status)")
            }
        }
        #expect(try await hub.store.searchCases(.init()).total == 0)
    }

    @Test("a form body whose first part is not a valid form token is refused after that part, whatever follows")
    func formTokenFirst() async throws {
        let hub = try TestHub()
        try await hub.live { client in
            let port = try #require(client.port)
            // 10 MB declared (under the form's limit), only the first part sent: the answer comes anyway.
            let first = Array("--b\r\nContent-Disposition: form-data; name=\"form_token\"\r\n\r\nforged.token.value\r\n--b\r\n".utf8)
            let status = await statusBeforeBody(port: port, head("POST", "/form", [
                "Content-Type": "multipart/form-data; boundary=b", "Content-Length": "\(10 << 20)",
            ]) + first)
            #expect(status.hasPrefix("HTTP/1.1 422 "), "\(status)")
        }
    }

    @Test("358k tiny parts with a valid token are refused with a Chinese page naming the part limit")
    func manyPartsPage() async throws {
        let hub = try TestHub()
        try await hub.test { client in
            let token = try await hub.formToken(client)
            var body = Data("--b\r\nContent-Disposition: form-data; name=\"form_token\"\r\n\r\n\(token)\r\n".utf8)
            let part = Data("--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n".utf8)
            for _ in 0..<358_000 { body += part }
            body += Data("--b--\r\n".utf8)
            let r = try await client.execute(uri: "/form", method: .post,
                                             headers: [.contentType: "multipart/form-data; boundary=b"], body: ByteBuffer(data: body))
            #expect(r.status == .badRequest)
            #expect(String(buffer: r.body).contains("表单的项目太多（最多 64 项）"))
        }
        #expect(try await hub.store.searchCases(.init()).total == 0)
        #expect(hub.spooledFiles.isEmpty)
    }

    @Test("an oversize form is answered with the form page in Chinese and status 413")
    func oversizeFormPage() async throws {
        let hub = try TestHub()
        try await hub.test { client in
            let r = try await client.execute(uri: "/form", method: .post, headers: [.contentType: "multipart/form-data; boundary=b"],
                                             body: ByteBuffer(repeating: 0x78, count: hub.webForm.maxBodyBytes + 1))
            #expect(r.status == .contentTooLarge)
            #expect(String(buffer: r.body).contains("提交的内容超过上限"))
        }
    }

    @Test("uploaded photos are spooled to disk while the form is read and removed once the case is stored")
    func spoolCleanup() async throws {
        let hub = try TestHub()
        try await hub.test { client in
            let r = try await hub.submitForm(client, photo: jpegWithGPS)
            #expect(r.status == .created)
            // A body cut off inside the photo: refused, and its half-written file removed too.
            let token = try await hub.formToken(client)
            var m = Multipart()
            m.field("form_token", token)
            m.file("photos", filename: "半张.jpg", type: "image/jpeg", jpegWithGPS)
            let cut = ByteBuffer(data: m.body.prefix(m.body.count - 3))
            let broken = try await client.execute(uri: "/form", method: .post,
                                                  headers: [.contentType: "multipart/form-data; boundary=\(m.boundary)"], body: cut)
            #expect(broken.status == .badRequest)
        }
        let stored = try await hub.store.searchCases(.init()).items
        #expect(stored.count == 1 && stored.first?.attachments.count == 1)
        #expect(hub.spooledFiles.isEmpty, "\(hub.spooledFiles)")
    }

    @Test("the spool removes what a crash left behind")
    func sweep() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("minqing-spool-\(UUID().uuidString)")
        let spool = try FormSpool(directory: dir)
        try Data("x".utf8).write(to: dir.appendingPathComponent("upload-left-over.part"))
        try Data("keep".utf8).write(to: dir.appendingPathComponent("README"))
        spool.sweep()
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["README"])
    }
}
