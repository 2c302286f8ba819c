import Foundation
import Hummingbird
import MinqingCore
import MinqingHTTP

/// The generic JSON intake: `POST /api/v1/messages`.
///
/// Answers `201 {"case_id","status"}` for a new case and `200` with the same body for a redelivery of the same
/// `(channel, source_ref)` — only after the case is durable. Anything malformed is refused with a problem naming
/// the field, and nothing is stored.
public struct JSONIntakeRoutes: Sendable {
    let intake: any MessageIntake
    let limits: IntakeLimits
    let maxBodyBytes: Int
    let timeZone: TimeZone

    public init(intake: any MessageIntake, limits: IntakeLimits, maxBodyBytes: Int, timeZone: TimeZone = HubTime.shanghai) {
        self.intake = intake
        self.limits = limits
        self.maxBodyBytes = maxBodyBytes
        self.timeZone = timeZone
    }

    public func register<Context: RequestContext>(on routes: RouteTable<Context>) {
        routes.on(.post, "/api/v1/messages", access: .scope(.intake)) { request, _ in try await receive(request) }
    }

    private func receive(_ request: Request) async throws -> Response {
        var request = request
        let raw = try await request.collectBody(limit: maxBodyBytes)
        let (limits, timeZone) = (self.limits, self.timeZone)
        // Decoding megabytes of JSON and base64 is CPU work: off the shared threads.
        let message = try await Offload.run(bytes: raw.count) { try Self.parse(raw, limits: limits, timeZone: timeZone) }
        return try IntakeAnswer.response(try await intake.submit(message))
    }

    /// One intake JSON document → an inbound message (the demo seeder and imports use the same code as the API).
    /// Throws a `Problem` naming the field at fault.
    public static func parse(_ raw: Data, limits: IntakeLimits, timeZone: TimeZone = HubTime.shanghai) throws -> InboundMessage {
        try JSONInput.decode(IntakeRequest.self, from: raw).message(raw: raw, limits: limits, timeZone: timeZone)
    }
}
