import Foundation
import Testing
@testable import MailboxAdapter

/// Every `Fixtures/mail/*.eml` parses to exactly its reviewed `*.expected.json` (the operator JSON).
///
/// To regenerate after an intended change: `MINQING_UPDATE_GOLDENS=1 swift test --filter GoldenFixtureTests`,
/// then READ the diff of every golden file before committing it.
struct GoldenFixtureTests {
    @Test("every fixture parses to its reviewed golden operator JSON")
    func everyFixtureMatchesItsGolden() throws {
        let names = try Fixtures.emlNames()
        #expect(names.count >= 20, "the corpus shrank to \(names.count) fixtures")
        let update = ProcessInfo.processInfo.environment["MINQING_UPDATE_GOLDENS"] == "1"
        let parser = MailParser()
        for name in names {
            let actual = String(decoding: parser.parse(try Fixtures.data(name)).operatorJSON(), as: UTF8.self) + "\n"
            let goldenName = Fixtures.goldenName(for: name)
            if update {
                try Data(actual.utf8).write(to: Fixtures.sourceMailDirectory.appendingPathComponent(goldenName))
                continue
            }
            let goldenURL = Fixtures.mailDirectory.appendingPathComponent(goldenName)
            guard let expected = try? String(contentsOf: goldenURL, encoding: .utf8) else {
                Issue.record("\(name): no golden file \(goldenName)")
                continue
            }
            if expected != actual {
                Issue.record("\(name) differs from \(goldenName):\n\(LineDiff.render(expected: expected, actual: actual))")
            }
        }
    }
}
