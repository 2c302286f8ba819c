import Foundation
import MinqingCore
import MinqingStore

/// Counts of one import or one follower batch.
public struct CallImportSummary: Sendable, Hashable {
    public var rows = 0
    public var calls = 0
    public var rejected = 0
    public var casesOpened = 0
    public var callbacksOpened = 0
    public var folded = 0
    public var callbacksClosed = 0

    public init() {}

    mutating func add(_ outcomes: [CallOutcome]) {
        calls += outcomes.count
        for o in outcomes {
            callbacksClosed += o.closed.count
            guard o.stored else { continue }
            switch o.role {
            case "notes": casesOpened += 1
            case "callback": callbacksOpened += 1
            case "folded": folded += 1
            default: break
            }
        }
    }
}

/// Takes the rows of a call file: good rows become calls (in batches, through `HotlineIntake`), bad rows are kept
/// for a clerk with line, column, field and reason. Shared by `minqing import cdr` and the follower.
public struct CallRowTaker: Sendable {
    public let hotline: HotlineIntake
    public let source: String
    public let clock: any WallClock

    public init(hotline: HotlineIntake, source: String, clock: any WallClock = SystemClock()) {
        self.hotline = hotline
        self.source = source
        self.clock = clock
    }

    /// Parses `records` with `format`, keeps the bad ones, takes the good ones with `cursor` committed after them.
    public func take(
        _ records: [CSVRecordSlice], format: any CallRowFormat, cursor: SourceCursor?, summary: inout CallImportSummary
    ) async throws {
        var calls: [CallRecord] = []
        for record in records {
            summary.rows += 1
            guard let fields = CSVFields.parse(record.bytes) else {
                summary.rejected += 1
                await hotline.keepRejected(RejectedInput(
                    source: source, line: record.line, column: nil, field: "",
                    reason: "本行不是 UTF-8 编码：请把话单文件另存为 UTF-8", raw: record.bytes, at: clock.now()))
                continue
            }
            do {
                calls.append(try format.call(from: fields, raw: record.bytes))
            } catch {
                summary.rejected += 1
                await hotline.keepRejected(RejectedInput(
                    source: source, line: record.line, column: error.column, field: error.field, reason: error.reason,
                    raw: record.bytes, at: clock.now()))
            }
        }
        let outcomes = try await hotline.takeCalls(calls, cursor: cursor.map { (source, $0) })
        summary.add(outcomes)
    }
}

/// `minqing import cdr FILE`: a whole file of history, idempotent (importing it again changes nothing).
public struct CallFileImport: Sendable {
    public enum Format: Sendable {
        case asterisk(AsteriskCDRFormat)
        case cloud(MinqingConfigCloudExport)
    }

    public let taker: CallRowTaker
    public let format: Format
    public var batchSize = 512

    public init(taker: CallRowTaker, format: Format) {
        self.taker = taker
        self.format = format
    }

    /// Imports `data`; `progress(bytesDone, bytesTotal)` is called after every durable batch.
    public func run(_ data: Data, progress: @Sendable (Int64, Int64) -> Void = { _, _ in }) async throws -> CallImportSummary {
        var summary = CallImportSummary()
        var (records, consumed, lines) = CSVRecordScanner().records(in: data, base: 0, firstLine: 1)
        if consumed < data.count {
            // The last line has no line break (or an unclosed quote): take it as it is.
            let tail = data[(data.startIndex + consumed)...]
            records.append(CSVRecordSlice(bytes: Data(tail), offset: Int64(consumed), end: Int64(data.count), line: 1 + lines))
        }
        let rowFormat: any CallRowFormat
        switch format {
        case .asterisk(let f):
            rowFormat = f
        case .cloud(let settings):
            guard let header = records.first, let fields = CSVFields.parse(header.bytes) else {
                throw CallFileError(reason: "文件是空的，或第 1 行不是 UTF-8 表头")
            }
            do {
                rowFormat = try CloudExportFormat(settings: settings, header: fields)
            } catch {
                throw CallFileError(reason: "第 1 行（表头）\(error.description)")
            }
            records.removeFirst()
        }
        var start = 0
        while start < records.count {
            let batch = Array(records[start..<min(start + batchSize, records.count)])
            try await taker.take(batch, format: rowFormat, cursor: nil, summary: &summary)
            start += batch.count
            progress(batch.last!.end, Int64(data.count))
        }
        return summary
    }
}

public typealias MinqingConfigCloudExport = MinqingConfig.HotlineSettings.CloudExport

/// A call file that cannot be read at all (as opposed to a bad row, which is kept and skipped).
public struct CallFileError: Error, Sendable, CustomStringConvertible {
    public var reason: String
    public var description: String { reason }
}

import MinqingConfig
