import Foundation
import MinqingCore

/// libFuzzer target: the call-file readers (CSV record scanner and field splitter, Asterisk CDR rows, call times)
/// and the paper-letter CSV import on arbitrary bytes. Built by scripts/fuzz.sh with the reader sources.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCallFiles(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Data(UnsafeBufferPointer(start: data, count: size))
    let (records, consumed, _) = CSVRecordScanner().records(in: bytes, base: 0, firstLine: 1)
    precondition(consumed <= bytes.count)
    let format = AsteriskCDRFormat()
    for record in records.prefix(50) {
        guard let fields = CSVFields.parse(record.bytes) else { continue }
        if let call = try? format.call(from: fields, raw: record.bytes), let duration = call.duration {
            precondition(CallRecord.durationRange.contains(duration))
        }
        for field in fields.prefix(20) {
            if let date = try? CallTime.checked(field, field: "ring_time", timeZone: HubTime.shanghai) {
                precondition(date >= Checked.earliestTime && date < Checked.latestTime)
            }
            _ = try? Checked.int(field, field: "n", in: 0...1000)
            _ = try? Checked.double(field, field: "d")
        }
    }
    if let text = String(data: bytes, encoding: .utf8) {
        _ = try? LetterCSVImport().read(text: "登记号,收信日期,姓名,内容\n" + text, baseDirectory: URL(fileURLWithPath: "/nonexistent"))
    }
    return 0
}
