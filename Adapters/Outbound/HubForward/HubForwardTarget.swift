import DeliverySupport
import Foundation
import MinqingCore
import MinqingCurl

/// Forwards a case to another Minqing Hub (a county office that runs its own hub): one `POST` of the case packet to
/// that hub's intake API (`/api/v1/messages`) with its bearer token.
///
/// The packet is the citizen's message as the township received it — channel, subject, text, complainant in full
/// (the county handles the case, so it sees who raised it) — with source reference `hub:<case id>`, so a retried or
/// repeated forward is the same case at the county (its intake answers 200 with that case). 201 and 200 are success;
/// everything else is classified like any HTTP target.
public struct HubForwardTarget: NotificationTarget {
    /// The county hub takes four forwards at once from each township.
    public static let laneDefaults = LaneDefaults(rateLimits: [], concurrency: 4)

    public let name: String
    let url: String
    let token: String
    let originOffice: String
    let timeout: Duration
    let client: CurlClient

    /// `url` is the other hub's base address (`https://county-hub.example.cn`) or its intake URL.
    public init(name: String, url: String, token: String, originOffice: String, timeout: Duration = .seconds(15), client: CurlClient) {
        self.name = name
        var base = url
        while base.hasSuffix("/") { base.removeLast() }
        self.url = base.hasSuffix("/api/v1/messages") ? base : base + "/api/v1/messages"
        self.token = token
        self.originOffice = originOffice
        self.timeout = timeout
        self.client = client
    }

    struct Packet: Encodable {
        struct Person: Encodable {
            var name: String?
            var phone: String?
            var idNumber: String?
            var email: String?
        }
        var channel: String
        var sourceRef: String
        var receivedAt: Date
        var complainant: Person
        var village: String?
        var category: String?
        var subject: String
        var body: String
    }

    func packet(for delivery: Delivery) -> Packet? {
        guard let s = delivery.snapshot else { return nil }
        let intro = "【\(originOffice)转来，原编号 \(s.id)】"
        return Packet(
            channel: s.channel, sourceRef: "hub:\(s.id)", receivedAt: s.registeredAt,
            complainant: .init(name: s.complainant.name, phone: s.complainant.phone, idNumber: s.complainant.idNumber,
                               email: s.complainant.email),
            village: s.villageName, category: s.categoryName, subject: s.subject,
            body: intro + "\n" + s.body + (s.replyText.map { "\n\n乡镇已答复：\($0)" } ?? ""))
    }

    public func deliver(_ delivery: Delivery) async -> DeliveryOutcome {
        guard let packet = packet(for: delivery) else {
            return .failed(DeliveryFailure(.permanent, reason: "转办到上级民情通只能针对案件，这条通知不属于任何案件"))
        }
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = Array((try? encoder.encode(packet)) ?? Data())
        let request = HTTPRequestSpec(
            method: .post, url: url,
            headers: [HTTPHeader("Content-Type", "application/json; charset=utf-8"), HTTPHeader("Authorization", "Bearer \(token)"),
                      HTTPHeader("Idempotency-Key", delivery.id)],
            body: body, timeout: timeout)
        do {
            let result = try await client.send(request)
            if let failure = FailureClassifier.classify(result, now: delivery.sentAt) { return .failed(failure) }
            return .delivered(DeliveryReceipt(status: result.status, excerpt: FailureClassifier.excerpt(result.body), latency: result.totalTime))
        } catch {
            return .failed(FailureClassifier.classify(error))
        }
    }
}
