import Foundation
import Hummingbird
import HummingbirdTesting
import MinqingCore
import Testing

@Suite("Open311 GeoReport v2")
struct Open311Tests {
    func array(_ r: TestResponse) throws -> [[String: Any]] {
        try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [[String: Any]] ?? []
    }

    static let request: [(String, String)] = [
        ("api_key", token), ("service_code", "roads"), ("description", "村口路灯坏了三天，晚上看不见路。"),
        ("address_string", "青山村村口"), ("lat", "26.71"), ("long", "113.27"), ("first_name", "建军"), ("last_name", "李"),
        ("phone", "13912345678"),
    ]

    @Test("services are the directory's categories; a request becomes a webform case; the same request again keeps its id")
    func submit() async throws {
        let hub = try TestHub()
        try await hub.test { client in
            let services = try array(try await client.execute(uri: "/open311/v2/services.json", method: .get))
            #expect(services.contains { $0["service_code"] as? String == "roads" && $0["service_name"] as? String == "道路交通" })
            let created = try await client.execute(uri: "/open311/v2/requests.json", method: .post, headers: formHeaders, body: urlEncoded(Self.request))
            #expect(created.status == .created)
            let id = try #require(try array(created).first?["service_request_id"] as? String)
            let again = try await client.execute(uri: "/open311/v2/requests.json", method: .post, headers: formHeaders, body: urlEncoded(Self.request))
            #expect(again.status == .ok)
            #expect(try array(again).first?["service_request_id"] as? String == id)

            let one = try await client.execute(uri: "/open311/v2/requests/\(id).json", method: .get)
            let entry = try #require(try array(one).first)
            #expect(entry["status"] as? String == "open" && entry["service_code"] as? String == "roads")
            let text = String(buffer: one.body)
            for hidden in ["13912345678", "李建军", "路灯坏了"] { #expect(!text.contains(hidden), "public Open311 shows \(hidden)") }
            let list = try array(try await client.execute(uri: "/open311/v2/requests.json?status=open", method: .get))
            #expect(list.map { $0["service_request_id"] as? String } == [id])
            #expect(try array(try await client.execute(uri: "/open311/v2/requests.json?status=closed", method: .get)).isEmpty)
        }
        let record = try #require(try await hub.store.searchCases(.init()).items.first)
        #expect(record.channel == .webform && record.category == "roads" && record.complainant.name == "李建军")
        #expect(record.body.contains("青山村村口"))
    }

    @Test("a wrong api_key is 403, an unknown service or an empty description is 400; nothing is stored")
    func refused() async throws {
        let hub = try TestHub()
        try await hub.test { client in
            func post(_ change: [String: String]) async throws -> TestResponse {
                let fields = Self.request.map { ($0.0, change[$0.0] ?? $0.1) }
                return try await client.execute(uri: "/open311/v2/requests.json", method: .post, headers: formHeaders, body: urlEncoded(fields))
            }
            #expect(try await post(["api_key": "wrong"]).status == .forbidden)
            #expect(try await post(["service_code": "nope"]).status == .badRequest)
            let empty = try await post(["description": ""])
            #expect(empty.status == .badRequest && String(buffer: empty.body).contains("description"))
            #expect(try await client.execute(uri: "/open311/v2/requests/MQ-20990101-0001.json", method: .get).status == .notFound)
        }
        #expect(try await hub.store.searchCases(.init()).total == 0)
    }
}
