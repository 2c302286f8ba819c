import Foundation

/// A configuration directory for one test, in a fresh temporary folder laid out like the repository's `Config/`:
/// `example/` holds copies of the example's files the test names, `calendars` beside it links to the real calendars
/// (the example's `calendars: ../calendars` resolves), and the test writes the file it wants to break.
struct ScratchConfig {
    let root: URL
    /// The configuration directory to load.
    let dir: URL

    init(copying names: [String] = ["directory.yaml"]) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("minqing-config-\(UUID().uuidString)")
        dir = root.appendingPathComponent("example")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for name in names {
            try FileManager.default.copyItem(at: repoRoot.appendingPathComponent("Config/example/\(name)"),
                                             to: dir.appendingPathComponent(name))
        }
        try FileManager.default.createSymbolicLink(
            at: root.appendingPathComponent("calendars"), withDestinationURL: repoRoot.appendingPathComponent("Config/calendars"))
    }

    func write(_ name: String, _ text: String) throws {
        try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }

    func remove() { try? FileManager.default.removeItem(at: root) }
}
