import Foundation
import MailboxAdapter
import MinqingCore
import MinqingStore
import Testing

@Suite("Paper letter CSV import")
struct LetterImportTests {
    static var batch: URL { Fixtures.mailDirectory.deletingLastPathComponent().appendingPathComponent("letters/batch.csv") }

    @Test("bad rows are reported with line, column and reason; the good rows are read, multi-line fields counted")
    func rowsAndErrors() throws {
        let result = try LetterCSVImport().read(Self.batch)
        #expect(result.total == 6)
        #expect(result.rows.map(\.line) == [2, 8])
        #expect(result.errors.map { "\($0.line):\($0.column):\($0.columnName)" } == [
            "4:9:body", "5:2:received_at", "5:4:phone", "6:1:letter_no", "7:10:scans",
        ])
        #expect(result.errors[0].description == "第 4 行 第 9 列（body）：来信内容不能为空")
        #expect(result.errors[3].reason.contains("与第 2 行重复"))
        let first = result.rows[0].letter
        #expect(first.number == "XF-2026-0001")
        #expect(first.body == "邻居建房占了我家宅基地一米多，\n多次协商无果，请镇里派人丈量。")
        #expect(first.scans.map(\.filename) == ["0001-1.jpg"])
        #expect(first.receivedAt == Date(iso: "2026-11-20T00:00:00+08:00"))
    }

    @Test("a header with an unknown column or without the required ones is refused as a whole")
    func badHeader() {
        let dir = FileManager.default.temporaryDirectory
        #expect(throws: LetterFileError.self) { try LetterCSVImport().read(text: "登记号,内容,邮编\nA,B,C\n", baseDirectory: dir) }
        #expect(throws: LetterFileError.self) { try LetterCSVImport().read(text: "登记号,姓名\nA,B\n", baseDirectory: dir) }
        let english = try? LetterCSVImport().read(text: "letter_no,body\nA-1,\"text, with comma\"\n", baseDirectory: dir)
        #expect(english?.rows.first?.letter.body == "text, with comma")
    }

    @Test("importing the good rows twice registers each letter once, on the mailbox channel without an acknowledgement")
    func importTwice() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("minqing-letters-\(UUID().uuidString)/l.sqlite").path
        let store = try SQLiteCaseStore(path: path, settings: LedgerSettings(planner: AcknowledgementPlanner()))
        let intake = IntakeService(store: store)
        let rows = try LetterCSVImport().read(Self.batch).rows
        for _ in 0..<2 {
            for row in rows { _ = try await intake.submit(row.letter.message(raw: row.raw, rawContentType: "text/csv")) }
        }
        let cases = try await store.searchCases(.init())
        #expect(cases.total == 2)
        #expect(Set(cases.items.map(\.sourceRef)) == ["letter:XF-2026-0001", "letter:XF-2026-0006"])
        #expect(cases.items.allSatisfy { $0.channel == .mailbox })
        #expect(try await store.outboxEntries(state: nil, limit: 10).isEmpty)
    }
}
