import Foundation

/// A folder uploads are written to while a form body is read (under the data directory), so a request's files
/// never sit whole in memory. Each file is removed when its request is done (`FormBody.removeFiles()`), and
/// `sweep()` removes what a crash left behind.
public struct FormSpool: Sendable {
    public let directory: URL

    /// Creates `directory` if needed.
    public init(directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        self.directory = directory
    }

    /// A spool in the system's temporary folder (tests, and hubs started without a data directory).
    public static func temporary() -> FormSpool? {
        try? FormSpool(directory: FileManager.default.temporaryDirectory.appendingPathComponent("minqing-uploads"))
    }

    func newFile() throws -> (URL, FileHandle) {
        let url = directory.appendingPathComponent("upload-\(UUID().uuidString).part")
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw FormBodyError.spoolFailed("cannot create \(url.path)")
        }
        return (url, try FileHandle(forWritingTo: url))
    }

    /// Removes every spooled upload (call at start-up, before requests are served).
    public func sweep() {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        for name in names where name.hasPrefix("upload-") && name.hasSuffix(".part") {
            try? FileManager.default.removeItem(at: directory.appendingPathComponent(name))
        }
    }
}

extension FormBody {
    /// Turns parser events into fields (in memory, each under `maxFieldBytes`) and files (spooled or in memory).
    struct Builder {
        enum Sink {
            case field([UInt8])
            case memoryFile([UInt8])
            case diskFile(URL, FileHandle, Int)
        }

        var parser: MultipartParser
        let limits: MultipartLimits
        let spool: FormSpool?
        var form = FormBody()
        var name = "", filename: String?, partType = "application/octet-stream"
        var sink: Sink?
        private(set) var completedParts = 0

        init(contentType: String?, limits: MultipartLimits, spool: FormSpool?) throws(FormBodyError) {
            guard let boundary = FormBody.parameter("boundary", in: contentType ?? "") else { throw .missingBoundary }
            parser = try MultipartParser(boundary: boundary, limits: limits)
            self.limits = limits
            self.spool = spool
        }

        var isFinished: Bool { parser.isFinished }

        mutating func take(_ bytes: some Sequence<UInt8>) throws(FormBodyError) {
            for event in try parser.feed(bytes) {
                switch event {
                case .partBegin(let headers): try begin(headers)
                case .content(let piece): try append(piece)
                case .partEnd: end()
                }
            }
        }

        mutating func finish() throws(FormBodyError) -> FormBody {
            try parser.finish()
            return form
        }

        /// Closes and removes whatever was spooled.
        mutating func abandon() {
            if case .diskFile(let url, let handle, _) = sink {
                try? handle.close()
                try? FileManager.default.removeItem(at: url)
            }
            sink = nil
            form.removeFiles()
        }

        private mutating func begin(_ headers: [String]) throws(FormBodyError) {
            var disposition = ""
            partType = "application/octet-stream"
            for line in headers {
                let lower = line.lowercased()
                if lower.hasPrefix("content-disposition:") { disposition = line }
                if lower.hasPrefix("content-type:") {
                    partType = String(line.dropFirst("content-type:".count)).trimmingCharacters(in: .whitespaces)
                }
            }
            name = FormBody.parameter("name", in: disposition) ?? ""
            filename = FormBody.parameter("filename", in: disposition)
            if filename == nil {
                sink = .field([])
            } else if let spool {
                do {
                    let (url, handle) = try spool.newFile()
                    sink = .diskFile(url, handle, 0)
                } catch {
                    throw FormBodyError.spoolFailed("\(error)")
                }
            } else {
                sink = .memoryFile([])
            }
        }

        private mutating func append(_ piece: [UInt8]) throws(FormBodyError) {
            switch sink {
            case .field(var bytes):
                guard bytes.count + piece.count <= limits.maxFieldBytes else {
                    throw FormBodyError.fieldTooLarge(name: name, limit: limits.maxFieldBytes)
                }
                sink = nil  // drop the reference so the append does not copy
                bytes += piece
                sink = .field(bytes)
            case .memoryFile(var bytes):
                sink = nil
                bytes += piece
                sink = .memoryFile(bytes)
            case .diskFile(let url, let handle, let size):
                do { try handle.write(contentsOf: piece) } catch { throw FormBodyError.spoolFailed("\(error)") }
                sink = .diskFile(url, handle, size + piece.count)
            case nil:
                break
            }
        }

        private mutating func end() {
            defer { sink = nil; completedParts += 1 }
            switch sink {
            case .field(let bytes):
                form.fields.append((name, String(decoding: bytes, as: UTF8.self)))
            case .memoryFile(let bytes):
                if !(filename ?? "").isEmpty || !bytes.isEmpty {
                    form.files.append(File(field: name, filename: filename ?? "", contentType: partType, data: Data(bytes)))
                }
            case .diskFile(let url, let handle, let size):
                try? handle.close()
                if !(filename ?? "").isEmpty || size > 0 {
                    form.files.append(File(field: name, filename: filename ?? "", contentType: partType, spooled: url, size: size))
                } else {
                    try? FileManager.default.removeItem(at: url)
                }
            case nil:
                break
            }
        }
    }
}

extension MultipartLimits {
    /// Bytes an `application/x-www-form-urlencoded` body may have: it carries text only, no files.
    public var maxUrlEncodedBytes: Int { maxFieldBytes * 4 }
}
