import Foundation
import HotlineAdapter
import MinqingCore
import MinqingStore
import MinqingTesting
import Testing

@Suite("Cloud call-centre exports")
struct CloudExportTests {
    static let aliyun = exampleConfig.hotline!.cloudExports.first { $0.name == "aliyun" }!

    static let file = """
        通话ID,主叫号码,被叫号码,呼叫类型,坐席工号,坐席姓名,技能组,振铃时间,接通时间,挂断时间,通话时长,挂断方,通话结果,备注,录音文件
        ali-001,13812345678,057188886666,呼入,1001,周敏,群众热线,1794790800000,1794790805000,1794791100000,295,客户,接通,"反映低保评审,要求公示",rec/001.wav
        ali-002,13900001111,057188886666,呼入,,,群众热线,2026-11-16 09:10:00,,2026-11-16 09:10:40,0,客户,排队放弃,,
        ali-003,13900001111,057188886666,呼入,,,群众热线,2026-11-16T09:30:00+08:00,,,0,客户,用户忙,,
        ali-004,13700002222,057188886666,呼入,,,群众热线,下午三点,,,0,客户,未接,,
        ali-005,13700002222,057188886666,呼入,,,群众热线,1794796000,,,0,客户,没听清,,
        ali-006,13900001111,13900001111,呼出,1001,周敏,回拨,2026-11-16 10:00:00,2026-11-16 10:00:09,2026-11-16 10:03:00,171,坐席,接通,,

        """

    @Test("the config's column mapping reads a vendor export: fields, epoch/ISO/local times, result words, direction")
    func importsWithMapping() async throws {
        let kit = try HotlineKit()
        let importer = CallFileImport(taker: CallRowTaker(hotline: kit.hotline, source: "cloud:aliyun:test.csv", clock: kit.clock),
                                      format: .cloud(Self.aliyun))
        let summary = try await importer.run(Data(Self.file.utf8))
        #expect(summary.rows == 6 && summary.calls == 4 && summary.rejected == 2)
        #expect(summary.casesOpened == 1 && summary.callbacksOpened == 1 && summary.folded == 1 && summary.callbacksClosed == 1)
        let answered = try CallRecord(document: try #require(try await kit.store.call("ali-001")).document)
        #expect(answered.agentName == "周敏" && answered.notes == "反映低保评审,要求公示" && answered.duration == 295)
        #expect(answered.ringAt == Date(iso: "2026-11-16T09:00:00+08:00"))
        let rejected = try await kit.store.rejectedInputs(source: "cloud:aliyun:test.csv", limit: 10)
        #expect(rejected.map(\.line) == [5, 6])
        #expect(rejected.map(\.field) == ["ring_time", "result"])
        #expect(rejected.map(\.column) == [8, 13])
        let again = try await importer.run(Data(Self.file.utf8))
        #expect(again.casesOpened == 0 && again.callbacksOpened == 0 && again.callbacksClosed == 0)
        #expect(try await kit.allCases().count == 2)
    }

    @Test("a header that lacks a mapped column stops the import with the missing header named")
    func missingHeader() async throws {
        let kit = try HotlineKit()
        let importer = CallFileImport(taker: CallRowTaker(hotline: kit.hotline, source: "cloud:aliyun:bad.csv"), format: .cloud(Self.aliyun))
        await #expect(throws: CallFileError.self) { try await importer.run(Data("通话ID,主叫\nx,y\n".utf8)) }
    }
}
