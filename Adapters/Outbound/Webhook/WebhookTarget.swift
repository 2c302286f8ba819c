import DeliverySupport
import Foundation
import MinqingCore
import MinqingCurl
import MinqingHTTP

/// A generic signed JSON webhook (Standard Webhooks): other systems, a county office's system, another hub.
///
/// Headers: `webhook-id` (the notification id, the same on every retry), `webhook-timestamp` (seconds, this
/// attempt), `webhook-signature` (one `v1,…` per configured secret). Any 2xx is success; statuses are classified
/// by `FailureClassifier` (5xx/timeouts retried, 429 with Retry-After, 410 disables the target).
public struct WebhookTarget: NotificationTarget {
    /// A webhook receiver has no documented limit; eight sends in flight keep a slow one from holding the lane.
    public static let laneDefaults = LaneDefaults(rateLimits: [], concurrency: 8)

    public let name: String
    let url: String
    let signer: StandardWebhookSigner
    let timeout: Duration
    let client: CurlClient

    public init(name: String, url: String, secrets: [String], timeout: Duration = .seconds(15), client: CurlClient)
        throws(WebhookSecretError)
    {
        self.name = name
        self.url = url
        self.signer = try StandardWebhookSigner(secrets: secrets)
        self.timeout = timeout
        self.client = client
    }

    public func deliver(_ delivery: Delivery) async -> DeliveryOutcome {
        let body = WebhookPayload.body(for: delivery)
        let id = "msg_\(delivery.id)"
        let timestamp = Int(delivery.sentAt.timeIntervalSince1970)
        var headers = [
            HTTPHeader("Content-Type", "application/json; charset=utf-8"),
            HTTPHeader("webhook-id", id),
            HTTPHeader("webhook-timestamp", String(timestamp)),
        ]
        if signer.isSigning {
            headers.append(HTTPHeader("webhook-signature", signer.signature(id: id, timestamp: timestamp, body: body)))
        }
        let request = HTTPRequestSpec(method: .post, url: url, headers: headers, body: body, timeout: timeout)
        do {
            let result = try await client.send(request)
            if let failure = FailureClassifier.classify(result, now: delivery.sentAt) { return .failed(failure) }
            return .delivered(DeliveryReceipt(
                status: result.status, excerpt: FailureClassifier.excerpt(result.body), latency: result.totalTime))
        } catch {
            return .failed(FailureClassifier.classify(error))
        }
    }
}
