import Foundation
import Hummingbird
import MinqingCore
import MinqingHTTP

/// `POST /api/v1/letters`: a clerk registers a typed paper letter with its scanned pages (base64).
///
/// Answers `201 {"case_id","status"}` for a new case and `200` for a letter number registered before — only after
/// the case is durable. A malformed request is refused with a problem naming the field; nothing is stored.
public struct PaperLetterRoutes: Sendable {
    let intake: any MessageIntake
    let maxBodyBytes: Int
    let maxScans: Int
    let maxScanBytes: Int
    let timeZone: TimeZone

    public init(intake: any MessageIntake, maxBodyBytes: Int, maxScans: Int, maxScanBytes: Int, timeZone: TimeZone = HubTime.shanghai) {
        self.intake = intake
        self.maxBodyBytes = maxBodyBytes
        self.maxScans = maxScans
        self.maxScanBytes = maxScanBytes
        self.timeZone = timeZone
    }

    public func register<Context: RequestContext>(on routes: RouteTable<Context>) {
        routes.on(.post, "/api/v1/letters", access: .scope(.intake)) { request, _ in try await receive(request) }
    }

    private func receive(_ request: Request) async throws -> Response {
        var request = request
        let raw = try await request.collectBody(limit: maxBodyBytes)
        let (maxScans, maxScanBytes, timeZone) = (self.maxScans, self.maxScanBytes, self.timeZone)
        // Decoding megabytes of JSON and base64 scans is CPU work: off the shared threads.
        let letter = try await Offload.run(bytes: raw.count) {
            try JSONInput.decode(LetterRequest.self, from: raw).letter(maxScans: maxScans, maxScanBytes: maxScanBytes, timeZone: timeZone)
        }
        return try IntakeAnswer.response(try await intake.submit(letter.message(raw: raw, rawContentType: "application/json")))
    }
}

/// The body of `POST /api/v1/letters`.
struct LetterRequest: Decodable {
    struct Scan: Decodable {
        var filename: String?
        var contentType: String?
        var data: String?
    }

    var letterNo: String?
    var receivedAt: String?
    var name: String?
    var phone: String?
    var idNumber: String?
    var village: String?
    var category: String?
    var subject: String?
    var body: String?
    var scans: [Scan]?

    func letter(maxScans: Int, maxScanBytes: Int, timeZone: TimeZone) throws(Problem) -> PaperLetter {
        guard let number = letterNo?.nonEmpty else { throw .invalid("letter_no", "必须填写信封上的登记号，用于防止重复登记") }
        guard let text = body?.nonEmpty else { throw .invalid("body", "必须录入来信内容") }
        var received: Date?
        if let t = receivedAt?.nonEmpty {
            guard let d = LetterFields.date(t, timeZone: timeZone) else {
                throw .invalid("received_at", "「\(t)」不是有效日期，应写成 2026-11-22 或 2026-11-22T09:30:00+08:00")
            }
            received = d
        }
        let files = scans ?? []
        guard files.count <= maxScans else { throw .invalid("scans", "最多 \(maxScans) 个扫描件，这里有 \(files.count) 个") }
        var decoded: [InboundAttachment] = []
        for (i, scan) in files.enumerated() {
            let field = "scans[\(i)]"
            guard let name = scan.filename?.nonEmpty else { throw .invalid("\(field).filename", "必须填写文件名") }
            guard let data = scan.data.flatMap(LetterFields.base64) else { throw .invalid("\(field).data", "不是有效的 base64 内容") }
            guard data.count <= maxScanBytes else {
                throw .invalid("\(field).data", "扫描件「\(name)」有 \(data.count) 字节，超过上限 \(maxScanBytes) 字节，请降低扫描分辨率后重试")
            }
            decoded.append(InboundAttachment(filename: name, contentType: scan.contentType?.nonEmpty ?? LetterFields.contentType(of: name), data: data))
        }
        return PaperLetter(
            number: number, receivedAt: received, name: name?.nonEmpty, phone: phone?.nonEmpty, idNumber: idNumber?.nonEmpty,
            village: village?.nonEmpty, category: category?.nonEmpty, subject: subject?.nonEmpty, body: text, scans: decoded)
    }
}
