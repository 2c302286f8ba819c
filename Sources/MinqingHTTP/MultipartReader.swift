import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Limits a `multipart/form-data` body is read under (docs/limits.md). Every one is checked while the bytes
/// arrive, so a hostile body is refused after at most one part beyond a limit, not after it was read whole.
public struct MultipartLimits: Sendable, Hashable {
    /// Parts one body may have (fields and files together). The public form sends about a dozen.
    public var maxParts: Int
    /// Bytes of one part's header block (its `Content-Disposition`, `Content-Type` … lines).
    public var maxPartHeaderBytes: Int
    /// Bytes of one text field's value (files are not counted here; the body limit bounds them).
    public var maxFieldBytes: Int

    /// RFC 2046 §5.1.1: a boundary is 1–70 characters.
    public static let maxBoundaryLength = 70

    public init(maxParts: Int = 64, maxPartHeaderBytes: Int = 4096, maxFieldBytes: Int = 64 << 10) {
        self.maxParts = maxParts
        self.maxPartHeaderBytes = maxPartHeaderBytes
        self.maxFieldBytes = maxFieldBytes
    }

    public static let defaults = MultipartLimits()
}

/// Why a form body was refused, with the Chinese text shown to the person who sent it.
public enum FormBodyError: Error, Sendable, Equatable, CustomStringConvertible {
    case missingBoundary
    case badBoundary
    case tooManyParts(limit: Int)
    case partHeaderTooLarge(limit: Int)
    case fieldTooLarge(name: String, limit: Int)
    case incomplete
    case spoolFailed(String)

    public var description: String {
        switch self {
        case .missingBoundary: "表单缺少 boundary，请用浏览器重新提交"
        case .badBoundary: "表单的 boundary 不合规（应为 1–\(MultipartLimits.maxBoundaryLength) 个字母、数字或 '()+_,-./:=? 字符）"
        case .tooManyParts(let limit): "表单的项目太多（最多 \(limit) 项），请用本页表单提交"
        case .partHeaderTooLarge(let limit): "表单某一项的标头太长（最多 \(limit) 字节），请用本页表单提交"
        case .fieldTooLarge(let name, let limit): "「\(name)」的内容太长（最多 \(limit / 1024) KB），请精简后再提交"
        case .incomplete: "提交的内容不完整，请重新填写后提交"
        case .spoolFailed: "服务器暂时无法保存上传的文件，请稍后再试"
        }
    }
}

/// An incremental `multipart/form-data` parser (RFC 7578 / RFC 2046): feed it the body in chunks as they arrive,
/// and it reports each part's headers, its content in pieces, and its end. It holds at most one part header block
/// and one delimiter's worth of bytes besides the chunk being fed, so its memory does not grow with the body.
///
/// Pure: no I/O. `FormBody.read` drives it from a request body and spools files to disk.
public struct MultipartParser: Sendable {
    public enum Event: Sendable, Equatable {
        /// A new part: its raw header lines, unfolded.
        case partBegin(headers: [String])
        /// Some of the current part's content.
        case content([UInt8])
        case partEnd
    }

    enum State { case preamble, afterDelimiter, headers, content, done }

    let delimiter: [UInt8]  // CRLF "--" boundary
    let limits: MultipartLimits
    var state = State.preamble
    var buffer: [UInt8]
    var parts = 0

    /// Checks `boundary` (RFC 2046 bchars, 1–70 characters) before any byte is read.
    public init(boundary: String, limits: MultipartLimits = .defaults) throws(FormBodyError) {
        guard Self.isValidBoundary(boundary) else { throw .badBoundary }
        delimiter = Array("\r\n--\(boundary)".utf8)
        self.limits = limits
        // The first delimiter may start the body without a CRLF before it: pretend one came.
        buffer = [0x0D, 0x0A]
    }

    public static func isValidBoundary(_ boundary: String) -> Bool {
        let allowed = Set("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'()+_,-./:=? ".utf8)
        let bytes = Array(boundary.utf8)
        return (1...MultipartLimits.maxBoundaryLength).contains(bytes.count) && bytes.allSatisfy(allowed.contains)
            && bytes.last != 0x20
    }

