import Foundation
import MinqingCurl
import MinqingTesting

extension Peers {
    static let chromium = executable("chromium")
    static let chromedriver = executable("chromedriver")
    static let browserHint = "the browser tests need Chromium: apt-get install -y chromium chromium-driver fonts-wqy-microhei"
    static var browserRunnable: Bool { (chromium != nil && chromedriver != nil) || isCI }
}

/// A chromedriver process on loopback and a minimal W3C WebDriver client for it.
final class ChromeDriver: Sendable {
    let process: ChildProcess
    let port: Int
    let client: CurlClient

    init() async throws {
        client = try CurlClient()
        guard let driver = Peers.chromedriver else { throw TestFailure(Peers.browserHint) }
        port = try FreePort.pick()
        process = try ChildProcess(driver, ["--port=\(port)", "--allowed-ips=127.0.0.1"])
        _ = try await process.waitForLine(startingWith: "ChromeDriver was started successfully")
    }

    func stop() async {
        await client.shutdown()
        await process.stop()
    }

    /// A new headless browser window of `width` × `height` CSS pixels (mobile emulation when `mobile`).
    func session(width: Int, height: Int, mobile: Bool) async throws -> BrowserSession {
        var options: [String: Any] = [
            "binary": Peers.chromium ?? "/usr/bin/chromium",
            "args": ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--lang=zh-CN",
                     "--window-size=\(width),\(height)"],
        ]
        if mobile { options["mobileEmulation"] = ["deviceMetrics": ["width": width, "height": height, "pixelRatio": 2]] }
        let value = try await call("POST", "/session", ["capabilities": ["alwaysMatch": ["browserName": "chrome", "goog:chromeOptions": options]]])
        guard let id = (value as? [String: Any])?["sessionId"] as? String else { throw TestFailure("no WebDriver session: \(value)") }
        let session = BrowserSession(driver: self, id: id)
        // Element look-ups wait (inside chromedriver) up to 10 s for the element to appear: the deadline for page loads.
        _ = try await session.call("POST", "/timeouts", ["implicit": 10_000, "pageLoad": 30_000])
        return session
    }

    func call(_ method: String, _ path: String, _ body: [String: Any]? = nil) async throws -> Any {
        let bytes = try body.map { Array(try JSONSerialization.data(withJSONObject: $0)) } ?? []
        let result = try await client.send(HTTPRequestSpec(
            method: HTTPRequestSpec.Method(rawValue: method)!, url: "http://127.0.0.1:\(port)\(path)",
            headers: body == nil ? [] : [HTTPHeader("Content-Type", "application/json; charset=utf-8")], body: bytes,
            timeout: .seconds(60), maxResponseBodyBytes: 64 << 20))
        let json = (try? JSONSerialization.jsonObject(with: Data(result.body))) as? [String: Any] ?? [:]
        guard result.status == 200 else {
            throw TestFailure("WebDriver \(method) \(path) failed: \(result.bodyText.prefix(500))")
        }
        return json["value"] ?? NSNull()
    }
}

struct BrowserSession: Sendable {
    let driver: ChromeDriver
    let id: String
    static let elementKey = "element-6066-11e4-a52e-4f735466cecf"

    func call(_ method: String, _ path: String, _ body: [String: Any]? = nil) async throws -> Any {
        try await driver.call(method, "/session/\(id)\(path)", body)
    }

    func open(_ url: String) async throws { _ = try await call("POST", "/url", ["url": url]) }

    /// The element matching `css`, waiting for it to appear (implicit wait).
    func element(_ css: String) async throws -> String {
        let value = try await call("POST", "/element", ["using": "css selector", "value": css])
        guard let id = (value as? [String: Any])?[Self.elementKey] as? String else { throw TestFailure("no element \(css): \(value)") }
        return id
    }

    func type(_ css: String, _ text: String) async throws {
        _ = try await call("POST", "/element/\(try await element(css))/value", ["text": text])
    }

    func click(_ css: String) async throws {
        _ = try await call("POST", "/element/\(try await element(css))/click", [:])
    }

    /// The element's text; re-finds it when the page was replaced between finding and reading (stale element).
    func text(_ css: String) async throws -> String {
        let deadline = ContinuousClock.now + .seconds(10)
        while true {
            do {
                return (try await call("GET", "/element/\(try await element(css))/text") as? String) ?? ""
            } catch let error as TestFailure where error.description.contains("stale element") && ContinuousClock.now < deadline {
                continue
            }
        }
    }

    /// Polls (deadline 10 s) until the element's text is `expected` — for ids on both the page before and after a
    /// form post; returns the last text seen.
    func text(_ css: String, becomes expected: String) async throws -> String {
        let deadline = ContinuousClock.now + .seconds(10)
        var last = ""
        while ContinuousClock.now < deadline {
            last = (try? await text(css)) ?? last
            if last == expected { return last }
            await Task.yield()
        }
        return last
    }

    func script(_ source: String, _ args: [Any] = []) async throws -> Any {
        try await call("POST", "/execute/sync", ["script": source, "args": args])
    }

    var pageSource: String { get async throws { (try await call("GET", "/source") as? String) ?? "" } }

    /// Saves a PNG of the viewport under `artifacts/browser/`.
    func screenshot(_ name: String, root: URL) async throws {
        let base64 = (try await call("GET", "/screenshot") as? String) ?? ""
        guard let png = Data(base64Encoded: base64), png.starts(with: [0x89, 0x50, 0x4E, 0x47]) else {
            throw TestFailure("screenshot \(name) is not a PNG")
        }
        let folder = root.appendingPathComponent("artifacts/browser")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try png.write(to: folder.appendingPathComponent("\(name).png"))
    }

    func close() async { _ = try? await call("DELETE", "") }
}
