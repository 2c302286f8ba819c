import Foundation
import MinqingTesting
import Testing

/// schemathesis (PyPI, 4.x; scripts/test.sh installs it and sets SCHEMATHESIS) generates requests from
/// Sources/MinqingWeb/openapi.yaml, valid and invalid, and checks every answer: no 5xx, every status code
/// documented, every body matching its schema, invalid input refused.
enum Schemathesis {
    static let binary: String? = {
        let env = ProcessInfo.processInfo.environment
        let candidates = [env["SCHEMATHESIS"], repoRoot.appendingPathComponent(".build/schemathesis/bin/schemathesis").path]
            .compactMap { $0 } + [Peers.executable("schemathesis")].compactMap { $0 }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    static let hint = "the schema test needs schemathesis 4.x: scripts/test.sh installs it (python3 -m venv .build/schemathesis && .build/schemathesis/bin/pip install 'schemathesis>=4,<5')"
    /// Use as `.enabled(if:)`: false only when missing outside CI (under CI=true the test runs and fails).
    static var runnable: Bool { binary != nil || Peers.isCI }
}

@Suite("OpenAPI conformance (schemathesis on a live hub)", .serialized)
struct SchemaConformanceTests {
    @Test("every operation answers as openapi.yaml documents: no 5xx, documented status codes, bodies match their schemas",
          .enabled(if: Schemathesis.runnable, "\(Schemathesis.hint)"), .timeLimit(.minutes(4)))
    func schemathesisFindsNothing() async throws {
        guard Peers.require(Schemathesis.binary != nil, Schemathesis.hint), let binary = Schemathesis.binary else { return }
        let data = try Peers.temporaryDirectory("schema")
        defer { try? FileManager.default.removeItem(at: data) }
        let hub = try await HubProcess(data: data, config: try Self.allScopesConfig(in: data))
        defer { hub.terminate() }
        let report = data.appendingPathComponent("report")
        let run = try ChildProcess(binary, [
            "--config-file", repoRoot.appendingPathComponent("Tests/MinqingIntegrationTests/schemathesis.toml").path,
            "--no-color", "run", repoRoot.appendingPathComponent("Sources/MinqingWeb/openapi.yaml").path,
            "--url", hub.base, "-H", "Authorization: Bearer \(HubProcess.token)",
            "--checks", "all", "--max-examples", "20", "--seed", "20261122", "--workers", "2",
            "--phases", "examples,coverage,fuzzing", "--request-timeout", "10",
            "--exclude-path-regex", Self.notJSON, "--report-dir", report.path,
        ])
        let status = await run.waitForExit()
        #expect(status == 0, "schemathesis found problems:\n\(run.output.suffix(12_000))")
    }

    /// The example township with its demo token given every scope, so each operation is tested behind its guard
    /// rather than refused by it (the scopes themselves are tested in APIAccessTests).
    static func allScopesConfig(in data: URL) throws -> URL {
        // The whole Config folder: the example refers to ../calendars.
        try FileManager.default.copyItem(at: repoRoot.appendingPathComponent("Config"), to: data.appendingPathComponent("Config"))
        let config = data.appendingPathComponent("Config/example")
        let yaml = config.appendingPathComponent("minqing.yaml")
        let text = try String(contentsOf: yaml, encoding: .utf8)
        let demo = "      token: ${MINQING_API_TOKEN}\n      scopes: [intake, read]"
        guard text.contains(demo) else { throw TestFailure("Config/example/minqing.yaml no longer has the demo token's scopes line") }
        try text.replacingOccurrences(of: demo, with: "      token: ${MINQING_API_TOKEN}\n      scopes: [intake, read, read_pii, transition, hotline, ack, metrics]")
            .write(to: yaml, atomically: true, encoding: .utf8)
        return config
    }

    /// Operations schemathesis cannot drive meaningfully: HTML pages and console forms (session cookies, CSRF) —
    /// the browser and console tests cover those.
    static let notJSON = "^/(form|status|reception|assets|console|$)"
}
