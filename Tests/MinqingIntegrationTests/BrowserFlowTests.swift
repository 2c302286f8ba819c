import Foundation
import MinqingTesting
import Testing

/// The whole path in a real headless Chromium over WebDriver, against the real `minqing serve`: a citizen submits
/// the form on a 390 × 844 phone with a photo and looks the case up; a clerk logs in, accepts, assigns, replies,
/// records the follow-up and closes; the citizen sees each public step. Screenshots go to `artifacts/browser/`.
@Suite("Browser: citizen form to closure", .serialized)
struct BrowserFlowTests {
    static let password = "qingshan-clerk-2026"

    /// `minqing users add ID` with the password on stdin.
    static func addUser(_ id: String, data: URL) throws {
        let p = Process()
        p.executableURL = HubProcess.binary
        p.arguments = ["users", "add", id, "--config", repoRoot.appendingPathComponent("Config/example").path, "--data", data.path]
        var env = ProcessInfo.processInfo.environment
        env["MINQING_API_TOKEN"] = HubProcess.token
        p.environment = env
        let input = Pipe()
        p.standardInput = input
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        input.fileHandleForWriting.write(Data((password + "\n").utf8))
        try input.fileHandleForWriting.close()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw TestFailure("minqing users add \(id) exited \(p.terminationStatus)") }
    }

    /// A small JPEG with an Exif block (GPS) the hub must strip.
    static func photo(in folder: URL) throws -> URL {
        var b: [UInt8] = [0xFF, 0xD8]
        let exif = Array("Exif".utf8) + [0, 0] + Array("GPSLatitude=28.1N".utf8)
        b += [0xFF, 0xE1, 0, UInt8(exif.count + 2)] + exif
        b += [0xFF, 0xDA, 0x00, 0x08, 1, 1, 0, 0, 0x3F, 0, 0x12, 0x34, 0xFF, 0xD9]
        let url = folder.appendingPathComponent("现场照片.jpg")
        try Data(b).write(to: url)
        return url
    }

    @Test("public form at 390×844 with a photo → lookup → clerk accepts and assigns, the staff member replies, clerk follows up and closes", .enabled(if: Peers.browserRunnable, Comment(rawValue: Peers.browserHint)))
    func citizenToClosure() async throws {
        guard Peers.require(Peers.chromium != nil && Peers.chromedriver != nil, Peers.browserHint) else { return }
        let data = try Peers.temporaryDirectory("browser")
        try Self.addUser("wang-li", data: data)
        try Self.addUser("chen-zhiqiang", data: data)
        let hub = try await HubProcess(data: data, environment: ["MINQING_FORM_MIN_FILL_SECONDS": "0"])
        defer { hub.terminate() }
        let base = "http://127.0.0.1:\(hub.port)"
        let driver = try await ChromeDriver()
        let phone = try await driver.session(width: 390, height: 844, mobile: true)
        let desk = try await driver.session(width: 1280, height: 900, mobile: false)
        let staffDesk = try await driver.session(width: 1280, height: 900, mobile: false)

        // Citizen, on a phone.
        try await phone.open(base + "/form")
        let width = try await phone.script("return [window.innerWidth, document.documentElement.scrollWidth];") as? [Int]
        #expect(width?.first == 390)
        #expect((width?.last ?? 9999) <= 390, "the form must not scroll sideways at 390 px")
        try await phone.type("#phone", "13812345678")
        try await phone.type("#name", "张秀英")
        try await phone.click("#village option[value='431028101201']")
        try await phone.click("#category option[value='land']")
        try await phone.type("#subject", "宅基地边界纠纷")
        try await phone.type("#text", "邻居在我家地基上砌墙，请镇里派人核实处理。")
        try await phone.type("#photos", try Self.photo(in: data).path)
        try await phone.click("#consent")
        try await phone.screenshot("1-form-390x844", root: repoRoot)
        try await phone.click("#submit")
        let caseID = try await phone.text("#case-id")
        let code = try await phone.text("#lookup-code")
        #expect(caseID.hasPrefix("MQ-"))
        #expect(code.count == 8)
        try await phone.screenshot("2-receipt", root: repoRoot)

        func lookup() async throws -> String {
            try await phone.open(base + "/status")
            try await phone.type("#case_id", caseID)
            try await phone.type("#code", code)
            try await phone.click("#lookup")
            return try await phone.text("#public-status")
        }
        #expect(try await lookup() == "已登记，等待受理")

        // Clerk, at a desk.
        try await desk.open(base + "/console/login")
        try await desk.type("#user", "wang-li")
        try await desk.type("#password", Self.password)
        try await desk.click("#login")
        #expect(try await desk.text("#who").contains("王丽"))
        #expect(try await desk.text("#ledger").contains(caseID))
        try await desk.screenshot("3-ledger", root: repoRoot)
        try await desk.open(base + "/console/cases/\(caseID)")
        #expect(try await desk.text("#complainant-phone") == "138****78", "a clerk not assigned sees the phone masked")
        #expect(try await desk.text("#body").contains("砌墙"))
        try await desk.click("#do-accept")
        #expect(try await desk.text("#case-status", becomes: "受理") == "受理")
        try await desk.click("#assign-leader option[value='sun-wei']")
        try await desk.click("#assign-staff option[value='chen-zhiqiang']")
        let deadline = Self.day(Date().addingTimeInterval(10 * 86_400))
        _ = try await desk.script("arguments[0].value = arguments[1];", [[BrowserSession.elementKey: try await desk.element("#assign-deadline")], deadline])
        try await desk.click("#do-assign")
        #expect(try await desk.text("#staff", becomes: "陈志强") == "陈志强")
        #expect(try await desk.pageSource.contains("id=\"form-reply\"") == false, "the clerk does not reply; the assigned staff member does")

        // The assigned staff member, at another desk, sees the case in full and replies.
        try await staffDesk.open(base + "/console/login")
        try await staffDesk.type("#user", "chen-zhiqiang")
        try await staffDesk.type("#password", Self.password)
        try await staffDesk.click("#login")
        #expect(try await staffDesk.text("#who").contains("陈志强"))
        try await staffDesk.open(base + "/console/cases/\(caseID)")
        #expect(try await staffDesk.text("#complainant-phone") == "13812345678", "the assigned staff member sees the phone")
        try await staffDesk.click("#reply-outcome option[value='resolved']")
        try await staffDesk.type("#reply-body", "经现场丈量，越界围墙已于本周拆除。")
        try await staffDesk.click("#do-reply")
        #expect(try await staffDesk.text("#case-status", becomes: "已答复") == "已答复")
        try await desk.open(base + "/console/cases/\(caseID)")

        #expect(try await lookup() == "已答复，请您评价")
        #expect(try await phone.text("#reply") == "经现场丈量，越界围墙已于本周拆除。")
        let publicPage = try await phone.pageSource
        for hidden in ["陈志强", "孙伟", "王丽", "13812345678", "张秀英"] { #expect(!publicPage.contains(hidden), "public page shows \(hidden)") }
        #expect(try await phone.text("#timeline").contains("承办单位：青山镇人民政府"))
        try await phone.screenshot("4-status-replied", root: repoRoot)

        try await desk.click("#followup-satisfaction option[value='satisfied']")
        try await desk.click("#do-follow_up")
        #expect(try await desk.text("#satisfaction", becomes: "满意") == "满意")
        try await desk.click("#do-close")
        #expect(try await desk.text("#case-status", becomes: "办结") == "办结")
        #expect(try await desk.text("#audit").contains("办结"))
        try await desk.screenshot("5-case-closed", root: repoRoot)

        #expect(try await lookup() == "已办结")
        try await phone.screenshot("6-status-closed", root: repoRoot)
        await phone.close()
        await desk.close()
        await staffDesk.close()
        await driver.stop()
    }

    static func day(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
    }
}
