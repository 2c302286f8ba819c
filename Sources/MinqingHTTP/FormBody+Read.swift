import Foundation
import Hummingbird

extension FormBody {
    /// Reads a form from `request` while it arrives, refusing as early as possible:
    /// - a declared `Content-Length` over `limit` before any byte is read, an undeclared one as soon as it passes
    ///   `limit` (`Problem.tooLarge`, 413);
    /// - a multipart body with a bad boundary, too many parts, an oversized part header or field value
    ///   (`FormBodyError`), at the part that breaks the limit;
    /// - `gate` (the caller's check of who is sending, e.g. the form token) runs on the fields read so far after
    ///   the FIRST part of a multipart body, or after an url-encoded body; whatever it throws stops the reading.
    /// Files are spooled to `spool` (kept in memory when nil). On any error the spooled files are removed; on
    /// success the caller removes them with `removeFiles()`.
    public static func read(
        _ request: Request, limit: Int, limits: MultipartLimits = .defaults, spool: FormSpool?,
        gate: ((FormBody) throws -> Void)? = nil
    ) async throws -> FormBody {
        let contentType = request.headers[.contentType]
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > limit {
            throw Problem.tooLarge(limit: limit)
        }
        guard isMultipart(contentType) else {
            var request = request
            let form = urlEncoded(String(decoding: try await request.collectBody(limit: min(limit, limits.maxUrlEncodedBytes)), as: UTF8.self))
            try gate?(form)
            return form
        }
        var builder = try Builder(contentType: contentType, limits: limits, spool: spool)
        do {
            var total = 0
            var gated = gate == nil
            for try await chunk in request.body {
                total += chunk.readableBytes
                guard total <= limit else { throw Problem.tooLarge(limit: limit) }
                try chunk.withUnsafeReadableBytes { try builder.take($0) }
                if !gated, builder.completedParts > 0 {
                    gated = true
                    try gate?(builder.form)
                }
                if builder.isFinished { break }
            }
            if !gated { try gate?(builder.form) }
            return try builder.finish()
        } catch {
            builder.abandon()
            throw error
        }
    }
}