    /// True once the closing delimiter was read; later bytes (the epilogue) are ignored.
    public var isFinished: Bool { state == .done }

    /// Takes the next chunk of the body and returns what it completed.
    public mutating func feed(_ chunk: some Sequence<UInt8>) throws(FormBodyError) -> [Event] {
        guard state != .done else { return [] }
        buffer.append(contentsOf: chunk)
        var events: [Event] = []
        var position = 0
        loop: while true {
            switch state {
            case .preamble:
                if let at = find(delimiter, from: position) {
                    position = at + delimiter.count
                    state = .afterDelimiter
                } else {
                    position = max(position, buffer.count - delimiter.count + 1)
                    break loop
                }
            case .afterDelimiter:
                // "--" closes the body; otherwise optional blanks, then the CRLF that starts the header block.
                var i = position
                while i < buffer.count, buffer[i] == 0x20 || buffer[i] == 0x09 { i += 1 }
                guard i + 2 <= buffer.count else {
                    if i - position > 256 { throw .incomplete }
                    break loop
                }
                if buffer[position] == 0x2D, buffer[position + 1] == 0x2D, i == position {
                    state = .done
                    if parts > 0 { events.append(.partEnd) }
                    break loop
                }
                guard buffer[i] == 0x0D, buffer[i + 1] == 0x0A else { throw .incomplete }
                if parts > 0 { events.append(.partEnd) }
                parts += 1
                guard parts <= limits.maxParts else { throw .tooManyParts(limit: limits.maxParts) }
                position = i  // keep the CRLF: an empty header block is then CRLF CRLF
                state = .headers
            case .headers:
                let end: [UInt8] = [0x0D, 0x0A, 0x0D, 0x0A]
                if let at = find(end, from: position) {
                    guard at - position <= limits.maxPartHeaderBytes else {
                        throw .partHeaderTooLarge(limit: limits.maxPartHeaderBytes)
                    }
                    let text = String(decoding: buffer[(position + 2)..<max(position + 2, at)], as: UTF8.self)
                    events.append(.partBegin(headers: Self.unfold(text)))
                    position = at + 4  // the content begins after the blank line
                    state = .content
                } else {
                    guard buffer.count - position <= limits.maxPartHeaderBytes + 4 else {
                        throw .partHeaderTooLarge(limit: limits.maxPartHeaderBytes)
                    }
                    break loop
                }
            case .content:
                if let at = find(delimiter, from: position) {
                    if at > position { events.append(.content(Array(buffer[position..<at]))) }
                    position = at + delimiter.count
                    state = .afterDelimiter
                } else {
                    // Everything but a possible start of the delimiter is content.
                    let safe = max(position, buffer.count - delimiter.count + 1)
                    if safe > position { events.append(.content(Array(buffer[position..<safe]))) }
                    position = safe
                    break loop
                }
            case .done:
                break loop
            }
        }
        buffer.removeFirst(min(position, buffer.count))
        return events
    }

    /// Call after the last chunk: a body that did not reach its closing delimiter is incomplete.
    public func finish() throws(FormBodyError) {
        guard state == .done else { throw .incomplete }
    }

    private func find(_ needle: [UInt8], from start: Int) -> Int? {
        guard let first = needle.first, buffer.count - start >= needle.count else { return nil }
        return buffer.withUnsafeBufferPointer { b -> Int? in
            guard let base = b.baseAddress else { return nil }
            var i = start
            let last = b.count - needle.count
            while i <= last {
                // memchr finds the candidate first byte at memory speed, whatever the build.
                guard let hit = memchr(base + i, Int32(first), last - i + 1) else { return nil }
                let at = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                if memcmp(base + at, needle, needle.count) == 0 { return at }
                i = at + 1
            }
            return nil
        }
    }

    /// Header lines, with folded continuation lines joined (RFC 5322 §2.2.3).
    static func unfold(_ text: String) -> [String] {
        var lines: [String] = []
        for line in text.components(separatedBy: "\r\n") where !line.isEmpty {
            if let f = line.first, f == " " || f == "\t", !lines.isEmpty {
                lines[lines.count - 1] += " " + line.trimmingCharacters(in: .whitespaces)
            } else {
                lines.append(line)
            }
        }
        return lines
    }
}
