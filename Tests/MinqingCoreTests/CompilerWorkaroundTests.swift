import Foundation
import Testing

/// Compiler workarounds need a reason and an exit: `@_optimize(none)` once sat on 25 route handlers because swiftc
/// 6.3.1 crashed optimising them; a release build of the restructured handlers compiles without it (docs/architecture.md
/// #compiler-workarounds). A new one must say which crash it avoids and name a reduced reproducer under `scripts/`.
@Suite("Compiler workarounds")
struct CompilerWorkaroundTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("every @_optimize(none) in the code names its crash and a reproducer in scripts/")
    func workaroundsAreExplained() throws {
        var unexplained: [String] = []
        for folder in ["Sources", "Adapters"] {
            let base = Self.root.appendingPathComponent(folder)
            let files = FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil)?
                .compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" } ?? []
            #expect(!files.isEmpty, "no Swift files found under \(base.path)")
            for file in files {
                let lines = try String(contentsOf: file, encoding: .utf8).components(separatedBy: "\n")
                for (i, line) in lines.enumerated() where line.contains("@_optimize(none)") && !line.trimmingCharacters(in: .whitespaces).hasPrefix("//") {
                    let context = lines[max(0, i - 3)...i].joined(separator: "\n")
                    if !(context.contains("scripts/") && context.contains("crash")) {
                        unexplained.append("\(file.path.replacingOccurrences(of: Self.root.path + "/", with: "")):\(i + 1)")
                    }
                }
            }
        }
        #expect(unexplained.isEmpty, "@_optimize(none) without its crash and reproducer: \(unexplained)")
    }
}
