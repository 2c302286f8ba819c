import Foundation

/// Access to the fixture corpus copied into the test bundle (`resources: [.copy("Fixtures")]`).
enum Fixtures {
    /// `Fixtures/mail` inside the test bundle.
    static var mailDirectory: URL {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures/mail", isDirectory: true)
    }

    /// `Fixtures/mail` in the source tree, where golden files are rewritten in update mode.
    static var sourceMailDirectory: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/mail", isDirectory: true)
    }

    /// File names of every `.eml` fixture, sorted.
    static func emlNames() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: mailDirectory.path)
            .filter { $0.hasSuffix(".eml") }
            .sorted()
    }

    static func data(_ name: String) throws -> Data {
        try Data(contentsOf: mailDirectory.appendingPathComponent(name))
    }

    /// `x.eml` → `x.expected.json`.
    static func goldenName(for eml: String) -> String {
        String(eml.dropLast(".eml".count)) + ".expected.json"
    }
}
