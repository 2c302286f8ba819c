import Foundation
import Logging
import MinqingCore
import MinqingStore
import ServiceLifecycle

/// Follows an Asterisk `Master.csv` like `tail -F`: takes new lines as they are written, resumes after a restart
/// from the durable cursor, and survives rotation (the old file is read to its end before the new one is started;
/// a file rotated while the hub was down is found again by its inode in the same folder).
///
/// The cursor is committed with the call records of the lines before it, after their cases are durable
/// (`HotlineIntake.takeCalls`), so a crash at any moment re-reads at most the lines of one unfinished batch —
/// and re-reading a line is a redelivery, which changes nothing.
public struct CDRFollower: Service {
    public let path: String
    public let format: AsteriskCDRFormat
    public let taker: CallRowTaker
    public let ledger: any HotlineLedger
    public let pollInterval: Duration
    public let batchSize: Int
    public let logger: Logger
    /// Called after every durable batch with the new cursor (tests wait on it instead of sleeping).
    public let onProgress: @Sendable (SourceCursor) -> Void

    public init(
        path: String, format: AsteriskCDRFormat, hotline: HotlineIntake, ledger: any HotlineLedger,
        pollInterval: Duration = .seconds(1), batchSize: Int = 512, logger: Logger = Logger(label: "minqing.cdr"),
        onProgress: @escaping @Sendable (SourceCursor) -> Void = { _ in }
    ) {
        self.path = path
        self.format = format
        self.taker = CallRowTaker(hotline: hotline, source: Self.source(for: path), clock: hotline.clock)
        self.ledger = ledger
        self.pollInterval = pollInterval
        self.batchSize = batchSize
        self.logger = logger
        self.onProgress = onProgress
    }

    /// The name the cursor and rejected rows are kept under.
    public static func source(for path: String) -> String { "asterisk:" + path }

    public func run() async throws {
        try await cancelWhenGracefulShutdown { try await self.follow() }
    }

    /// One open file being read.
    final class Reader {
        let handle: FileHandle
        let fileID: String
        var offset: Int64
        var line: Int
        var pending = Data()

        init(handle: FileHandle, fileID: String, offset: Int64, line: Int) {
            self.handle = handle
            self.fileID = fileID
            self.offset = offset
            self.line = line
        }
    }

    /// Follows the file until the task is cancelled (`run` adds graceful shutdown around it).
    public func follow() async throws {
        var reader: Reader?
        while !Task.isCancelled {
            do {
                try await step(&reader)
            } catch is CancellationError {
                return
            } catch {
                // The ledger is unavailable or the file unreadable: nothing past the cursor was acknowledged, so
                // start again from the cursor after a pause instead of stopping the hub.
                logger.error("cdr follower failed, retrying from the cursor", metadata: ["file": "\(path)", "error": "\(error)"])
                reader = nil
            }
            try await Task.sleep(for: pollInterval)
        }
    }

    /// One look at the file: take what is new, notice rotation or truncation.
    func step(_ reader: inout Reader?) async throws {
        while true {
            if reader == nil { reader = try await openFromCursor() }
            guard let r = reader else { return }
            try await drain(r)
            let now = Self.fileID(atPath: path)
            if let now, now.id != r.fileID {
                // Rotated: the old file has been read to its end; what is left unterminated is a bad row.
                try await finishRotated(r)
                logger.info("cdr file rotated", metadata: ["file": "\(path)"])
                reader = try open(path, fileID: now.id, offset: 0, line: 0)
            } else if let now, now.size < r.offset {
                logger.warning("cdr file truncated, reading from the start", metadata: ["file": "\(path)"])
                reader = try open(path, fileID: now.id, offset: 0, line: 0)
            } else {
                return
            }
        }
    }

    /// Where the cursor says to go on: the same file, a rotated copy of it, or (first start) the file's beginning.
    func openFromCursor() async throws -> Reader? {
        guard let current = Self.fileID(atPath: path) else { return nil }
        guard let cursor = try await ledger.cursor(for: taker.source) else {
            return try open(path, fileID: current.id, offset: 0, line: 0)
        }
        if cursor.fileID == current.id { return try open(path, fileID: current.id, offset: cursor.offset, line: cursor.line) }
        let folder = (path as NSString).deletingLastPathComponent
        let base = (path as NSString).lastPathComponent
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.isEmpty ? "." : folder)) ?? []
        where name.hasPrefix(base) && name != base {
            let candidate = (folder as NSString).appendingPathComponent(name)
            if Self.fileID(atPath: candidate)?.id == cursor.fileID {
                logger.info("resuming rotated cdr file", metadata: ["file": "\(candidate)"])
                return try open(candidate, fileID: cursor.fileID, offset: cursor.offset, line: cursor.line)
            }
        }
        logger.warning("cdr file of the cursor is gone; reading the current file from the start", metadata: ["file": "\(path)"])
        return try open(path, fileID: current.id, offset: 0, line: 0)
    }

    func open(_ file: String, fileID: String, offset: Int64, line: Int) throws -> Reader? {
        guard let handle = FileHandle(forReadingAtPath: file) else { return nil }
        try handle.seek(toOffset: UInt64(offset))
        return Reader(handle: handle, fileID: fileID, offset: offset, line: line)
    }

    /// Reads everything written so far and takes its complete records, batch by batch.
    func drain(_ r: Reader) async throws {
        while true {
            let chunk = try r.handle.read(upToCount: 1 << 20) ?? Data()
            if chunk.isEmpty { return }
            r.pending.append(chunk)
            let start = r.offset
            let (records, consumed, lines) = CSVRecordScanner().records(in: r.pending, base: start, firstLine: r.line + 1)
            var index = 0
            while index < records.count {
                let batch = Array(records[index..<min(index + batchSize, records.count)])
                index += batch.count
                let last = batch.last!
                let lineAfter = index == records.count ? r.line + lines : records[index].line - 1
                let cursor = SourceCursor(fileID: r.fileID, offset: last.end, line: lineAfter)
                var summary = CallImportSummary()
                try await taker.take(batch, format: format, cursor: cursor, summary: &summary)
                onProgress(cursor)
            }
            r.pending.removeFirst(consumed)
            r.offset = start + Int64(consumed)
            r.line += lines
        }
    }

    /// The unterminated tail of a rotated file can never be completed: keep it as a bad row and move on.
    func finishRotated(_ r: Reader) async throws {
        guard !r.pending.isEmpty else { return }
        var summary = CallImportSummary()
        let tail = CSVRecordSlice(bytes: r.pending, offset: r.offset, end: r.offset + Int64(r.pending.count), line: r.line + 1)
        try await taker.take([tail], format: format, cursor: nil, summary: &summary)
        r.pending.removeAll()
    }

    /// `device:inode` and size of a file, or nil when it does not exist.
    public static func fileID(atPath path: String) -> (id: String, size: Int64)? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return ("\(st.st_dev):\(st.st_ino)", Int64(st.st_size))
    }
}
