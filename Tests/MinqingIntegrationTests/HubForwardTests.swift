import Foundation
import Testing

/// Hub to hub: a township hub forwards a case to the county office's own hub through its intake API.
@Suite("Forwarding to another hub", .serialized, .timeLimit(.minutes(5)))
struct HubForwardTests {
    /// The example township with one more rule: every new case also goes to the county's hub.
    static func townshipConfig() throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("minqing-hub-forward-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: repoRoot.appendingPathComponent("Config/example"), to: root.appendingPathComponent("example"))
        try FileManager.default.copyItem(at: repoRoot.appendingPathComponent("Config/calendars"), to: root.appendingPathComponent("calendars"))
        let main = root.appendingPathComponent("example/minqing.yaml")
        var text = try String(contentsOf: main, encoding: .utf8)
        guard text.contains("\nnotifications:\n") else { throw TestFailure("the example config has no notifications section") }
        text = text.replacingOccurrences(of: "\nnotifications:\n", with: "\nnotifications:\n  - on: [case.created]\n    targets: [county-hub]\n")
        try text.write(to: main, atomically: true, encoding: .utf8)
        return root.appendingPathComponent("example")
    }

    @Test("a new case reaches the county hub's ledger once, with the complainant in full and the township's number")
    func forward() async throws {
        let countyData = FileManager.default.temporaryDirectory.appendingPathComponent("minqing-county-\(UUID().uuidString)")
        let townData = FileManager.default.temporaryDirectory.appendingPathComponent("minqing-town-\(UUID().uuidString)")
        let config = try Self.townshipConfig()
        let county = try await HubProcess(data: countyData)
        let town = try await HubProcess(data: townData, config: config, environment: [
            "MINQING_COUNTY_HUB_URL": county.base, "MINQING_COUNTY_HUB_TOKEN": HubProcess.token,
        ])
        let (status, body) = try await post("\(town.base)/api/v1/messages", message("forward-1"))
        #expect(status == 201)
        let townCase = try #require(body["case_id"] as? String)
        var found: [String: Any]?
        let deadline = ContinuousClock.now + .seconds(30)
        while found == nil, ContinuousClock.now < deadline {
            // The county's own office system reads the forwarded case with the complainant in full (read_pii).
            let (_, list) = try await get("\(county.base)/api/v1/cases?q=\(townCase)", token: HubProcess.officeToken)
            found = (list["items"] as? [[String: Any]])?.first { ($0["source_ref"] as? String)?.hasPrefix("hub:") == true }
            if found == nil { await Task.yield() }
        }
        town.terminate()
        let (_, all) = try await get("\(county.base)/api/v1/cases?limit=10")
        county.terminate()
        let forwarded = try #require(found, "the county hub registered the forwarded case")
        #expect(forwarded["source_ref"] as? String == "hub:\(townCase)")
        #expect(forwarded["channel"] as? String == "webform", "the citizen's own channel is kept")
        #expect((forwarded["body"] as? String)?.contains("转来，原编号 \(townCase)") == true)
        let complainant = forwarded["complainant"] as? [String: Any]
        #expect(complainant?["phone"] as? String == "13812345678", "the county takes the case over, with who raised it")
        #expect(all["total"] as? Int == 1, "forwarded once")
        try? FileManager.default.removeItem(at: countyData)
        try? FileManager.default.removeItem(at: townData)
        try? FileManager.default.removeItem(at: config.deletingLastPathComponent())
    }
}
