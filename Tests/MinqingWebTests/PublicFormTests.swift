import Foundation
import Hummingbird
import HummingbirdTesting
import MinqingCore
import MinqingStore
import Testing
import MinqingHTTP
import WebFormAdapter

@Suite("Public form 民情直通车")
struct PublicFormTests {
    @Test("the form shows the directory's villages and categories, a consent line and a hidden honeypot")
    func formPage() async throws {
        try await TestHub().test { client in
            let page = String(buffer: try await client.execute(uri: "/form", method: .get).body)
            #expect(page.contains("<option value=\"431028101201\">青山村</option>"))
            #expect(page.contains("<option value=\"land\">土地</option>"))
            #expect(page.contains("name=\"consent\""))
            #expect(page.contains("class=\"hp\"") && page.contains("name=\"website\""))
            #expect(page.contains("/assets/public.css") && !page.contains("http://") && !page.contains("https://"))
            let css = try await client.execute(uri: "/assets/public.css", method: .get)
            #expect(css.status == .ok && css.headers[.contentType]?.hasPrefix("text/css") == true)
        }
    }

    @Test("a submission makes one durable case; sending the same form again shows the same receipt and no second case")
    func doubleSubmit() async throws {
        let hub = try TestHub()
        try await hub.test { client in
            let token = try await hub.formToken(client)
            let first = try await hub.submitForm(client, token: token, photo: jpegWithGPS)
            #expect(first.status == .created)
            let html = String(buffer: first.body)
            let id = try #require(firstMatch(#"id="case-id">([^<]+)<"#, in: html))
            let code = try #require(firstMatch(#"id="lookup-code">(\d{8})<"#, in: html))
            let again = try await hub.submitForm(client, token: token, photo: jpegWithGPS)
            #expect(again.status == .ok)
            #expect(firstMatch(#"id="case-id">([^<]+)<"#, in: String(buffer: again.body)) == id)
            #expect(firstMatch(#"id="lookup-code">(\d{8})<"#, in: String(buffer: again.body)) == code)
        }
        let page = try await hub.store.searchCases(.init())
        #expect(page.total == 1)
        let record = try #require(page.items.first)
        #expect(record.channel == .webform)
        #expect(record.complainant.phone == "13812345678")
        #expect(record.village == "431028101201")
        #expect(record.attachments.count == 1)
        let stored = try #require(try await hub.store.attachmentData(sha256: record.attachments[0].sha256))
        #expect(stored.range(of: Data("Exif".utf8)) == nil, "EXIF (GPS) must be stripped by default")
        #expect(stored.range(of: Data("JFIF".utf8)) != nil && stored.prefix(2) == Data([0xFF, 0xD8]))
    }

    @Test("the citizen can keep the photo's location by opting in")
    func keepLocation() async throws {
        let hub = try TestHub()
        try await hub.test { client in
            let submitted = try await hub.submitForm(client, change: ["keep_location": "yes"], photo: jpegWithGPS)
            #expect(submitted.status == .created)
        }
        let record = try #require(try await hub.store.searchCases(.init()).items.first)
        let stored = try #require(try await hub.store.attachmentData(sha256: record.attachments[0].sha256))
        #expect(stored == jpegWithGPS)
    }

    @Test("honeypot filled, too fast, bad phone, missing consent, non-image photo: refused with a Chinese message, nothing stored")
    func refusals() async throws {
        let hub = try TestHub()
        try await hub.test { client in
            let honeypot = try await hub.submitForm(client, change: ["website": "http://spam.example"])
            #expect(honeypot.status == .unprocessableContent)

            let page = try await client.execute(uri: "/form", method: .get)
            let token = firstMatch(#"name="form_token" value="([^"]+)""#, in: String(buffer: page.body)) ?? ""
            let fast = try await hub.submitForm(client, token: token)  // no time has passed on the manual clock
            #expect(fast.status == .unprocessableContent)
            #expect(String(buffer: fast.body).contains("提交过快"))

            let forged = try await hub.submitForm(client, token: "1700000000.0123456789abcdef0123456789abcdef.forged")
            #expect(forged.status == .unprocessableContent && String(buffer: forged.body).contains("表单已过期"))

            let phone = try await hub.submitForm(client, change: ["phone": "12345"])
            #expect(phone.status == .unprocessableContent)
            let phoneHTML = String(buffer: phone.body)
            #expect(phoneHTML.contains("不是有效的电话号码"))
            #expect(phoneHTML.contains("value=\"宅基地边界纠纷\""), "what the citizen typed is kept")

            let consent = try await hub.submitForm(client, change: ["consent": "no"])
            #expect(String(buffer: consent.body).contains("请勾选同意"))

            let notImage = try await hub.submitForm(client, photo: Data("GIF89a not a photo".utf8))
            #expect(notImage.status == .unprocessableContent && String(buffer: notImage.body).contains("只能上传 JPG 或 PNG"))
        }
        #expect(try await hub.store.searchCases(.init()).total == 0)
    }

    @Test("per-phone and per-address limits on the injected clock; they lift when the window has passed")
    func rateLimits() async throws {
        let hub = try TestHub()
        try await hub.test { client in
            for i in 0..<5 {
                let submitted = try await hub.submitForm(client, ip: "10.0.0.\(i + 1)")
                #expect(submitted.status == .created)
            }
            let sixth = try await hub.submitForm(client, ip: "10.0.0.99")
            #expect(sixth.status == .tooManyRequests)
            #expect(String(buffer: sixth.body).contains("提交次数过多"))
            for i in 0..<10 {  // one address, other phones: 10 per address
                let submitted = try await hub.submitForm(client, change: ["phone": "139000000\(String(format: "%02d", i))"], ip: "10.9.9.9")
                #expect(submitted.status == .created)
            }
            let overAddress = try await hub.submitForm(client, change: ["phone": "13911112222"], ip: "10.9.9.9")
            #expect(overAddress.status == .tooManyRequests)
            hub.clock.advance(by: 3600)
            let later = try await hub.submitForm(client, ip: "10.0.0.99")
            #expect(later.status == .created)
        }
        #expect(try await hub.store.searchCases(.init()).total == 16)
    }

    @Test("the form's limits are counted in the store: a second hub on the same ledger (another instance, or this one restarted) refuses the sixth from one phone")
    func limitsSharedByInstances() async throws {
        let first = try TestHub()
        try await first.test { client in
            for i in 0..<3 {
                let r = try await first.submitForm(client, ip: "10.0.0.\(i + 1)")
                #expect(r.status == .created)
            }
        }
        let second = try TestHub(path: first.path)
        try await second.test { client in
            for i in 3..<5 {
                let r = try await second.submitForm(client, ip: "10.0.0.\(i + 1)")
                #expect(r.status == .created)
            }
            let sixth = try await second.submitForm(client, ip: "10.0.0.77")
            #expect(sixth.status == .tooManyRequests)
        }
        #expect(try await second.store.searchCases(.init()).total == 5)
        // The counts are kept under keyed hashes: the ledger's files hold no client address.
        let files = try FileManager.default.contentsOfDirectory(atPath: URL(fileURLWithPath: first.path).deletingLastPathComponent().path)
        for file in files where file.hasPrefix("ledger.sqlite") {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: first.path).deletingLastPathComponent().appendingPathComponent(file))
            #expect(bytes.range(of: Data("10.0.0.77".utf8)) == nil, "\(file) holds the address in the clear")
        }
    }

    @Test("status look-up by id + lookup code shows the public timeline: office, not staff names, no personal data; the phone's last 4 digits open nothing")
    func lookupAndRate() async throws {
        let hub = try TestHub()
        let (id, code) = try await hub.value { client in
            let receipt = String(buffer: try await hub.submitForm(client).body)
            return (firstMatch(#"id="case-id">([^<]+)<"#, in: receipt) ?? "", firstMatch(#"id="lookup-code">(\d{8})<"#, in: receipt) ?? "")
        }
        let caseID = try #require(CaseID(id))
        let now = hub.clock.now()
        _ = try await hub.store.apply(.accept(note: "受理"), to: caseID, actor: "wang-li", expectedVersion: nil, at: now)
        _ = try await hub.store.apply(.assign(Assignment(leader: "sun-wei", staff: "chen-zhiqiang", deadline: now.addingTimeInterval(86_400 * 15))),
                                      to: caseID, actor: "wang-li", expectedVersion: nil, at: now)
        _ = try await hub.store.apply(.note(text: "陈志强到现场丈量"), to: caseID, actor: "chen-zhiqiang", expectedVersion: nil, at: now)
        _ = try await hub.store.apply(.reply(outcome: .resolved, text: "经现场丈量，已拆除越界围墙。"), to: caseID, actor: "chen-zhiqiang", expectedVersion: nil, at: now)
        try await hub.test { client in
            let wrong = try await client.execute(uri: "/status", method: .post, headers: formHeaders, body: urlEncoded([("case_id", id), ("code", "00000000")]))
            #expect(wrong.status == .notFound)
            let suffix = try await client.execute(uri: "/status", method: .post, headers: formHeaders, body: urlEncoded([("case_id", id), ("code", "5678")]))
            #expect(suffix.status == .notFound, "the phone's last 4 digits are no credential")
            for given in [code] {
                let page = try await client.execute(uri: "/status", method: .post, headers: formHeaders, body: urlEncoded([("case_id", id), ("code", given)]))
                #expect(page.status == .ok)
                let html = String(buffer: page.body)
                for shown in ["已登记", "已受理", "已交办", "承办单位：青山镇人民政府", "已答复", "经现场丈量，已拆除越界围墙。"] {
                    #expect(html.contains(shown), "missing \(shown)")
                }
                for hidden in ["陈志强", "孙伟", "王丽", "chen-zhiqiang", "wang-li", "张秀英", "13812345678", "到现场丈量"] {
                    #expect(!html.contains(hidden), "public page shows \(hidden)")
                }
                #expect(html.contains("id=\"rate-form\""))
            }
            let rated = try await client.execute(uri: "/status/rate", method: .post, headers: formHeaders,
                                                 body: urlEncoded([("case_id", id), ("code", code), ("satisfaction", "unsatisfied")]))
            #expect(String(buffer: rated.body).contains("发回重办"))
        }
        let record = try #require(try await hub.store.fetchCase(caseID))
        #expect(record.status == .reopened)
        #expect(record.satisfaction == .unsatisfied)
    }

    @Test("<script> in every field comes back escaped on the form, the public status page and the console")
    func escaping() async throws {
        let hub = try TestHub()
        let evil = "<script>alert(1)</script>"
        let id = try await hub.value { client in
            let refused = try await hub.submitForm(client, change: ["phone": evil, "name": evil, "subject": evil, "text": evil])
            let refusedHTML = String(buffer: refused.body)
            #expect(!refusedHTML.contains(evil) && refusedHTML.contains("&lt;script&gt;"))
            let ok = try await hub.submitForm(client, change: ["name": evil, "subject": evil, "text": evil])
            #expect(ok.status == .created)
            let id = firstMatch(#"id="case-id">([^<]+)<"#, in: String(buffer: ok.body)) ?? ""
            let code = firstMatch(#"id="lookup-code">(\d{8})<"#, in: String(buffer: ok.body)) ?? ""
            let page = try await client.execute(uri: "/status", method: .post, headers: formHeaders, body: urlEncoded([("case_id", id), ("code", code)]))
            let html = String(buffer: page.body)
            #expect(!html.contains(evil) && html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            let notFound = try await client.execute(uri: "/status", method: .post, headers: formHeaders, body: urlEncoded([("case_id", evil), ("code", "1")]))
            #expect(!String(buffer: notFound.body).contains(evil))
            return id
        }
        try await hub.addUser("liu-jianguo")
        try await hub.test { client in
            let cookie = try await hub.login(client, "liu-jianguo")
            let page = String(buffer: try await client.execute(uri: "/console/cases/\(id)", method: .get, headers: [.cookie: cookie]).body)
            #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(!page.contains(evil))
            let ledger = String(buffer: try await client.execute(uri: "/console?q=\(evil.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)", method: .get, headers: [.cookie: cookie]).body)
            #expect(!ledger.contains(evil) && ledger.contains("&lt;script&gt;"))
        }
    }
}

@Suite("Photo sanitizer")
struct PhotoSanitizerTests {
    @Test("JPEG: the Exif APP1 segment goes, every other byte stays; broken or foreign files are refused")
    func jpeg() throws {
        let (clean, kind) = try PhotoSanitizer.sanitize(jpegWithGPS, keepLocation: false)
        #expect(kind == .jpeg)
        #expect(clean.range(of: Data("GPSLatitude".utf8)) == nil)
        #expect(clean.count == jpegWithGPS.count - (4 + 6 + "GPSLatitude=28.1N".utf8.count))
        #expect(throws: PhotoSanitizer.Rejection.self) { try PhotoSanitizer.sanitize(jpegWithGPS.prefix(12), keepLocation: false) }
        #expect(throws: PhotoSanitizer.Rejection.self) { try PhotoSanitizer.sanitize(Data("hello".utf8), keepLocation: false) }
    }

    @Test("PNG: eXIf chunks go")
    func png() throws {
        func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
            let n = data.count
            return [UInt8(n >> 24), UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)] + Array(type.utf8) + data + [0, 0, 0, 0]
        }
        let png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", Array(repeating: 1, count: 13))
            + chunk("eXIf", Array("GPS".utf8)) + chunk("IDAT", [1, 2, 3]) + chunk("IEND", [])
        let (clean, kind) = try PhotoSanitizer.sanitize(Data(png), keepLocation: false)
        #expect(kind == .png)
        #expect(clean.range(of: Data("eXIf".utf8)) == nil && clean.range(of: Data("IDAT".utf8)) != nil)
    }
}
